package render_test

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/render"
	"github.com/siglab/siglab/wire"
)

var (
	scan6   = netip.MustParseAddr("2001:2::c613:1")
	victim6 = netip.MustParseAddr("2001:2::c612:102")
)

// ip6 is an IPv6 packet from src to dst: the fixed header (next header
// nh), then body (extension headers and the upper-layer part, as given;
// checksums are not checked by the renderer).
func ip6(src, dst netip.Addr, nh byte, body []byte) []byte {
	p := make([]byte, 40, 40+len(body))
	p[0] = 0x60
	binary.BigEndian.PutUint16(p[4:], uint16(len(body)))
	p[6], p[7] = nh, 64
	s, d := src.As16(), dst.As16()
	copy(p[8:], s[:])
	copy(p[24:], d[:])
	return append(p, body...)
}

// tcp6 is a TCP header: ports, seq, ack, flags, window, options.
func tcp6(sport, dport uint16, seq, ack uint32, flags byte, win uint16, opts []byte) []byte {
	t := make([]byte, 20, 20+len(opts))
	binary.BigEndian.PutUint16(t, sport)
	binary.BigEndian.PutUint16(t[2:], dport)
	binary.BigEndian.PutUint32(t[4:], seq)
	binary.BigEndian.PutUint32(t[8:], ack)
	t[12] = byte((20+len(opts))/4) << 4
	t[13] = flags
	binary.BigEndian.PutUint16(t[14:], win)
	return append(t, opts...)
}

