package verifier_test

import (
	"context"
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

var _ = Describe("a ping sweep of a routed /24", Label("root"), func() {
	It("finds exactly the three live hosts, and the sensor sees the probes to the absent ones", func() {
		netnstest.RequireRoot()
		s, err := scenarios.Find("tech-ping-sweep")
		Expect(err).NotTo(HaveOccurred())
		res, err := verifier.Run(context.Background(), s, false)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Verdict.Status()).To(Equal(verifier.StatusPass))
		Expect(res.Output).To(ContainSubstring("256 IP addresses (3 hosts up)"))
		probed := map[netip.Addr]bool{}
		for _, p := range res.Capture.Packets {
			ip, err := capture.IPv4(res.Capture.LinkType, p.Data)
			if err != nil || ip[9] != 1 || ip[20] != 8 { // ICMP echo requests
				continue
			}
			probed[netip.AddrFrom4([4]byte(ip[16:20]))] = true
		}
		Expect(probed).To(HaveLen(256), "an echo request to every address of the /24, .0 and .255 included (2.01's options_init sets o.allowall), crossed the sensor")
		Expect(probed).To(HaveKey(netip.MustParseAddr("198.18.1.100")))
	})
})
