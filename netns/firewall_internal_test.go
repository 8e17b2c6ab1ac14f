package netns

import (
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns/nsthread"
)

var _ = Describe("the host firewall's failure path", func() {
	It("fails with ErrFirewall, naming the host and namespace, when the rules cannot be installed", func() {
		// /dev/null is no network namespace: entering it fails, as does
		// any kernel refusal of the batch, and Build must stop there.
		f, err := os.Open(os.DevNull)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(f.Close)
		l := &Lab{id: "0-0"}
		err = l.firewall(nsthread.Handle(f.Fd()), "h0", hostPlan{Host: labnet.Host{Name: "v", FilteredTCP: []uint16{23}}})
		Expect(err).To(MatchError(ErrFirewall))
		Expect(err.Error()).To(And(ContainSubstring(`host "v"`), ContainSubstring("siglab-0-0-h0")))
	})

	It("costs nothing for a host without filtered or prohibited ports", func() {
		l := &Lab{id: "0-0"}
		// An invalid handle proves that no netlink call is made.
		Expect(l.firewall(nsthread.Handle(-1), "h0", hostPlan{Host: labnet.Host{Name: "v", OpenTCP: []uint16{22}, OpenUDP: []uint16{53}}})).To(Succeed())
	})
})
