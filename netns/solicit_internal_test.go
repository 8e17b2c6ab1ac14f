package netns

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("solicited-node groups", func() {
	DescribeTable("solicitedNode is ff02::1:ff and the address's low 24 bits (RFC 4291 2.7.1)",
		func(addr, group string) {
			Expect(solicitedNode(netip.MustParseAddr(addr))).To(Equal(netip.MustParseAddr(group)))
		},
		Entry("a kernel host", "2001:2::c612:102", "ff02::1:ff12:102"),
		Entry("the gateway on a host link", "fe80::1", "ff02::1:ff00:1"),
		Entry("the high bits do not count", "2001:db8:ffff::ab:cdef", "ff02::1:ffab:cdef"),
	)

	// /proc/net/igmp6 as a lab host shows it.
	igmp6 := []byte(`1    lo              ff020000000000000000000000000001     1 0000000C 0
2    siglab-eth0     ff0200000000000000000001ff120102     1 00000004 0
2    siglab-eth0     ff0200000000000000000001fff6baf9     1 00000004 0
2    siglab-eth0     ff020000000000000000000000000001     1 0000000C 0
3    siglab-h1       ff0200000000000000000001ff000001     1 00000004 0
`)
	DescribeTable("firstMissing reads which addresses' groups a link has joined",
		func(list []solicit, wantOK bool, want solicit) {
			missing, ok := firstMissing(igmp6, list)
			Expect(ok).To(Equal(wantOK))
			Expect(missing).To(Equal(want))
		},
		Entry("joined", []solicit{{"siglab-eth0", netip.MustParseAddr("2001:2::c612:102")}}, true, solicit{}),
		Entry("joined, several links", []solicit{{"siglab-eth0", netip.MustParseAddr("2001:2::c612:102")}, {"siglab-h1", netip.MustParseAddr("fe80::1")}}, true, solicit{}),
		Entry("not yet joined", []solicit{{"siglab-eth0", netip.MustParseAddr("2001:2::c612:202")}}, false, solicit{"siglab-eth0", netip.MustParseAddr("2001:2::c612:202")}),
		Entry("joined on another link only", []solicit{{"siglab-h0", netip.MustParseAddr("fe80::1")}}, false, solicit{"siglab-h0", netip.MustParseAddr("fe80::1")}),
		Entry("nothing asked", nil, true, solicit{}),
	)
	It("finds nothing joined in an empty table", func() {
		_, ok := firstMissing(nil, []solicit{{"siglab-eth0", netip.MustParseAddr("2001:2::c612:102")}})
		Expect(ok).To(BeFalse())
	})
})
