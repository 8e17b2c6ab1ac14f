package nsthread_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestNsthread(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "netns/nsthread")
}
