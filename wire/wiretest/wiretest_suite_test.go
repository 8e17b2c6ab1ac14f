package wiretest_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestWiretest(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "wiretest")
}
