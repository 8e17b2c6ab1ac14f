package wiretest_test

import (
	"bytes"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

var (
	scanner = netip.MustParseAddr("198.18.0.2")
	target  = netip.MustParseAddr("198.18.1.2")
	probeIP = wire.IPHeader{ID: 7, TTL: 51, Src: scanner, Dst: target}
)

// viaGopacket serialises ls with gopacket, lengths and checksums
// computed: an encoder independent of wire's.
func viaGopacket(fix bool, ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: fix}, ls...)).To(Succeed())
	return buf.Bytes()
}

func gopacketIP(proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, Id: probeIP.ID, TTL: probeIP.TTL, Protocol: proto,
		SrcIP: probeIP.Src.AsSlice(), DstIP: probeIP.Dst.AsSlice()}
}

var _ = Describe("TCP and Options", func() {
	DescribeTable("encode options as gopacket does, padded with end-of-list to a multiple of four",
		func(ours []byte, theirs []layers.TCPOption) {
			Expect(len(ours) % 4).To(BeZero())
			ip := gopacketIP(layers.IPProtocolTCP)
			tcp := &layers.TCP{SrcPort: 42558, DstPort: 22, Seq: 99, SYN: true, Window: 1024, Options: theirs}
			Expect(tcp.SetNetworkLayerForChecksum(ip)).To(Succeed())
			Expect(wiretest.TCP(probeIP, wire.TCPSegment{SPort: 42558, DPort: 22, Seq: 99, Flags: wire.FlagSYN, Window: 1024, Options: ours})).
				To(Equal(viaGopacket(true, ip, tcp)))
		},
		Entry("MSS 1460", wiretest.Options(wiretest.MSS(1460)),
			[]layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionData: []byte{5, 0xb4}}}),
		Entry("a Linux SYN's: MSS, SACK permitted, timestamps, NOP, window scale",
			wiretest.Options(wiretest.MSS(1460), wiretest.SACKPermitted, wiretest.Timestamp(1, 0), wiretest.NOP, wiretest.WScale(7)),
			[]layers.TCPOption{
				{OptionType: layers.TCPOptionKindMSS, OptionData: []byte{5, 0xb4}},
				{OptionType: layers.TCPOptionKindSACKPermitted},
				{OptionType: layers.TCPOptionKindTimestamps, OptionData: []byte{0, 0, 0, 1, 0, 0, 0, 0}},
				{OptionType: layers.TCPOptionKindNop},
				{OptionType: layers.TCPOptionKindWindowScale, OptionData: []byte{7}},
			}),
		Entry("nmap 2.0x's T1-T7 block, ending in two EOLs",
			wiretest.Options(wiretest.WScale(10), wiretest.NOP, wiretest.MSS(265), wiretest.Timestamp(0x3f3f3f3f, 0), wiretest.EOL, wiretest.EOL),
			[]layers.TCPOption{
				{OptionType: layers.TCPOptionKindWindowScale, OptionData: []byte{10}},
				{OptionType: layers.TCPOptionKindNop},
				{OptionType: layers.TCPOptionKindMSS, OptionData: []byte{1, 9}},
				{OptionType: layers.TCPOptionKindTimestamps, OptionData: []byte{0x3f, 0x3f, 0x3f, 0x3f, 0, 0, 0, 0}},
				{OptionType: layers.TCPOptionKindEndList},
				{OptionType: layers.TCPOptionKindEndList},
			}),
		Entry("a lone timestamp, padded by two", wiretest.Options(wiretest.Timestamp(0, 0)),
			[]layers.TCPOption{{OptionType: layers.TCPOptionKindTimestamps, OptionData: make([]byte, 8)}}),
		Entry("none", wiretest.Options(), nil),
	)

	It("answers a probe from the probed port, acknowledging its seq", func() {
		probe := wire.TCPSegment{SPort: 42558, DPort: 22, Seq: 1301162276, Flags: wire.FlagSYN, Window: 1024, Options: []byte{2, 4, 5, 0xb4}}
		Expect(wiretest.Answer(probe, wire.FlagRST|wire.FlagACK)).To(Equal(
			wire.TCPSegment{SPort: 22, DPort: 42558, Ack: 1301162277, Flags: wire.FlagRST | wire.FlagACK}))
	})

	It("returns a fresh slice each time", func() {
		a := wiretest.TCP(probeIP, wire.TCPSegment{SPort: 1, DPort: 2, Flags: wire.FlagSYN})
		b := wiretest.TCP(probeIP, wire.TCPSegment{SPort: 1, DPort: 2, Flags: wire.FlagSYN})
		a[0] = 0
		Expect(b[0]).To(BeEquivalentTo(0x45))
	})
})

