package labnet_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestLabnet(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "labnet")
}
