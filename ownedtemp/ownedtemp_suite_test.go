package ownedtemp_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestOwnedtemp(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "ownedtemp")
}
