package main

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSpoofcap(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "bench/spoofcap")
}
