package render_test

import (
	"bytes"
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/render"
	"github.com/siglab/siglab/wire"
)

var (
	scanner = netip.MustParseAddr("198.18.0.2")
	victim  = netip.MustParseAddr("198.18.1.2")
	at      = time.Date(1998, 12, 22, 18, 42, 25, 241999000, time.UTC)
	t1Opts  = []byte{3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0x3f, 0x3f, 0x3f, 0x3f, 0, 0, 0, 0, 0, 0}
)

func tcp(src, dst netip.Addr, t wire.TCPSegment) []byte {
	h := wire.IPHeader{TTL: 51, Src: src, Dst: dst}
	return wire.AppendTCP(nil, &h, &t)
}

var _ = Describe("render", func() {
	DescribeTable("prints a packet as tcpdump 3.4 did, or as the FAQ sanitized it",
		func(pkt []byte, full, faq string) {
			Expect(render.Line(at, pkt, render.Options{})).To(Equal("18:42:25.241999 " + full))
			Expect(render.Line(at, pkt, render.Options{FAQ: true})).To(Equal("18:42:25.241999 > " + faq))
		},
		Entry("the FAQ's figure 1 SYN",
			tcp(scanner, victim, wire.TCPSegment{SPort: 42558, DPort: 13, Seq: 3596953827, Flags: wire.FlagSYN, Window: 4096}),
			"198.18.0.2.42558 > 198.18.1.2.13: S 3596953827:3596953827(0) win 4096",
			"S 3596953827:3596953827(0) win 4096"),
		Entry("T3: SYN|FIN|URG|PSH with nmap's option block",
			tcp(scanner, victim, wire.TCPSegment{SPort: 42565, DPort: 1, Seq: 1769772146, Flags: 0x2b, Window: 4096, Options: t1Opts}),
			"198.18.0.2.42565 > 198.18.1.2.1: SFP 1769772146:1769772146(0) win 4096 urg 0 <wscale 10,nop,mss 265,timestamp 1061109567 0,eol,eol>",
			"SFP 1769772146:1769772146(0) win 4096 urg 0"),
		Entry("a SYN/ACK with ack and options",
			tcp(victim, scanner, wire.TCPSegment{SPort: 13, DPort: 42558, Seq: 7, Ack: 3596953828, Flags: 0x12, Window: 64240, Options: []byte{2, 4, 5, 0xb4}}),
			"198.18.1.2.13 > 198.18.0.2.42558: S 7:7(0) ack 3596953828 win 64240 <mss 1460>",
			"S 7:7(0) ack 3596953828 win 64240"),
		Entry("a bare ACK: no seq, a dot for flags",
			tcp(scanner, victim, wire.TCPSegment{SPort: 1000, DPort: 80, Seq: 5, Ack: 9, Flags: 0x10, Window: 502}),
			"198.18.0.2.1000 > 198.18.1.2.80: . ack 9 win 502",
			". ack 9 win 502"),
		Entry("the 300-byte PU probe",
			wire.AppendUDP(nil, &wire.IPHeader{TTL: 51, Src: scanner, Dst: victim}, 42558, 35401, bytes.Repeat([]byte{'A'}, 300)),
			"198.18.0.2.42558 > 198.18.1.2.35401: udp 300",
			"udp 300"),
		Entry("an ICMP echo request",
			wire.AppendICMP(nil, &wire.IPHeader{TTL: 51, Src: scanner, Dst: victim}, 8, 0, []byte{0, 1, 0, 0}),
			"198.18.0.2 > 198.18.1.2: icmp: echo request",
			"icmp: echo request"),
	)

	It("renders a capture, skipping frames without IPv4 and keeping only one source when asked", func() {
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		c.Add(at, tcp(scanner, victim, wire.TCPSegment{SPort: 1, DPort: 2, Seq: 3, Flags: wire.FlagSYN, Window: 1024}), "")
		c.Add(at, tcp(victim, scanner, wire.TCPSegment{SPort: 2, DPort: 1, Ack: 4, Flags: 0x14}), "")
		c.Add(at, []byte{0x60, 0, 0, 0}, "")
		var out bytes.Buffer
		Expect(render.Write(&out, c, render.Options{FAQ: true, From: scanner})).To(Succeed())
		Expect(out.String()).To(Equal("18:42:25.241999 > S 3:3(0) win 1024\n"))
	})
})

