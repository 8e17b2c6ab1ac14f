package traffic_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/siglab/siglab/labnet"
)

func TestTraffic(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "traffic")
}

var (
	scanner = labnet.DefaultScanner
	victim  = labnet.FirstHost
)
