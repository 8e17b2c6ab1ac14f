package picture_test

import (
	"bytes"
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/picture"
	"github.com/siglab/siglab/wire"
)

var (
	scanner = netip.MustParseAddr("198.18.0.2")
	victim  = netip.MustParseAddr("198.18.1.2")
	t0      = time.Date(1998, 12, 24, 1, 41, 25, 0, time.UTC)
)

// crafted builds a raw-IPv4 capture, one packet per millisecond.
type crafted struct{ c capture.Capture }

func newCrafted() *crafted { return &crafted{c: capture.Capture{LinkType: capture.LinkTypeRaw}} }

func (k *crafted) add(p []byte) *crafted {
	k.c.Add(t0.Add(time.Duration(len(k.c.Packets))*time.Millisecond), p, "")
	return k
}

func (k *crafted) tcp(src, dst netip.Addr, seg wire.TCPSegment) *crafted {
	return k.add(wire.AppendTCP(nil, &wire.IPHeader{TTL: 60, Src: src, Dst: dst, Proto: 6}, &seg))
}

func (k *crafted) udp(src, dst netip.Addr, sport, dport uint16) *crafted {
	return k.add(wire.AppendUDP(nil, &wire.IPHeader{TTL: 60, Src: src, Dst: dst, Proto: 17}, sport, dport, []byte("x")))
}

func (k *crafted) icmp(src, dst netip.Addr, typ, code uint8, body []byte) *crafted {
	return k.add(wire.AppendICMP(nil, &wire.IPHeader{TTL: 60, Src: src, Dst: dst, Proto: 1}, typ, code, body))
}

func kinds(k *crafted) map[picture.Kind]int {
	s, err := picture.WriteSVG(&bytes.Buffer{}, &k.c, nil, picture.Options{})
	Expect(err).NotTo(HaveOccurred())
	return s.Kinds
}

const (
	fin, syn, rst, psh, ack, urg uint8 = wire.FlagFIN, wire.FlagSYN, wire.FlagRST, wire.FlagPSH, wire.FlagACK, wire.FlagURG
)

var os1 = []byte{3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0x3f, 0x3f, 0x3f, 0x3f, 0, 0, 0, 0, 0, 0}