// fragHdr is a Fragment header for next header nh.
func fragHdr(nh byte, off int, more bool, id uint32) []byte {
	f := make([]byte, 8)
	f[0] = nh
	v := uint16(off)
	if more {
		v |= 1
	}
	binary.BigEndian.PutUint16(f[2:], v)
	binary.BigEndian.PutUint32(f[4:], id)
	return f
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

var _ = Describe("rendering IPv6", func() {
	udpQuote := cat(ip6(scan6, victim6, 17, nil)[:40], []byte{0xd4, 0x5a, 0, 161, 0, 8, 0, 0})
	DescribeTable("prints an IPv6 packet in the same style, ports after a dot",
		func(pkt []byte, want string) {
			Expect(render.Line6(at, pkt, render.Options{})).To(Equal("18:42:25.241999 " + want))
		},
		Entry("nmap -6's SYN",
			ip6(scan6, victim6, 6, tcp6(50203, 22, 7, 0, 0x02, 1024, []byte{2, 4, 5, 0xb4})),
			"2001:2::c613:1.50203 > 2001:2::c612:102.22: S 7:7(0) win 1024 <mss 1460>"),
		Entry("the answer's RST/ACK",
			ip6(victim6, scan6, 6, tcp6(80, 50203, 0, 8, 0x14, 0, nil)),
			"2001:2::c612:102.80 > 2001:2::c613:1.50203: R 0:0(0) ack 8 win 0"),
		Entry("a UDP probe",
			ip6(scan6, victim6, 17, []byte{0xd4, 0x5a, 0, 53, 0, 12, 0, 0, 1, 2, 3, 4}),
			"2001:2::c613:1.54362 > 2001:2::c612:102.53: udp 4"),
		Entry("an echo request",
			ip6(scan6, victim6, 58, []byte{128, 0, 0, 0, 0, 1, 0, 1}),
			"2001:2::c613:1 > 2001:2::c612:102: icmp6: echo request"),
		Entry("a neighbour solicitation",
			ip6(scan6, netip.MustParseAddr("ff02::1:ff13:2"), 58, cat([]byte{135, 0, 0, 0, 0, 0, 0, 0}, netip.MustParseAddr("2001:2::c613:2").AsSlice())),
			"2001:2::c613:1 > ff02::1:ff13:2: icmp6: neighbor sol: who has 2001:2::c613:2"),
		Entry("a port unreachable quoting the UDP probe",
			ip6(victim6, scan6, 58, cat([]byte{1, 4, 0, 0, 0, 0, 0, 0}, udpQuote)),
			"2001:2::c612:102 > 2001:2::c613:1: icmp6: 2001:2::c612:102 udp port 161 unreachable"),
		Entry("administratively prohibited",
			ip6(victim6, scan6, 58, cat([]byte{1, 1, 0, 0, 0, 0, 0, 0}, ip6(scan6, victim6, 6, tcp6(1, 24, 0, 0, 2, 1024, nil)))),
			"2001:2::c612:102 > 2001:2::c613:1: icmp6: 2001:2::c612:102 unreachable (code 1)"),
		Entry("an echo request behind a Hop-by-Hop header (nmap -6 -O's IE1)",
			ip6(scan6, victim6, 0, cat([]byte{58, 0, 1, 4, 0, 0, 0, 0}, []byte{128, 9, 0, 0, 0, 1, 0, 1})),
			"2001:2::c613:1 > 2001:2::c612:102: icmp6: echo request (code 9)"),
		Entry("a first fragment",
			ip6(scan6, victim6, 44, cat(fragHdr(58, 0, true, 99), []byte{128, 0, 0, 0, 0, 1, 0, 1})),
			"2001:2::c613:1 > 2001:2::c612:102: icmp6: echo request (frag 99:8@0+)"),
		Entry("a later fragment",
			ip6(scan6, victim6, 44, cat(fragHdr(58, 1448, false, 99), make([]byte, 112))),
			"2001:2::c613:1 > 2001:2::c612:102: (frag 99:112@1448)"),
		Entry("another protocol",
			ip6(scan6, victim6, 132, make([]byte, 12)),
			"2001:2::c613:1 > 2001:2::c612:102: ip6-proto-132 12"),
		Entry("a cut extension header",
			ip6(scan6, victim6, 0, []byte{58, 3, 0}),
			"2001:2::c613:1 > 2001:2::c612:102: [|ip6]"),
		Entry("a cut TCP header",
			ip6(scan6, victim6, 6, []byte{0, 1, 0, 2, 0}),
			"2001:2::c613:1.1 > 2001:2::c612:102.2: [|tcp]"),
		Entry("a cut ICMPv6 message",
			ip6(scan6, victim6, 58, []byte{128}),
			"2001:2::c613:1 > 2001:2::c612:102: [|icmp6]"),
		Entry("less than a header", []byte{0x60, 0, 0}, "[|ip6]"),
	)

	It("never panics on a cut packet", func() {
		full := ip6(scan6, victim6, 0, cat([]byte{44, 0, 1, 4, 0, 0, 0, 0}, fragHdr(6, 0, true, 5), tcp6(1, 2, 3, 4, 0x12, 5, []byte{2, 4, 5, 0xb4})))
		for n := range len(full) + 1 {
			Expect(func() { render.Line6(at, full[:n], render.Options{}) }).NotTo(Panic(), "%d bytes", n)
		}
	})

	It("renders the IPv6 frames of a capture, keeping only one source when asked", func() {
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		c.Add(at, ip6(scan6, victim6, 6, tcp6(1, 2, 3, 0, 0x02, 1024, nil)), "")
		c.Add(at, ip6(victim6, scan6, 6, tcp6(2, 1, 0, 4, 0x14, 0, nil)), "")
		c.Add(at, tcp(scanner, victim, wire.TCPSegment{SPort: 1, DPort: 2, Seq: 3, Flags: wire.FlagSYN, Window: 1024}), "")
		var out bytes.Buffer
		Expect(render.Write(&out, c, render.Options{From: scan6})).To(Succeed())
		Expect(out.String()).To(Equal("18:42:25.241999 2001:2::c613:1.1 > 2001:2::c612:102.2: S 3:3(0) win 1024\n"))
		out.Reset()
		Expect(render.Write(&out, c, render.Options{})).To(Succeed())
		Expect(strings.Count(out.String(), "\n")).To(Equal(3))
	})

	It("renders every frame of today's nmap -6 captures (detector/testdata/real6)", func() {
		files, err := filepath.Glob(filepath.Join("..", "detector", "testdata", "real6", "*.pcap"))
		Expect(err).NotTo(HaveOccurred())
		Expect(files).NotTo(BeEmpty())
		for _, f := range files {
			c, err := capture.ReadFile(f)
			Expect(err).NotTo(HaveOccurred())
			var out bytes.Buffer
			Expect(render.Write(&out, c, render.Options{})).To(Succeed())
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			Expect(lines).To(HaveLen(len(c.Packets)), f)
			for _, l := range lines {
				Expect(l).NotTo(ContainSubstring("[|"), "%s: %s", f, l)
				// The lab's addresses, or link-local ones: neighbour
				// discovery on the lab's link (nmap6-idle.pcap has some).
				Expect(l).To(Or(ContainSubstring("2001:2::"), ContainSubstring("fe80::")), "%s: %s", f, l)
			}
		}
	})
})
