package wire_test

import (
	"testing"

	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/wire"
)

var (
	src = netip.MustParseAddr("198.18.0.2")
	dst = netip.MustParseAddr("198.18.1.2")
)

// reserialised is what gopacket makes of p when it recomputes every
// length and checksum: equal to p only if p's were right.
func reserialised(p []byte) []byte {
	pk := gopacket.NewPacket(p, layers.LayerTypeIPv4, gopacket.Default)
	Expect(pk.ErrorLayer()).To(BeNil())
	for _, l := range pk.Layers() {
		switch t := l.(type) {
		case *layers.TCP:
			Expect(t.SetNetworkLayerForChecksum(pk.NetworkLayer())).To(Succeed())
		case *layers.UDP:
			Expect(t.SetNetworkLayerForChecksum(pk.NetworkLayer())).To(Succeed())
		}
	}
	buf := gopacket.NewSerializeBuffer()
	var ls []gopacket.SerializableLayer
	for _, l := range pk.Layers() {
		ls = append(ls, l.(gopacket.SerializableLayer))
	}
	Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...)).To(Succeed())
	return buf.Bytes()
}

var _ = Describe("Append and parse", func() {
	DescribeTable("every packet carries the lengths and checksums a real stack computes",
		func(build func([]byte) []byte, proto uint8) {
			p := build(nil)
			Expect(reserialised(p)).To(Equal(p))
			v, ok := wire.ParsePacket(p)
			Expect(ok).To(BeTrue())
			Expect(v.Proto()).To(Equal(proto))
			Expect(v.Src()).To(Equal(src))
			Expect(v.Dst()).To(Equal(dst))
			Expect(wire.Checksum(p[:20])).To(BeZero(), "IP header checksum")
		},
		Entry("TCP with options and payload", func(b []byte) []byte {
			h := wire.IPHeader{ID: 7, TTL: 49, Src: src, Dst: dst}
			return wire.AppendTCP(b, &h, &wire.TCPSegment{SPort: 42558, DPort: 25, Seq: 3596953827, Flags: wire.FlagSYN,
				Window: 4096, Options: []byte{3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0x3f, 0x3f, 0x3f, 0x3f, 0, 0, 0, 0, 0, 0}, Payload: []byte("x")})
		}, uint8(wire.ProtoTCP)),
		Entry("UDP, odd payload", func(b []byte) []byte {
			h := wire.IPHeader{ID: 9, TTL: 64, Src: src, Dst: dst}
			return wire.AppendUDP(b, &h, 40000, 300, []byte{1, 2, 3})
		}, uint8(wire.ProtoUDP)),
		Entry("ICMP echo", func(b []byte) []byte {
			h := wire.IPHeader{ID: 11, TTL: 255, Src: src, Dst: dst}
			return wire.AppendICMP(b, &h, 8, 0, []byte{0, 1, 0, 2})
		}, uint8(wire.ProtoICMP)),
	)

	It("builds into a reused buffer without allocating", func() {
		buf := make([]byte, 0, 128)
		h := wire.IPHeader{TTL: 64, Src: src, Dst: dst}
		t := wire.TCPSegment{SPort: 1, DPort: 2, Flags: wire.FlagRST}
		Expect(testing.AllocsPerRun(100, func() { buf = wire.AppendTCP(buf[:0], &h, &t) })).To(BeZero())
	})

	DescribeTable("ParsePacket refuses what is not a whole IPv4 packet with its transport header",
		func(p []byte) {
			_, ok := wire.ParsePacket(p)
			Expect(ok).To(BeFalse())
		},
		Entry("empty", []byte{}),
		Entry("IPv6", append([]byte{0x60}, make([]byte, 39)...)),
		Entry("truncated TCP", func() []byte {
			h := wire.IPHeader{Src: src, Dst: dst}
			p := wire.AppendTCP(nil, &h, &wire.TCPSegment{})
			return p[:30]
		}()),
		Entry("a later fragment", func() []byte {
			h := wire.IPHeader{Src: src, Dst: dst, Proto: wire.ProtoTCP, Frag: 2}
			return wire.AppendIPv4(nil, &h, make([]byte, 24))
		}()),
	)

	It("finds the datagram an ICMP error quotes", func() {
		h := wire.IPHeader{Src: src, Dst: dst}
		probe := wire.AppendUDP(nil, &h, 40000, 300, nil)
		eh := wire.IPHeader{Src: dst, Dst: src}
		errPkt := wire.AppendICMP(nil, &eh, 3, 3, append(make([]byte, 4), probe...))
		v, ok := wire.ParsePacket(errPkt)
		Expect(ok).To(BeTrue())
		q, ok := v.Quoted()
		Expect(ok).To(BeTrue())
		Expect(q.DPort()).To(Equal(uint16(300)))
	})
})

var _ = Describe("DNS", func() {
	It("answers an A query for any name with the server's address", func() {
		q := wire.DNSQuery(0x1234, "www.example.")
		r, err := wire.DNSAnswer(q, dst)
		Expect(err).NotTo(HaveOccurred())
		m := &layers.DNS{}
		Expect(m.DecodeFromBytes(r, gopacket.NilDecodeFeedback)).To(Succeed())
		Expect(m.ID).To(Equal(uint16(0x1234)))
		Expect(m.Answers).To(HaveLen(1))
		Expect(m.Answers[0].IP.String()).To(Equal(dst.String()))
	})
	It("refuses a response or a short payload", func() {
		_, err := wire.DNSAnswer([]byte{1, 2, 0x80}, dst)
		Expect(err).To(MatchError(wire.ErrNotDNSQuery))
	})
})
