package picture_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestPicture(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "picture")
}
