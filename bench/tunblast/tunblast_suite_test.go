package main

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/netns/netnstest"
)

func TestTunblast(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "tunblast")
}

var _ = AfterSuite(netnstest.ExpectNoLeftovers)
