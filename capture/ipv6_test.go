package capture_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
)

var _ = Describe("finding the IPv6 packet in a frame", func() {
	pkt := append([]byte{0x60, 0, 0, 0, 0, 0, 59, 64}, make([]byte, 32)...) // no next header
	eth := func(et ...byte) []byte {
		return append(append(make([]byte, 12), et...), pkt...)
	}
	DescribeTable("returns the packet, or ErrNotIPv6",
		func(lt capture.LinkType, frame []byte, ok bool) {
			got, err := capture.IPv6(lt, frame)
			if !ok {
				Expect(err).To(MatchError(capture.ErrNotIPv6))
				Expect(got).To(BeNil())
				return
			}
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(pkt))
			_, err = capture.IPv4(lt, frame)
			Expect(err).To(MatchError(capture.ErrNotIPv4), "an IPv6 frame is no IPv4 one")
		},
		Entry("Ethernet", capture.LinkTypeEthernet, eth(0x86, 0xdd), true),
		Entry("Ethernet, one VLAN tag", capture.LinkTypeEthernet, eth(0x81, 0x00, 0, 1, 0x86, 0xdd), true),
		Entry("Ethernet, two tags", capture.LinkTypeEthernet, eth(0x88, 0xa8, 0, 1, 0x81, 0x00, 0, 2, 0x86, 0xdd), true),
		Entry("raw IP", capture.LinkTypeRaw, pkt, true),
		Entry("Linux cooked", capture.LinkTypeLinuxSLL, append(append(make([]byte, 14), 0x86, 0xdd), pkt...), true),
		Entry("BSD loopback", capture.LinkTypeNull, append([]byte{24, 0, 0, 0}, pkt...), true),
		Entry("Ethernet carrying IPv4", capture.LinkTypeEthernet, append(append(make([]byte, 12), 0x08, 0x00), append([]byte{0x45}, make([]byte, 39)...)...), false),
		Entry("EtherType IPv6, version 4 inside", capture.LinkTypeEthernet, append(append(make([]byte, 12), 0x86, 0xdd), append([]byte{0x45}, make([]byte, 39)...)...), false),
		Entry("less than a fixed header", capture.LinkTypeRaw, pkt[:39], false),
		Entry("a short Ethernet frame", capture.LinkTypeEthernet, []byte{0x86, 0xdd}, false),
		Entry("a cut VLAN tag", capture.LinkTypeEthernet, append(make([]byte, 12), 0x81, 0x00, 0), false),
		Entry("an unknown link type", capture.LinkType(10), pkt, false),
	)
})
