package sensor_test

import (
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSensor(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "sensor")
}

func requireRoot() {
	if os.Geteuid() != 0 {
		Skip("NOT RUN: needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) to build a lab and capture; run the suite as root")
	}
}
