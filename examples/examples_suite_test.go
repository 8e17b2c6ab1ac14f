package examples_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestDetections(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "example: our detections against nmap 2.02")
}
