package reportmerge_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestReportmerge(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "reportmerge")
}
