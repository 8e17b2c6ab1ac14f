package lazyre_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestLazyre(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "lazyre")
}
