package detector_test

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

// flagScan is a scan of one target with probes of one TCP flag set, as
// nmap's -sM and --scanflags send them (stealth has no options or
// per-probe seq).
type flagScan struct {
	flags    uint8
	seq, ack uint32
	seqStep  uint32 // added to seq per probe (nmap's probes with SYN|RST|ACK)
	window   uint16
	opts     []byte
	ttl      func(i int) uint8
	ports    []uint16
	silent   []uint16
	// answer gives a port's answer flags (RST by default) and window.
	answer func(port uint16) (uint8, uint16)
}

func (s flagScan) packets() []pkt {
	var out []pkt
	for i, port := range s.ports {
		at := t0.Add(time.Duration(i) * 100 * time.Microsecond)
		t := wire.TCPSegment{SPort: 41234, DPort: port, Seq: s.seq + uint32(i)*s.seqStep, Ack: s.ack, Flags: s.flags, Window: s.window, Options: s.opts}
		out = append(out, pkt{at, wiretest.TCP(wire.IPHeader{ID: uint16(9000 + i), TTL: s.ttl(i), Src: scannerAddr, Dst: targetAddr}, t)})
		if slices.Contains(s.silent, port) {
			continue
		}
		flags, win := uint8(wire.FlagRST), uint16(0)
		if s.answer != nil {
			flags, win = s.answer(port)
		}
		back := wiretest.Answer(t, flags)
		back.Window = win
		out = append(out, pkt{at.Add(30 * time.Microsecond), ipTCP(targetAddr, scannerAddr, 64, back)})
	}
	return out
}

// modernFlags is today's nmap with --scanflags (or -sM): window 1024, a
// TTL per packet, MSS 1460 when SYN is set; one random seq, or for
// probes with ACK one random ack and seq 0.
func modernFlags(flags uint8) flagScan {
	s := flagScan{flags: flags, seq: 2060994537, window: 1024, ttl: randomTTL, ports: shuffled25}
	if flags&wire.FlagACK != 0 {
		s.seq, s.ack = 0, 535465453
	}
	if flags&wire.FlagSYN != 0 {
		s.opts = mss1460
	}
	return s
}

// rawIP is an IPv4 packet of protocol proto carrying payload.
func rawIP(src, dst netip.Addr, ttl, proto uint8, payload []byte) []byte {
	return wire.AppendIPv4(nil, &wire.IPHeader{TTL: ttl, Src: src, Dst: dst, Proto: proto}, payload)
}

// sctpPacket is an IPv4/SCTP packet with the given chunk, built with
// gopacket.
func sctpPacket(src, dst netip.Addr, ttl uint8, sport, dport uint16, vtag uint32, chunk ...gopacket.SerializableLayer) []byte {
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: ttl, Protocol: layers.IPProtocolSCTP, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	sc := &layers.SCTP{SrcPort: layers.SCTPPort(sport), DstPort: layers.SCTPPort(dport), VerificationTag: vtag}
	buf := gopacket.NewSerializeBuffer()
	err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, append([]gopacket.SerializableLayer{ip, sc}, chunk...)...)
	if err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func sctpInit(tag, rwnd uint32, out, in uint16) *layers.SCTPInit {
	return &layers.SCTPInit{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeInit}, InitiateTag: tag,
		AdvertisedReceiverWindowCredit: rwnd, OutboundStreams: out, InboundStreams: in, InitialTSN: tag + 1}
}

func sctpChunk(t layers.SCTPChunkType) *layers.SCTPEmptyLayer {
	return &layers.SCTPEmptyLayer{SCTPChunk: layers.SCTPChunk{Type: t}}
}

// sctpScan is an SCTP scan of ports 1-25 of one target.
type sctpScan struct {
	cookie bool // -sZ's COOKIE ECHO, else -sY's INIT
	ttl    func(i int) uint8
	rwnd   uint32
	// target: "none" (no SCTP: ICMP protocol unreachable), "sctp" (INIT
	// ACK from open ports, ABORT from closed ones, silence to cookies on
	// open ones).
	target string
}

