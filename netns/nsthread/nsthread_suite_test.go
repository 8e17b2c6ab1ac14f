package nsthread_test

import (
	"fmt"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// taintProbeEnv makes the test binary run taintProbe instead of the
// specs (see mainthread_test.go).
const taintProbeEnv = "SIGLAB_NSTHREAD_TAINT_PROBE"

func TestMain(m *testing.M) {
	if os.Getenv(taintProbeEnv) == "1" {
		// On the main goroutine, as a program's main runs: the probe
		// needs its waits to leave the main thread idle.
		if err := taintProbe(); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("the main thread stayed in the process's namespace")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestNsthread(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "netns/nsthread")
}
