package labnet_test

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
)

var _ = Describe("the IPv6 plan", func() {
	DescribeTable("derives a lab address's IPv6 address and back",
		func(v4, v6 string) {
			a, err := labnet.IPv6(netip.MustParseAddr(v4))
			Expect(err).NotTo(HaveOccurred())
			Expect(a).To(Equal(netip.MustParseAddr(v6)))
			Expect(labnet.Contains6(a)).To(BeTrue())
			Expect(labnet.CheckAddr6(a)).To(Succeed())
			back, ok := labnet.IPv4Of(a)
			Expect(ok).To(BeTrue())
			Expect(back).To(Equal(netip.MustParseAddr(v4).Unmap()))
		},
		Entry("the first host", "198.18.1.2", "2001:2::c612:102"),
		Entry("the scan namespace", "198.19.0.1", "2001:2::c613:1"),
		Entry("the top of the range", "198.19.255.254", "2001:2::c613:fffe"),
		Entry("a v4-mapped lab address", "::ffff:198.18.7.9", "2001:2::c612:709"),
	)

	DescribeTable("refuses addresses outside the lab",
		func(s string) {
			_, err := labnet.IPv6(netip.MustParseAddr(s))
			Expect(err).To(MatchError(labnet.ErrOutsideLab))
		},
		Entry("a private address", "10.0.0.1"),
		Entry("just below the range", "198.17.255.255"),
		Entry("an IPv6 address", "2001:2::c612:102"),
	)

	DescribeTable("tells lab IPv6 addresses from others",
		func(s string, inRange, linkScope, embedded bool) {
			a := netip.MustParseAddr(s)
			Expect(labnet.Contains6(a)).To(Equal(inRange))
			Expect(labnet.CheckAddr6(a) == nil).To(Equal(inRange))
			if !inRange {
				Expect(labnet.CheckAddr6(a)).To(MatchError(labnet.ErrOutsideLab))
			}
			Expect(labnet.LinkScope6(a)).To(Equal(linkScope))
			_, ok := labnet.IPv4Of(a)
			Expect(ok).To(Equal(embedded))
		},
		Entry("a host's", "2001:2::c612:102", true, false, true),
		Entry("elsewhere in the /48", "2001:2:0:1::5", true, false, false),
		Entry("an embedded address outside the IPv4 range", "2001:2::a00:1", true, false, false),
		Entry("documentation prefix", "2001:db8::1", false, false, false),
		Entry("the next /48", "2001:2:1::1", false, false, false),
		Entry("link-local", "fe80::1", false, true, false),
		Entry("solicited-node multicast", "ff02::1:ff12:102", false, true, false),
		Entry("all MLDv2 routers", "ff02::16", false, true, false),
		Entry("site-local multicast", "ff05::2", false, false, false),
		Entry("IPv4", "198.18.1.2", false, false, false),
		Entry("v4-mapped", "::ffff:198.18.1.2", false, false, false),
	)
})