// The FAQ's author's note: "responses from the hostile system (i.e. RSTs
// sent in response to SYN/ACKs from the victim) have also been removed".
var _ = Describe("the scanner kernel's RSTs", func() {
	const isn = 3596953827
	probe := func() []byte {
		return tcp(scanner, victim, wire.TCPSegment{SPort: 42558, DPort: 13, Seq: isn, Flags: wire.FlagSYN, Window: 4096})
	}
	synack := func() []byte {
		return tcp(victim, scanner, wire.TCPSegment{SPort: 13, DPort: 42558, Seq: 7, Ack: isn + 1, Flags: 0x12, Window: 32120})
	}
	kernelRST := func() []byte {
		return tcp(scanner, victim, wire.TCPSegment{SPort: 42558, DPort: 13, Seq: isn + 1, Flags: wire.FlagRST})
	}
	render1 := func(c *capture.Capture, o render.Options) string {
		var out bytes.Buffer
		Expect(render.Write(&out, c, o)).To(Succeed())
		return out.String()
	}
	const (
		synLine    = "18:42:25.241999 > S 3596953827:3596953827(0) win 4096\n"
		synackLine = "18:42:25.241999 > S 7:7(0) ack 3596953828 win 32120\n"
		rstLine    = "18:42:25.241999 > R 3596953828:3596953828(0) win 0\n"
	)

	It("drops the RST siglab labelled \"scanner RST\" in --faq rendering only", func() {
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		c.Add(at, probe(), "SYN probe")
		c.Add(at, synack(), "")
		c.Add(at, kernelRST(), "scanner RST")
		Expect(render1(c, render.Options{FAQ: true})).To(Equal(synLine + synackLine))
		Expect(render1(c, render.Options{FAQ: true, From: scanner})).To(Equal(synLine))
		Expect(render1(c, render.Options{})).To(Equal(
			"18:42:25.241999 198.18.0.2.42558 > 198.18.1.2.13: S 3596953827:3596953827(0) win 4096\n" +
				"18:42:25.241999 198.18.1.2.13 > 198.18.0.2.42558: S 7:7(0) ack 3596953828 win 32120\n" +
				"18:42:25.241999 198.18.0.2.42558 > 198.18.1.2.13: R 3596953828:3596953828(0) win 0\n"))
	})

	It("keeps the RST a connect() scan's close sends, which nmap asked for", func() {
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		c.Add(at, kernelRST(), "scanner RST (close, linger 0)")
		Expect(render1(c, render.Options{FAQ: true})).To(Equal(rstLine))
	})

	It("recognises it without comments: the reply to a SYN/ACK that is a RST with seq = the SYN/ACK's ack", func() {
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		c.Add(at, probe(), "")
		c.Add(at, synack(), "")
		c.Add(at, kernelRST(), "")
		Expect(render1(c, render.Options{FAQ: true, From: scanner})).To(Equal(synLine))
		Expect(render1(c, render.Options{From: scanner})).To(HaveSuffix(": R 3596953828:3596953828(0) win 0\n"))
	})

	It("recognises the reset to a bare ACK too (IRIX answers T3 with one)", func() {
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		c.Add(at, tcp(scanner, victim, wire.TCPSegment{SPort: 42560, DPort: 1, Seq: isn, Flags: 0x2b, Window: 4096}), "")
		c.Add(at, tcp(victim, scanner, wire.TCPSegment{SPort: 1, DPort: 42560, Seq: 9, Ack: isn + 1, Flags: wire.FlagACK, Window: 49152}), "")
		c.Add(at, tcp(scanner, victim, wire.TCPSegment{SPort: 42560, DPort: 1, Seq: isn + 1, Flags: wire.FlagRST}), "")
		Expect(render1(c, render.Options{FAQ: true, From: scanner})).To(Equal("18:42:25.241999 > SFP 3596953827:3596953827(0) win 4096 urg 0\n"))
	})

	It("keeps the target's reset to nmap's ACK probe (an answer, not the scanner's)", func() {
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		c.Add(at, tcp(scanner, victim, wire.TCPSegment{SPort: 42561, DPort: 1, Seq: isn, Flags: wire.FlagACK, Window: 4096}), "")
		c.Add(at, tcp(victim, scanner, wire.TCPSegment{SPort: 1, DPort: 42561, Flags: wire.FlagRST}), "")
		Expect(render1(c, render.Options{FAQ: true})).To(Equal("18:42:25.241999 > . ack 0 win 4096\n18:42:25.241999 > R 0:0(0) win 0\n"))
	})

	It("keeps a connect() scan's close RST (its kernel acknowledged first) and a RST that answers nothing", func() {
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		c.Add(at, probe(), "")
		c.Add(at, synack(), "")
		c.Add(at, tcp(scanner, victim, wire.TCPSegment{SPort: 42558, DPort: 13, Seq: isn + 1, Ack: 8, Flags: wire.FlagACK, Window: 32120}), "")
		c.Add(at, tcp(victim, scanner, wire.TCPSegment{SPort: 13, DPort: 42558, Seq: 8, Ack: isn + 1, Flags: wire.FlagACK | wire.FlagPSH, Window: 32120}), "")
		c.Add(at, kernelRST(), "")
		c.Add(at, tcp(scanner, victim, wire.TCPSegment{SPort: 42559, DPort: 14, Seq: 5, Flags: wire.FlagRST}), "")
		Expect(render1(c, render.Options{FAQ: true, From: scanner})).To(Equal(
			synLine + "18:42:25.241999 > . ack 8 win 32120\n" + rstLine + "18:42:25.241999 > R 5:5(0) win 0\n"))
	})
})