var _ = Describe("classifying packets", func() {
	DescribeTable("a probe's mark is its technique",
		func(flags uint8, opts []byte, want picture.Kind) {
			k := newCrafted().tcp(scanner, victim, wire.TCPSegment{SPort: 40000, DPort: 80, Seq: 7, Flags: flags, Window: 1024, Options: opts})
			Expect(kinds(k)).To(Equal(map[picture.Kind]int{want: 1}))
		},
		Entry("SYN", syn, nil, picture.KindSYN),
		Entry("FIN", fin, nil, picture.KindFIN),
		Entry("Xmas", fin|psh|urg, nil, picture.KindXmas),
		Entry("Null", uint8(0), nil, picture.KindNull),
		Entry("ACK", ack, nil, picture.KindACK),
		Entry("Maimon", fin|ack, nil, picture.KindMaimon),
		Entry("SYN|FIN", syn|fin, nil, picture.KindOtherTCP),
		Entry("nmap 2.0x's T1-T7 options", fin|psh|urg, os1, picture.KindOS),
		Entry("today's OS probe timestamp", syn, []byte{1, 1, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, picture.KindOS),
	)

	DescribeTable("an answer is drawn only on a probe's flow",
		func(reply uint8, want map[picture.Kind]int) {
			k := newCrafted().
				tcp(scanner, victim, wire.TCPSegment{SPort: 40000, DPort: 80, Seq: 7, Flags: syn}).
				tcp(victim, scanner, wire.TCPSegment{SPort: 80, DPort: 40000, Flags: reply}).
				tcp(victim, scanner, wire.TCPSegment{SPort: 81, DPort: 40000, Flags: reply}) // answers nothing
			Expect(kinds(k)).To(Equal(want))
		},
		Entry("SYN/ACK: open", syn|ack, map[picture.Kind]int{picture.KindSYN: 1, picture.KindOpen: 1, picture.KindOtherTCP: 1}),
		Entry("RST: closed", rst|ack, map[picture.Kind]int{picture.KindSYN: 1, picture.KindClosed: 1}),
	)

	It("leaves out the prober's reset of a half-open connection", func() {
		k := newCrafted().
			tcp(scanner, victim, wire.TCPSegment{SPort: 40000, DPort: 80, Seq: 7, Flags: syn}).
			tcp(victim, scanner, wire.TCPSegment{SPort: 80, DPort: 40000, Flags: syn | ack}).
			tcp(scanner, victim, wire.TCPSegment{SPort: 40000, DPort: 80, Seq: 8, Flags: rst})
		Expect(kinds(k)).To(Equal(map[picture.Kind]int{picture.KindSYN: 1, picture.KindOpen: 1}))
	})

	It("draws a connection's SYN and its answer, not the rest of it, and a retry again", func() {
		k := newCrafted().
			tcp(scanner, victim, wire.TCPSegment{SPort: 40000, DPort: 80, Seq: 7, Flags: syn}).
			tcp(victim, scanner, wire.TCPSegment{SPort: 80, DPort: 40000, Flags: syn | ack}).
			tcp(scanner, victim, wire.TCPSegment{SPort: 40000, DPort: 80, Seq: 8, Flags: ack}).
			tcp(scanner, victim, wire.TCPSegment{SPort: 40000, DPort: 80, Seq: 8, Flags: psh | ack, Payload: []byte("GET /")}).
			tcp(victim, scanner, wire.TCPSegment{SPort: 80, DPort: 40000, Flags: psh | ack, Payload: []byte("200")}).
			tcp(scanner, victim, wire.TCPSegment{SPort: 40000, DPort: 80, Seq: 13, Flags: fin | ack}).
			tcp(scanner, victim, wire.TCPSegment{SPort: 40001, DPort: 81, Seq: 7, Flags: syn}).
			tcp(scanner, victim, wire.TCPSegment{SPort: 40001, DPort: 81, Seq: 7, Flags: syn})
		Expect(kinds(k)).To(Equal(map[picture.Kind]int{picture.KindSYN: 3, picture.KindOpen: 1}))
	})

	It("reads ICMP unreachables: a UDP port's as closed, others as filtered", func() {
		quote := func(sport, dport uint16, proto uint8) []byte {
			var p []byte
			if proto == 17 {
				p = wire.AppendUDP(nil, &wire.IPHeader{TTL: 60, Src: scanner, Dst: victim, Proto: 17}, sport, dport, nil)
			} else {
				p = wire.AppendTCP(nil, &wire.IPHeader{TTL: 60, Src: scanner, Dst: victim, Proto: 6}, &wire.TCPSegment{SPort: sport, DPort: dport, Flags: syn})
			}
			return append([]byte{0, 0, 0, 0}, p[:28]...)
		}
		k := newCrafted().
			udp(scanner, victim, 40000, 53).
			icmp(victim, scanner, 3, 3, quote(40000, 53, 17)).
			tcp(scanner, victim, wire.TCPSegment{SPort: 40000, DPort: 80, Flags: syn}).
			icmp(victim, scanner, 3, 13, quote(40000, 80, 6)).
			icmp(victim, scanner, 3, 13, quote(40000, 81, 6)) // quotes no probe
		Expect(kinds(k)).To(Equal(map[picture.Kind]int{picture.KindUDP: 1, picture.KindClosed: 1, picture.KindSYN: 1, picture.KindFiltered: 1}))
	})

	It("draws pings and their replies, and today's IE probes as OS probes", func() {
		k := newCrafted().
			icmp(scanner, victim, 8, 0, []byte{0, 1, 0, 1}).
			icmp(victim, scanner, 0, 0, []byte{0, 1, 0, 1}).
			icmp(scanner, victim, 8, 9, []byte{0, 2, 0, 1})
		Expect(kinds(k)).To(Equal(map[picture.Kind]int{picture.KindICMP: 1, picture.KindOpen: 1, picture.KindOS: 1}))
	})

	It("finds TSeq runs: the next source port with the next sequence number, answers included", func() {
		k := newCrafted()
		for i := range uint16(6) {
			k.tcp(scanner, victim, wire.TCPSegment{SPort: 37808 + i, DPort: 1, Seq: 100 + uint32(i), Flags: syn})
			k.tcp(victim, scanner, wire.TCPSegment{SPort: 1, DPort: 37808 + i, Flags: syn | ack})
		}
		k.tcp(scanner, victim, wire.TCPSegment{SPort: 37807, DPort: 2, Seq: 100, Flags: syn}) // a scan's SYN
		s, err := picture.WriteSVG(&bytes.Buffer{}, &k.c, nil, picture.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Kinds).To(Equal(map[picture.Kind]int{picture.KindTSeq: 6, picture.KindOpen: 6, picture.KindSYN: 1}))
		Expect(s.Sources).To(Equal([]string{"198.18.0.2 OS detection", "198.18.0.2 port 37807"}))
	})

	It("refuses a capture with nothing to draw", func() {
		_, err := picture.WriteSVG(&bytes.Buffer{}, &capture.Capture{LinkType: capture.LinkTypeRaw}, nil, picture.Options{})
		Expect(err).To(MatchError(picture.ErrEmpty))
	})
})
