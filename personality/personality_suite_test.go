package personality_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestPersonality(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "personality")
}
