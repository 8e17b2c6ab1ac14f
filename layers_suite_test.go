package siglab_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestLayers checks the module's import graph against the chain.
func TestLayers(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "layers")
}