func (s sctpScan) packets() []pkt {
	var out []pkt
	for i, port := range shuffled25 {
		at := t0.Add(time.Duration(i) * 200 * time.Microsecond)
		var probe []byte
		if s.cookie {
			probe = sctpPacket(scannerAddr, targetAddr, s.ttl(i), 55564, port, 0x8da8258b+uint32(i)*7919,
				&layers.SCTPCookieEcho{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeCookieEcho}, Cookie: []byte{0x8d, 0xc7, 0x62, 0x39}})
		} else {
			probe = sctpPacket(scannerAddr, targetAddr, s.ttl(i), 42175, port, 0, sctpInit(0xa5fc57fb+uint32(i), s.rwnd, 10, 2048))
		}
		out = append(out, pkt{at, probe})
		back := at.Add(40 * time.Microsecond)
		open := slices.Contains(irixOpen, port)
		switch {
		case s.target == "none":
			out = append(out, pkt{back, unreachable(targetAddr, scannerAddr, 2, probe)})
		case open && !s.cookie:
			ack := sctpInit(0x1234, 106496, 10, 10)
			ack.Type = layers.SCTPChunkTypeInitAck
			out = append(out, pkt{back, sctpPacket(targetAddr, scannerAddr, 64, port, 42175, 0xa5fc57fb+uint32(i), ack)},
				pkt{back.Add(10 * time.Microsecond), sctpPacket(scannerAddr, targetAddr, 64, 42175, port, 0x1234, sctpChunk(layers.SCTPChunkTypeAbort))})
		case !open:
			out = append(out, pkt{back, sctpPacket(targetAddr, scannerAddr, 64, port, 42175, 0, sctpChunk(layers.SCTPChunkTypeAbort))})
		}
	}
	return out
}

// association is an ordinary SCTP association from client to
// server:port: INIT, INIT ACK, COOKIE ECHO, COOKIE ACK, DATA, SACK,
// SHUTDOWN.
func association(client, server netip.Addr, sport, port uint16, at time.Time) []pkt {
	step := func(n int) time.Time { return at.Add(time.Duration(n) * 100 * time.Microsecond) }
	ack := sctpInit(0x5000, 106496, 10, 10)
	ack.Type = layers.SCTPChunkTypeInitAck
	data := &layers.SCTPData{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeData}, TSN: 1}
	return []pkt{
		{step(0), sctpPacket(client, server, 64, sport, port, 0, sctpInit(0x7000, 106496, 10, 10))},
		{step(1), sctpPacket(server, client, 64, port, sport, 0x7000, ack)},
		{step(2), sctpPacket(client, server, 64, sport, port, 0x5000,
			&layers.SCTPCookieEcho{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeCookieEcho}, Cookie: make([]byte, 200)})},
		{step(3), sctpPacket(server, client, 64, port, sport, 0x7000, sctpChunk(layers.SCTPChunkTypeCookieAck))},
		{step(4), sctpPacket(client, server, 64, sport, port, 0x5000, data, gopacket.Payload("diameter"))},
		{step(5), sctpPacket(server, client, 64, port, sport, 0x7000, sctpChunk(layers.SCTPChunkTypeSack))},
		{step(6), sctpPacket(client, server, 64, sport, port, 0x5000, sctpChunk(layers.SCTPChunkTypeShutdown))},
		{step(7), sctpPacket(server, client, 64, port, sport, 0x7000, sctpChunk(layers.SCTPChunkTypeShutdownAck))},
	}
}

// protoScan is nmap -sO of target: a bare IP header for every protocol
// in protos (TTL per packet), ICMP protocol unreachable back for all but
// the open ones.
func protoScan(protos []uint8, open []uint8, ttl func(int) uint8) []pkt {
	var out []pkt
	for i, p := range protos {
		at := t0.Add(time.Duration(i) * 100 * time.Microsecond)
		probe := rawIP(scannerAddr, targetAddr, ttl(i), p, nil)
		out = append(out, pkt{at, probe})
		if !slices.Contains(open, p) {
			out = append(out, pkt{at.Add(30 * time.Microsecond), unreachable(targetAddr, scannerAddr, 2, probe)})
		}
	}
	return out
}

func protoRange(lo, hi int) []uint8 {
	var ps []uint8
	for p := lo; p <= hi; p++ {
		if p != 1 && p != 6 && p != 17 && p != 132 {
			ps = append(ps, uint8(p))
		}
	}
	return ps
}

