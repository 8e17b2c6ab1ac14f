package scanlogd_test

import (
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// helperEnv makes the test binary a siglab process that starts a
// scanlogd in a replay namespace of its own, prints "<lab id> <daemon
// pid>" and waits to be killed: "attached" as Start makes it, "detached"
// as one whose PDEATHSIG failed (for the Clean spec).
const helperEnv = "SIGLAB_SCANLOGD_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		helper(mode) // never returns
	}
	os.Exit(m.Run())
}

func TestScanlogd(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "external/scanlogd")
}
