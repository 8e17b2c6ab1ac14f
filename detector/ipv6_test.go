package detector_test

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
)

// addr6 moves a.b.c.d to 2001:db8::a.b.c.d.
func addr6(v4 []byte) []byte {
	a := netip.MustParseAddr("2001:db8::").As16()
	copy(a[12:], v4)
	return a[:]
}

// ext6 is one IPv6 extension header: its type and its bytes after the
// next-header byte (for options headers, the length byte and options).
type ext6 struct {
	typ  uint8
	body []byte
}

// optsHeader is a hop-by-hop or destination options header of 8*n bytes
// filled with a PadN option.
func optsHeader(typ uint8, n int) ext6 {
	body := make([]byte, 8*n-1)
	body[0] = uint8(n - 1)
	body[1], body[2] = 1, uint8(8*n-4) // PadN
	return ext6{typ, body}
}

// routing0 is a type-0-less routing header (type 2, segments left 0):
// 24 bytes.
func routing0() ext6 {
	body := make([]byte, 23)
	body[0], body[1] = 2, 2
	return ext6{43, body}
}

// fragHeader is a fragment header at offset off (bytes), more
// fragments to follow when mf.
func fragHeader(off int, mf bool, id uint32) ext6 {
	body := make([]byte, 7)
	v := uint16(off)
	if mf {
		v |= 1
	}
	binary.BigEndian.PutUint16(body[1:], v)
	binary.BigEndian.PutUint32(body[3:], id)
	return ext6{44, body}
}

// ip6 is an IPv6 packet from src to dst (16 bytes each) carrying l4 of
// protocol proto behind exts.
func ip6(src, dst []byte, hlim, tclass, proto uint8, l4 []byte, exts ...ext6) []byte {
	b := make([]byte, 40)
	b[0], b[1] = 0x60|tclass>>4, tclass<<4
	b[7] = hlim
	copy(b[8:], src)
	copy(b[24:], dst)
	next := &b[6]
	for _, e := range exts {
		*next = e.typ
		b = append(b, 0)
		next = &b[len(b)-1]
		b = append(b, e.body...)
	}
	*next = proto
	b = append(b, l4...)
	binary.BigEndian.PutUint16(b[4:], uint16(len(b)-40))
	return b
}