// summaryAttr is label plus the attribute k's value, if any.
func summaryAttr(fs []detector.Finding, k string) []string {
	var out []string
	for _, f := range fs {
		s := f.Label
		if v := f.Attr(k); v != "" {
			s += " " + k + "=" + v
		}
		out = append(out, s)
	}
	return out
}

var _ = Describe("today's other scan types (scantypes.go, ipproto.go, sctp.go)", func() {
	DescribeTable("label Maimon and --scanflags probes by their flags, and the tool by its builder",
		func(s flagScan, want ...string) {
			fs, _ := detect(detector.Config{}, s.packets())
			Expect(summaryAttr(fs, "flags")).To(Equal(want))
			Expect(fs[0].Ports).To(Equal(25))
			Expect(fs[0].Targets).To(Equal([]netip.Addr{targetAddr}))
		},
		Entry("today's -sM: FIN|ACK, seq 0, one random ack", modernFlags(wire.FlagFIN|wire.FlagACK), "scan.tcp-maimon", "tool.nmap-modern"),
		Entry("nmap 2.02's -sM: seq 0, ack 0, one window and TTL; BSD drops FIN|ACK to open ports",
			flagScan{flags: wire.FlagFIN | wire.FlagACK, window: 2048, ttl: constTTL(52), ports: shuffled25, silent: irixOpen},
			"scan.tcp-maimon", "tool.nmap-2.0x"),
		Entry("--scanflags SYNFIN", modernFlags(wire.FlagSYN|wire.FlagFIN), "scan.tcp-custom flags=SF", "tool.nmap-modern"),
		Entry("--scanflags PSH", modernFlags(wire.FlagPSH), "scan.tcp-custom flags=P", "tool.nmap-modern"),
		Entry("--scanflags URGACKPSHRSTSYNFIN: a seq per probe, one ack", func() flagScan {
			s := modernFlags(0x3f)
			s.seq, s.seqStep, s.silent = 3265026295, 104729, shuffled25
			return s
		}(), "scan.tcp-custom flags=UAPRSF", "tool.nmap-modern"),
		Entry("another tool's SYN|FIN|PSH: random seqs, window 512, one TTL",
			flagScan{flags: wire.FlagSYN | wire.FlagFIN | wire.FlagPSH, seq: 1, seqStep: 99991, window: 512, ttl: constTTL(64), ports: shuffled25},
			"scan.tcp-custom flags=PSF"),
	)

	It("counts what came back to a Maimon scan of an RFC 793 stack: RST from every port", func() {
		fs, _ := detect(detector.Config{}, modernFlags(wire.FlagFIN|wire.FlagACK).packets())
		m := finding(fs, "scan.tcp-maimon")
		Expect(m.Attrs).To(Equal(map[string]string{"closed": "25", "open_filtered": "0", "filtered": "0"}))
		Expect(m.Evidence).To(ContainElements(
			"25 FIN|ACK probes to 25 ports of 198.18.1.2 in 0.002 s",
			"seq 0 and ack 535465453 on every probe, no TCP options",
			"all 25 ports answered RST: the target resets FIN|ACK as RFC 793 says for any segment carrying ACK (Linux does), so the scan learned nothing about open ports"))
		Expect(labels(fs)).NotTo(ContainElements("scan.tcp-ack", "scan.tcp-fin"))
	})

	It("gives -sW's probes (ACKs, as -sA's) scan.tcp-ack, with what a window scan reads from the RSTs' windows", func() {
		s := modernFlags(wire.FlagACK)
		s.answer = func(port uint16) (uint8, uint16) {
			if slices.Contains(irixOpen, port) {
				return wire.FlagRST, 8192 // a stack whose RSTs leak open ports
			}
			return wire.FlagRST, 0
		}
		fs, _ := detect(detector.Config{}, s.packets())
		Expect(labels(fs)).To(Equal([]string{"scan.tcp-ack", "tool.nmap-modern"}))
		Expect(finding(fs, "scan.tcp-ack").Evidence).To(ContainElement(
			"RST windows: 16 zero, 9 non-zero (a window scan, -sW, reads closed and open); nmap's -sA and -sW send identical ACK probes, so the wire does not tell which one ran"))
	})

	DescribeTable("label SCTP and IP protocol scans, whatever the target answers",
		func(ps []pkt, attrs map[string]string, want ...string) {
			fs, _ := detect(detector.Config{}, ps)
			Expect(labels(fs)).To(Equal(want))
			Expect(fs[0].Attrs).To(Equal(attrs))
			Expect(fs[0].Targets).To(Equal([]netip.Addr{targetAddr}))
		},
		Entry("-sY of a host without SCTP: ICMP protocol unreachable", sctpScan{ttl: randomTTL, rwnd: 32768, target: "none"}.packets(),
			map[string]string{"open": "0", "closed": "0", "filtered": "25"}, "scan.sctp-init", "tool.nmap-modern"),
		Entry("-sY of an SCTP host: INIT ACK (aborted by the scanner) and ABORT", sctpScan{ttl: randomTTL, rwnd: 32768, target: "sctp"}.packets(),
			map[string]string{"open": "9", "closed": "16", "filtered": "0"}, "scan.sctp-init", "tool.nmap-modern"),
		Entry("another tool's INITs: one TTL, its own a_rwnd", sctpScan{ttl: constTTL(64), rwnd: 106496, target: "sctp"}.packets(),
			map[string]string{"open": "9", "closed": "16", "filtered": "0"}, "scan.sctp-init"),
		Entry("-sZ of a host without SCTP", sctpScan{cookie: true, ttl: randomTTL, target: "none"}.packets(),
			map[string]string{"closed": "0", "open_filtered": "0", "filtered": "25"}, "scan.sctp-cookie", "tool.nmap-modern"),
		Entry("-sZ of an SCTP host: ABORT from closed ports, silence from open ones", sctpScan{cookie: true, ttl: randomTTL, target: "sctp"}.packets(),
			map[string]string{"closed": "16", "open_filtered": "9", "filtered": "0"}, "scan.sctp-cookie", "tool.nmap-modern"),
		Entry("-sO of all protocols, 4 (IPIP) and 47 (GRE) open", protoScan(protoRange(0, 255), []uint8{4, 47}, randomTTL),
			map[string]string{"protocols": "252", "closed": "250", "open": "0", "open_filtered": "2", "filtered": "0"}, "scan.ip-protocol", "tool.nmap-modern"),
		Entry("-sO -p 2-5,41,47,50,51 from a tool with one TTL", protoScan([]uint8{2, 3, 4, 5, 41, 47, 50, 51}, nil, constTTL(64)),
			map[string]string{"protocols": "8", "closed": "8", "open": "0", "open_filtered": "0", "filtered": "0"}, "scan.ip-protocol"),
	)

	It("says which protocols -sO probed, bare headers and its own, and what came back", func() {
		ps := protoScan(protoRange(0, 255), nil, randomTTL)
		echo := wiretest.ICMP(wire.IPHeader{TTL: 50, Src: scannerAddr, Dst: targetAddr}, 8, 0, 0x9a7d, 0, nil)
		ps = append(ps, pkt{t0.Add(time.Second), echo})
		fs, _ := detect(detector.Config{}, ps)
		Expect(labels(fs)).To(Equal([]string{"scan.ip-protocol", "tool.nmap-modern"}))
		Expect(fs[0].Evidence).To(Equal([]string{
			"252 packets to 198.18.1.2 in 0.025 s: protocols 0, 2-5, 7-16, 18-131, 133-255; 252 of them bare IP headers with no payload",
			"beside them, to 198.18.1.2: ICMP (1) (probed with their own headers)",
			"253 IP protocols probed in all",
			"252 protocols answered ICMP protocol unreachable (closed)",
		}))
	})

	DescribeTable("stay quiet on ordinary traffic that shares the probes' shapes",
		func(ps []pkt) {
			fs, _ := detect(detector.Config{}, ps)
			Expect(fs).To(BeEmpty())
		},
		Entry("one FIN|ACK closing a connection whose opening the capture missed", func() []pkt {
			fin := wire.TCPSegment{SPort: 40001, DPort: 443, Seq: 77, Ack: 99, Flags: wire.FlagFIN | wire.FlagACK, Window: 502}
			back := wiretest.Answer(fin, wire.FlagFIN|wire.FlagACK)
			back.Seq, back.Ack = 99, 78
			return []pkt{{t0, ipTCP(clientAddr, targetAddr, 64, fin)}, {t0.Add(time.Millisecond), ipTCP(targetAddr, clientAddr, 64, back)}}
		}()),
		Entry("a server closing six connections to one client's ports, each acknowledged", func() []pkt {
			var ps []pkt
			for i := range 6 {
				at := t0.Add(time.Duration(i) * time.Millisecond)
				fin := wire.TCPSegment{SPort: 443, DPort: 50000 + uint16(i), Seq: 5000, Ack: 7000, Flags: wire.FlagFIN | wire.FlagACK, Window: 509}
				ack := wiretest.Answer(fin, wire.FlagACK)
				ack.Seq, ack.Ack = 7000, 5001
				ps = append(ps, pkt{at, ipTCP(targetAddr, clientAddr, 64, fin)}, pkt{at.Add(100 * time.Microsecond), ipTCP(clientAddr, targetAddr, 64, ack)})
			}
			return ps
		}()),
		Entry("a SYN-flooded server's SYN/ACK backscatter and RST|ACKs to many ports", func() []pkt {
			var ps []pkt
			for i := range 30 {
				at := t0.Add(time.Duration(i) * time.Millisecond)
				flags := uint8(wire.FlagSYN | wire.FlagACK)
				if i%2 == 1 {
					flags = wire.FlagRST | wire.FlagACK
				}
				t := wire.TCPSegment{SPort: 80, DPort: 1024 + uint16(i)*7, Seq: uint32(i) * 104729, Ack: 1, Flags: flags, Window: 64240}
				ps = append(ps, pkt{at, ipTCP(targetAddr, clientAddr, 64, t)})
			}
			return ps
		}()),
		Entry("six complete SCTP associations to six ports (Diameter, M3UA...)", func() []pkt {
			var ps []pkt
			for i, port := range []uint16{3868, 2905, 2944, 9900, 36412, 38412} {
				ps = append(ps, association(clientAddr, targetAddr, 40000+uint16(i), port, t0.Add(time.Duration(i)*time.Millisecond))...)
			}
			return ps
		}()),
		Entry("GRE, ESP and AH between two hosts, both ways", func() []pkt {
			var ps []pkt
			for i := range 20 {
				at := t0.Add(time.Duration(i) * time.Millisecond)
				p := []uint8{47, 50, 51}[i%3]
				ps = append(ps, pkt{at, rawIP(clientAddr, targetAddr, 64, p, make([]byte, 64))},
					pkt{at.Add(100 * time.Microsecond), rawIP(targetAddr, clientAddr, 64, p, make([]byte, 64))})
			}
			return ps
		}()),
		Entry("a router's IGMP, OSPF, PIM and VRRP to their groups", func() []pkt {
			var ps []pkt
			for i, g := range []struct {
				proto uint8
				group [4]byte
			}{{2, [4]byte{224, 0, 0, 22}}, {89, [4]byte{224, 0, 0, 5}}, {103, [4]byte{224, 0, 0, 13}}, {112, [4]byte{224, 0, 0, 18}}, {89, [4]byte{224, 0, 0, 6}}} {
				ps = append(ps, pkt{t0.Add(time.Duration(i) * time.Second), rawIP(clientAddr, netip.AddrFrom4(g.group), 1, g.proto, make([]byte, 24))})
			}
			return ps
		}()),
	)

	DescribeTable("allocate nothing per packet once the source's state exists",
		func(ps []pkt) {
			d := detector.New(detector.Config{})
			for _, p := range ps {
				d.Packet(p.at, p.data)
			}
			allocs := testing.AllocsPerRun(10, func() {
				for _, p := range ps {
					d.Packet(p.at, p.data)
				}
			})
			Expect(allocs).To(BeZero())
		},
		Entry("-sM", modernFlags(wire.FlagFIN|wire.FlagACK).packets()),
		Entry("--scanflags SYNFIN", modernFlags(wire.FlagSYN|wire.FlagFIN).packets()),
		Entry("-sY (gopacket's SCTP layer decodes on the stack)", sctpScan{ttl: randomTTL, rwnd: 32768, target: "sctp"}.packets()),
		Entry("-sZ", sctpScan{cookie: true, ttl: randomTTL, target: "none"}.packets()),
		Entry("-sO", protoScan(protoRange(0, 255), nil, randomTTL)),
	)
})

// maimonFlags are -sM's probe flags.
const maimonFlags = wire.FlagFIN | wire.FlagACK
