package netns_test

import (
	"fmt"
	"net/netip"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
)

// orphanEnv makes the test binary a siglab process that builds a lab,
// prints its ID and waits to be killed (for the Clean spec).
const orphanEnv = "SIGLAB_NETNS_TEST_ORPHAN"

func TestMain(m *testing.M) {
	if mode := os.Getenv(persistEnv); mode != "" {
		persistentOrphan(mode) // never returns
	}
	if os.Getenv(orphanEnv) == "1" {
		lab, err := netns.Build(netns.Spec{Hosts: []labnet.Host{
			{Name: "v", Addr: netip.MustParseAddr("198.18.1.2"), OpenTCP: []uint16{22}}}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(lab.ID())
		select {} // until SIGKILL: nothing gets closed
	}
	os.Exit(m.Run())
}

func TestNetns(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "netns")
}

var _ = AfterSuite(netnstest.ExpectNoLeftovers)
