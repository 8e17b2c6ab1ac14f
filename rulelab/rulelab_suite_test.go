package rulelab_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestRulelab(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "rulelab")
}