// icmp6 is an ICMPv6 message (no checksum: the detector reads none).
func icmp6(typ, code uint8, id, seq uint16, body []byte) []byte {
	m := []byte{typ, code, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(m[4:], id)
	binary.BigEndian.PutUint16(m[6:], seq)
	return append(m, body...)
}

// to6 moves an IPv4 packet to IPv6: a.b.c.d becomes 2001:db8::a.b.c.d,
// the TTL the hop limit, the TOS the traffic class. ICMP echo, echo
// reply and unreachable become their ICMPv6 counterparts (port
// unreachable code 4, administratively prohibited code 1, protocol
// unreachable a parameter problem; the quote moved to IPv6 too); other
// ICMP messages have none (nil). Fragments get a fragment header whose
// 32-bit identification is the IP ID plus 0x10000. The IP ID is gone.
func to6(ip []byte) []byte {
	ihl := int(ip[0]&15) * 4
	total := min(int(binary.BigEndian.Uint16(ip[2:])), len(ip))
	proto := ip[9]
	l4 := slices.Clone(ip[ihl:total])
	frag := binary.BigEndian.Uint16(ip[6:])
	mf, off := frag&wire.FlagMF != 0, int(frag&wire.OffsetMask)*8
	if proto == wire.ProtoICMP {
		proto = 58
		if off == 0 {
			if l4 = icmpTo6(l4); l4 == nil {
				return nil
			}
		}
	}
	var exts []ext6
	if mf || off != 0 {
		exts = append(exts, fragHeader(off, mf, uint32(binary.BigEndian.Uint16(ip[4:]))+0x10000))
	}
	return ip6(addr6(ip[12:16]), addr6(ip[16:20]), ip[8], ip[1], proto, l4, exts...)
}

func icmpTo6(m []byte) []byte {
	if len(m) < 8 {
		return nil
	}
	out := slices.Clone(m)
	switch m[0] {
	case 8:
		out[0] = 128
	case 0:
		out[0] = 129
	case 3:
		out[0], out[1] = 1, map[uint8]uint8{3: 4, 13: 1}[m[1]]
		if m[1] == 2 {
			out[0], out[1] = 4, 1
		}
		if len(m) >= 28 {
			out = append(out[:8], to6(m[8:])...)
		}
	default:
		return nil
	}
	return out
}

// moved6 is ps moved to IPv6, in the same order.
func moved6(ps []pkt) []pkt {
	var out []pkt
	for _, p := range ps {
		if q := to6(p.data); q != nil {
			out = append(out, pkt{p.at, q})
		}
	}
	return out
}

// modernSYN25 is today's nmap's SYN scan of the FAQ's 25 ports.
func modernSYN25() []pkt {
	s := nmap202Scan()
	s.opts, s.ttl = mss1460, 255
	return s.packets()
}

// shape is what a finding says beside its wording: label, how many
// targets, ports and packets, and its attributes.
func shape(fs []detector.Finding) []string {
	var out []string
	for _, f := range fs {
		s := f.Label + " targets=" + itoa(len(f.Targets)) + " ports=" + itoa(f.Ports) + " packets=" + itoa(f.Packets)
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range f.Attrs {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range keys {
			if k != "real_source" && k != "features" {
				s += " " + k + "=" + f.Attrs[k]
			}
		}
		out = append(out, s)
	}
	return out
}

var withDecoyLabels = []string{"evasion.decoy", "scan.tcp-syn", "tool.nmap-modern",
	"scan.tcp-syn", "tool.nmap-modern", "scan.tcp-syn", "tool.nmap-modern"}

var _ = Describe("IPv6", func() {
	DescribeTable("IPv4 scans moved to IPv6 give the same findings, bar what IPv6 lacks",
		func(ps func() []pkt, want4, want6 []string) {
			fs4, _ := detect(detector.Config{}, ps())
			fs6, d := detect(detector.Config{}, moved6(ps()))
			Expect(labels(fs4)).To(Equal(want4))
			Expect(labels(fs6)).To(Equal(want6))
			// Every label both give has the same shape: targets, ports,
			// packets and attributes.
			var same4, same6 []detector.Finding
			for _, f := range fs4 {
				if slices.Contains(want6, f.Label) {
					same4 = append(same4, f)
				}
			}
			for _, f := range fs6 {
				if slices.Contains(want4, f.Label) {
					same6 = append(same6, f)
				}
				Expect(f.Scanner.Is6()).To(BeTrue())
				for _, t := range f.Targets {
					Expect(t.Is6()).To(BeTrue())
					Expect(t.String()).To(HavePrefix("2001:db8::"))
				}
				for _, e := range f.Evidence {
					Expect(e).NotTo(ContainSubstring("IP ID"))
					Expect(e).NotTo(ContainSubstring("::ffff:"))
				}
			}
			Expect(shape(same6)).To(Equal(shape(same4)))
			Expect(d.Stats().Sources).To(BeNumerically(">", 0))
		},
		Entry("today's nmap SYN scan", modernSYN25,
			[]string{"scan.tcp-syn", "tool.nmap-modern"}, []string{"scan.tcp-syn", "tool.nmap-modern"}),
		// nmap 2.0x spoke IPv4 only: its template on IPv6 is another tool's.
		Entry("nmap 2.02's SYN scan", func() []pkt { return nmap202Scan().packets() },
			[]string{"scan.tcp-syn", "tool.nmap-2.0x"}, []string{"scan.tcp-syn", "tool.other"}),
		Entry("connect scan", connectScan, []string{"scan.tcp-connect"}, []string{"scan.tcp-connect"}),
		Entry("today's nmap FIN scan", func() []pkt { return modernStealth(wire.FlagFIN).packets() },
			[]string{"scan.tcp-fin", "tool.nmap-modern"}, []string{"scan.tcp-fin", "tool.nmap-modern"}),
		Entry("today's nmap ACK scan", func() []pkt { return modernStealth(wire.FlagACK).packets() },
			[]string{"scan.tcp-ack", "tool.nmap-modern"}, []string{"scan.tcp-ack", "tool.nmap-modern"}),
		// Tiny first fragments: the fragment header's 32-bit
		// identification stands for the IP ID in the reassembly.
		Entry("today's nmap SYN scan in 8-byte first fragments", func() []pkt { return fragmented(modernSYN25(), 8) },
			[]string{"evasion.fragment", "scan.tcp-syn", "tool.nmap-modern"}, []string{"evasion.fragment", "scan.tcp-syn", "tool.nmap-modern"}),
		Entry("today's nmap SYN scan in 16-byte first fragments", func() []pkt { return fragmented(modernSYN25(), 16) },
			[]string{"evasion.fragment", "scan.tcp-syn", "tool.nmap-modern"}, []string{"evasion.fragment", "scan.tcp-syn", "tool.nmap-modern"}),
		// The real scanner (the one that resets the SYN/ACKs), then the
		// two decoys.
		Entry("today's nmap SYN scan with two decoys", func() []pkt { return withDecoys(modernSYN25(), decoy1, decoy2) },
			withDecoyLabels, withDecoyLabels),
		// Port unreachable (ICMPv6 code 4) says closed, as ICMP's code 3.
		Entry("UDP scan answered with port unreachables", func() []pkt { return nmap202UDP().packets() },
			[]string{"scan.udp", "tool.nmap-2.0x"}, []string{"scan.udp"}),
		Entry("ICMP echo sweep of 15 hosts", func() []pkt { return sweep(icmpQuery(8, 0), 15, 1) },
			[]string{"sweep.icmp-echo"}, []string{"sweep.icmp-echo"}),
		Entry("SYN sweep of port 80 of 15 hosts", func() []pkt { return sweep(rawSYN, 15, 1, 80) },
			[]string{"sweep.tcp-syn"}, []string{"sweep.tcp-syn"}),
		Entry("ACK sweep of port 80 of 15 hosts", func() []pkt { return sweep(rawACK, 15, 1, 80) },
			[]string{"sweep.tcp-ack"}, []string{"sweep.tcp-ack"}),
		// The idle scan reads the zombie's IP ID, which IPv6 lacks: the
		// SYNs spoofed from the zombie stay a SYN scan from it.
		Entry("nmap -sI's packets", func() []pkt { return nmapIdle().packets() },
			[]string{"scan.idle", "tool.nmap-modern"}, []string{"scan.tcp-syn", "tool.nmap-modern"}),
		Entry("ordinary sessions", benign, []string(nil), []string(nil)),
	)

	It("prints IPv6 addresses in RFC 5952 form in every output, IPv4 as before", func() {
		ps := byTime(modernSYN25(), moved6(modernSYN25()))
		fs, _ := detect(detector.Config{}, ps)
		Expect(summary(fs)).To(Equal([]string{
			"198.18.0.2 scan.tcp-syn", "198.18.0.2 tool.nmap-modern",
			"2001:db8::c612:2 scan.tcp-syn", "2001:db8::c612:2 tool.nmap-modern",
		}))
		var text, js, eve bytes.Buffer
		Expect(detector.WriteText(&text, fs)).To(Succeed())
		Expect(detector.WriteJSONLines(&js, fs)).To(Succeed())
		Expect(detector.WriteEVE(&eve, fs)).To(Succeed())
		Expect(text.String()).To(ContainSubstring("scan.tcp-syn  2001:db8::c612:2 -> 2001:db8::c612:102\n"))
		Expect(text.String()).To(ContainSubstring("scan.tcp-syn  198.18.0.2 -> 198.18.1.2\n"))
		Expect(js.String()).To(ContainSubstring(`"scanner":"2001:db8::c612:2","targets":["2001:db8::c612:102"]`))
		Expect(eve.String()).To(ContainSubstring(`"src_ip":"2001:db8::c612:2"`))
		Expect(eve.String()).To(ContainSubstring(`"dest_ip":"2001:db8::c612:102"`))
		Expect(eve.String()).To(ContainSubstring(`"src_ip":"198.18.0.2"`))
		for _, out := range []string{text.String(), js.String(), eve.String()} {
			Expect(out).NotTo(ContainSubstring("::ffff:"))
		}
	})

	It("writes an ICMP label's eve proto as Suricata's IPv6-ICMP on IPv6, ICMP on IPv4", func() {
		ps := sweep(icmpQuery(8, 0), 15, 1)
		fs, _ := detect(detector.Config{}, byTime(ps, moved6(ps)))
		Expect(summary(fs)).To(Equal([]string{"198.18.0.2 sweep.icmp-echo", "2001:db8::c612:2 sweep.icmp-echo"}))
		var eve bytes.Buffer
		Expect(detector.WriteEVE(&eve, fs)).To(Succeed())
		lines := strings.Split(strings.TrimSpace(eve.String()), "\n")
		Expect(lines).To(HaveLen(2))
		Expect(lines[0]).To(ContainSubstring(`"proto":"ICMP"`))
		Expect(lines[1]).To(ContainSubstring(`"proto":"IPv6-ICMP"`))
	})

	src, dst := addr6([]byte{198, 19, 0, 1}), addr6([]byte{198, 18, 1, 2})
	syn := func(port uint16) []byte {
		return ipTCP(scannerAddr, targetAddr, 255, wire.TCPSegment{SPort: 40000, DPort: port, Seq: 7, Flags: wire.FlagSYN, Window: 1024, Options: mss1460})[20:]
	}
	DescribeTable("reads the transport header behind extension headers",
		func(exts ...ext6) {
			d := detector.New(detector.Config{})
			for p := range uint16(30) {
				d.Packet(t0, ip6(src, dst, 255, 0, wire.ProtoTCP, syn(100+p), exts...))
			}
			fs := d.Findings()
			Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", "tool.nmap-modern"}))
			Expect(fs[0].Ports).To(Equal(30))
		},
		Entry("none"),
		Entry("hop-by-hop options", optsHeader(0, 1)),
		Entry("destination options of 16 bytes", optsHeader(60, 2)),
		Entry("routing, then destination options", routing0(), optsHeader(60, 1)),
		Entry("hop-by-hop, destination options, routing, destination options",
			optsHeader(0, 1), optsHeader(60, 1), routing0(), optsHeader(60, 3)),
		Entry("an atomic fragment (offset 0, no more fragments)", fragHeader(0, false, 77)),
	)

	DescribeTable("passes over what it cannot read, and the link's own ICMPv6, keeping no state",
		func(ps ...[]byte) {
			d := detector.New(detector.Config{})
			for i := range 40 {
				for _, p := range ps {
					q := slices.Clone(p)
					q[23] = byte(i) // a new source each round
					d.Packet(t0, q)
				}
			}
			Expect(d.Findings()).To(BeEmpty())
			Expect(d.Stats()).To(Equal(detector.Stats{}))
		},
		Entry("nine extension headers", ip6(src, dst, 64, 0, wire.ProtoTCP, syn(80),
			optsHeader(0, 1), optsHeader(60, 1), optsHeader(60, 1), optsHeader(60, 1), optsHeader(60, 1),
			optsHeader(60, 1), optsHeader(60, 1), optsHeader(60, 1), optsHeader(60, 1))),
		Entry("an options header longer than the packet", func() []byte {
			p := ip6(src, dst, 64, 0, wire.ProtoTCP, syn(80), optsHeader(60, 1))
			p[41] = 200
			return p
		}()),
		Entry("a payload length of 0: what follows the header is padding", func() []byte {
			p := ip6(src, dst, 64, 0, wire.ProtoTCP, syn(80))
			p[4], p[5] = 0, 0
			return p
		}()),
		Entry("a jumbogram (payload length 0, the hop-by-hop jumbo option)", func() []byte {
			hbh := ext6{0, []byte{0, 0xc2, 4, 0, 0, 0, 60}}
			p := ip6(src, dst, 64, 0, wire.ProtoTCP, syn(80), hbh)
			p[4], p[5] = 0, 0
			return p
		}()),
		Entry("a capture cut inside an extension header", ip6(src, dst, 64, 0, wire.ProtoTCP, syn(80), optsHeader(60, 2))[:44]),
		Entry("a truncated fixed header", ip6(src, dst, 64, 0, wire.ProtoTCP, syn(80))[:39]),
		Entry("a non-first fragment alone: no ports", ip6(src, dst, 64, 0, wire.ProtoTCP, syn(80)[8:], fragHeader(8, false, 5))),
		Entry("neighbour solicitation and advertisement", ip6(src, dst, 255, 0, 58, icmp6(135, 0, 0, 0, dst)),
			ip6(dst, src, 255, 0, 58, icmp6(136, 0, 0x6000, 0, dst))),
		Entry("router solicitation and advertisement", ip6(src, dst, 255, 0, 58, icmp6(133, 0, 0, 0, nil)),
			ip6(dst, src, 255, 0, 58, icmp6(134, 0, 0x4000, 1800, nil))),
		Entry("MLD query, report and MLDv2 report, with the router alert", ip6(src, dst, 1, 0, 58, icmp6(130, 0, 0, 0, dst), optsHeader(0, 1)),
			ip6(src, dst, 1, 0, 58, icmp6(131, 0, 0, 0, dst), optsHeader(0, 1)),
			ip6(src, dst, 1, 0, 58, icmp6(143, 0, 0, 1, make([]byte, 20)), optsHeader(0, 1))),
		Entry("redirect, packet too big, time exceeded", ip6(src, dst, 255, 0, 58, icmp6(137, 0, 0, 0, dst)),
			ip6(src, dst, 64, 0, 58, icmp6(2, 0, 0, 1280, ip6(dst, src, 64, 0, wire.ProtoTCP, syn(80)))),
			ip6(src, dst, 64, 0, 58, icmp6(3, 0, 0, 0, ip6(dst, src, 64, 0, wire.ProtoTCP, syn(80))))),
	)

	It("takes no neighbour solicitations for a sweep: a router resolving 64 targets of a scan passing through", func() {
		d := detector.New(detector.Config{})
		for i := range 64 {
			t := slices.Clone(dst)
			t[15] = byte(i)
			group := netip.MustParseAddr("ff02::1:ff00:0").As16()
			copy(group[13:], t[13:])
			d.Packet(t0, ip6(src, group[:], 255, 0, 58, icmp6(135, 0, 0, 0, t)))
		}
		Expect(d.Findings()).To(BeEmpty())
		Expect(d.Stats()).To(Equal(detector.Stats{}))
	})

	It("tells ICMPv6 administratively prohibited (filtered) from port unreachable (closed)", func() {
		var ps []pkt
		for i := range 20 {
			port := uint16(1000 + i)
			probe := ip6(src, dst, 255, 0, wire.ProtoUDP, []byte{0x9c, 0x40, byte(port >> 8), byte(port), 0, 8, 0, 0})
			code := uint8(4)
			if i%2 == 1 {
				code = 1
			}
			ps = append(ps, pkt{t0, probe}, pkt{t0, ip6(dst, src, 64, 0, 58, icmp6(1, code, 0, 0, probe))})
		}
		fs, _ := detect(detector.Config{}, ps)
		f := finding(fs, "scan.udp")
		Expect(f.Attr("closed")).To(Equal("10"))
		Expect(f.Attr("filtered")).To(Equal("10"))
	})

	It("keeps IPv6 flows apart however many targets one source probes", func() {
		d := detector.New(detector.Config{})
		const n = 3000
		for i := range n {
			t := slices.Clone(dst)
			binary.BigEndian.PutUint32(t[8:], uint32(i*2654435761))
			binary.BigEndian.PutUint32(t[12:], uint32(i))
			for _, port := range []uint16{22, 80} {
				d.Packet(t0, ip6(src, t, 64, 0, wire.ProtoTCP, syn(port)))
			}
		}
		Expect(d.Stats().Flows).To(Equal(2 * n))
		fs := d.Findings()
		f := finding(fs, "sweep.tcp-syn")
		Expect(f.Targets).To(HaveLen(n))
		Expect(f.Ports).To(Equal(2))
		Expect(slices.IsSortedFunc(f.Targets, netip.Addr.Compare)).To(BeTrue())
	})
})
