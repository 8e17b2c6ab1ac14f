package siglabtest_test

import (
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/siglab/siglab/netns/netnstest"
)

func TestLab(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "lab (the catalogue as a users' suite would run it)")
}

// Containment, proven while the catalogue runs: a sniffer on every
// interface of the namespace the suite starts in (the host's) must see
// no packet from or to a lab address, however the labs in their own
// namespaces behave.
var sniffer *netnstest.Sniffer

var _ = BeforeSuite(func() {
	if os.Geteuid() != 0 {
		GinkgoWriter.Println("*** not root: the containment sniffer is NOT RUN ***")
		return
	}
	var err error
	sniffer, err = netnstest.StartSniffer()
	Expect(err).NotTo(HaveOccurred())
})

var _ = AfterSuite(func() {
	if sniffer == nil {
		return
	}
	leaked, seen := sniffer.Stop()
	GinkgoWriter.Printf("containment: %d IPv4 packets in the host's namespace, %d from or to the lab\n", seen, len(leaked))
	Expect(leaked).To(BeEmpty(), "lab packets outside the lab's namespaces")
})
