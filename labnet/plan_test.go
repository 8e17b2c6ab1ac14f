package labnet_test

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
)

var _ = Describe("SpoofSources", func() {
	It("hands out the scanner side but for its edges, its gateway and what is avoided", func() {
		all, err := labnet.SpoofSources(252, labnet.DefaultScanner)
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(HaveLen(252))
		Expect(all[0]).To(Equal(netip.MustParseAddr("198.18.0.3")))
		Expect(all[251]).To(Equal(netip.MustParseAddr("198.18.0.254")))
		seen := map[netip.Addr]bool{}
		for _, a := range all {
			Expect(labnet.ScannerSide.Contains(a)).To(BeTrue(), "%s: the sensor routes only the scanner side back to the TUN", a)
			Expect(labnet.Contains(a)).To(BeTrue())
			Expect(seen[a]).To(BeFalse(), "%s twice", a)
			seen[a] = true
		}
		Expect(all).NotTo(ContainElements(labnet.ScannerGateway, labnet.DefaultScanner,
			netip.MustParseAddr("198.18.0.0"), netip.MustParseAddr("198.18.0.255")))
	})

	It("counts what it has to spare", func() {
		Expect(labnet.SpareSources()).To(Equal(253))
		Expect(labnet.SpareSources(labnet.DefaultScanner)).To(Equal(252))
		Expect(labnet.SpareSources(labnet.DefaultScanner, labnet.ScannerGateway, netip.MustParseAddr("203.0.113.5"))).To(Equal(252), "avoiding what is not handed out anyway changes nothing")
	})

	It("avoids decoys as well as the scanner", func() {
		decoy := netip.MustParseAddr("198.18.0.5")
		got, err := labnet.SpoofSources(3, labnet.DefaultScanner, decoy)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal([]netip.Addr{netip.MustParseAddr("198.18.0.3"), netip.MustParseAddr("198.18.0.4"), netip.MustParseAddr("198.18.0.6")}))
	})

	DescribeTable("refuses counts it cannot meet",
		func(n int, avoid []netip.Addr, msg string) {
			_, err := labnet.SpoofSources(n, avoid...)
			Expect(err).To(MatchError(ContainSubstring(msg)))
		},
		Entry("none", 0, nil, "at least one"),
		Entry("negative", -4, nil, "at least one"),
		Entry("more than the block holds", 254, nil, "254 asked, 198.18.0.0/24 has 253 to spare"),
		Entry("more than is left beside the scanner", 253, []netip.Addr{labnet.DefaultScanner}, "has 252 to spare"),
	)
})