var _ = Describe("UDP and ICMP", func() {
	It("builds a UDP datagram as gopacket does", func() {
		ip := gopacketIP(layers.IPProtocolUDP)
		udp := &layers.UDP{SrcPort: 54734, DstPort: 7}
		Expect(udp.SetNetworkLayerForChecksum(ip)).To(Succeed())
		Expect(wiretest.UDP(probeIP, 54734, 7, []byte("query"))).To(Equal(viaGopacket(true, ip, udp, gopacket.Payload("query"))))
	})

	It("builds an echo request with id, seq and data as gopacket does", func() {
		ip := gopacketIP(layers.IPProtocolICMPv4)
		icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 9), Id: 9757, Seq: 295}
		Expect(wiretest.ICMP(probeIP, 8, 9, 9757, 295, make([]byte, 120))).To(Equal(viaGopacket(true, ip, icmp, gopacket.Payload(make([]byte, 120)))))
	})

	It("quotes the probe in an unreachable, where wire finds it again", func() {
		probe := wiretest.UDP(probeIP, 54734, 7, nil)
		back := wire.IPHeader{TOS: 0xc0, TTL: 255, Src: target, Dst: scanner}
		p, ok := wire.ParsePacket(wiretest.Unreachable(back, 3, probe))
		Expect(ok).To(BeTrue())
		Expect(p.ICMPType()).To(BeEquivalentTo(3))
		Expect(p.ICMPCode()).To(BeEquivalentTo(3))
		Expect(wire.Checksum(p.L4())).To(BeZero())
		q, ok := p.Quoted()
		Expect(ok).To(BeTrue())
		Expect([]byte(q)).To(Equal(probe))
	})
})

var _ = Describe("Fragments", func() {
	syn := wiretest.TCP(probeIP, wire.TCPSegment{SPort: 42558, DPort: 22, Seq: 99, Flags: wire.FlagSYN, Window: 2048})

	DescribeTable("cuts the payload where told, every piece a valid IPv4 fragment of one datagram",
		func(cuts []int, wantLens []int) {
			fs := wiretest.Fragments(syn, cuts...)
			Expect(fs).To(HaveLen(len(wantLens)))
			var payload []byte
			for i, f := range fs {
				Expect(f).To(HaveLen(20 + wantLens[i]))
				Expect(wire.Checksum(f[:20])).To(BeZero(), "fragment %d's header checksum", i)
				Expect(bytes.Equal(f[:2], syn[:2]) && bytes.Equal(f[4:6], syn[4:6]) && bytes.Equal(f[8:10], syn[8:10]) && bytes.Equal(f[12:20], syn[12:20])).
					To(BeTrue(), "fragment %d keeps TOS, ID, TTL, protocol and addresses", i)
				frag := uint16(f[6])<<8 | uint16(f[7])
				Expect(int(frag&wire.OffsetMask)*8).To(Equal(len(payload)), "fragment %d's offset", i)
				Expect(frag&wire.FlagMF != 0).To(Equal(i < len(fs)-1), "MF on all but the last")
				payload = append(payload, f[20:]...)
			}
			Expect(payload).To(Equal(syn[20:]), "the pieces put together are the datagram's payload")
		},
		Entry("nmap 2.02's -f: 16 + 4 TCP bytes", []int{16}, []int{16, 4}),
		Entry("today's nmap -f: 8-byte pieces", []int{8, 16}, []int{8, 8, 4}),
	)

	It("refuses cuts that are no fragment boundaries", func() {
		Expect(func() { wiretest.Fragments(syn, 12) }).To(Panic())
		Expect(func() { wiretest.Fragments(syn, 16, 8) }).To(Panic())
		Expect(func() { wiretest.Fragments(syn, 24) }).To(Panic())
	})
})

var _ = Describe("Ethernet", func() {
	DescribeTable("frames as gopacket does, padding short frames to 60 bytes",
		func(typ layers.EthernetType, payload []byte) {
			eth := &layers.Ethernet{SrcMAC: []byte{2, 0, 0, 0, 0, 1}, DstMAC: []byte{2, 0, 0, 0, 0, 2}, EthernetType: typ}
			Expect(wiretest.Ethernet(uint16(typ), payload)).To(Equal(viaGopacket(false, eth, gopacket.Payload(payload))))
		},
		Entry("a 40-byte SYN", layers.EthernetTypeIPv4, wiretest.TCP(probeIP, wire.TCPSegment{SPort: 1, DPort: 2, Flags: wire.FlagSYN})),
		Entry("a full-size packet", layers.EthernetTypeIPv4, make([]byte, 1500)),
		Entry("ARP", layers.EthernetTypeARP, make([]byte, 28)),
		Entry("IPv6", layers.EthernetTypeIPv6, make([]byte, 60)),
	)

	It("names the EtherTypes as gopacket does", func() {
		Expect([]int{wiretest.EtherIPv4, wiretest.EtherARP, wiretest.EtherIPv6}).To(Equal(
			[]int{int(layers.EthernetTypeIPv4), int(layers.EthernetTypeARP), int(layers.EthernetTypeIPv6)}))
	})
})
