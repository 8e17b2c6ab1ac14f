package detector_test

// Packet crafting for the specs, the fuzz seeds and the benchmark, with
// wiretest's builders (no Ginkgo: they run outside specs too).

import (
	"net/netip"
	"slices"
	"time"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

var (
	scannerAddr = netip.MustParseAddr("198.18.0.2")
	clientAddr  = netip.MustParseAddr("198.18.0.3")
	targetAddr  = netip.MustParseAddr("198.18.1.2")
	target2Addr = netip.MustParseAddr("198.18.1.3")
	// t0 is the first SYN of the FAQ's second trace.
	t0 = time.Date(1998, 12, 20, 1, 41, 25, 180240000, time.UTC)
)

// pkt is one captured IPv4 packet.
type pkt struct {
	at   time.Time
	data []byte
}

// ipTCP is one IPv4/TCP packet whose IP ID is the low half of its seq.
func ipTCP(src, dst netip.Addr, ttl uint8, t wire.TCPSegment) []byte {
	return wiretest.TCP(wire.IPHeader{ID: uint16(t.Seq), TTL: ttl, Src: src, Dst: dst}, t)
}

var (
	// The FAQ's 25 ports in a shuffled order, and the IRIX host's open ones.
	shuffled25 = []uint16{12, 3, 19, 17, 5, 10, 18, 11, 4, 6, 9, 1, 15, 22, 8, 23, 2, 24, 20, 7, 14, 16, 21, 13, 25}
	irixOpen   = []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}
	mss1460    = wiretest.Options(wiretest.MSS(1460))
)

// synScan describes a SYN scan of one target and how the target answers.
type synScan struct {
	src, dst netip.Addr
	start    time.Time
	ports    []uint16 // in send order
	open     []uint16 // answer SYN/ACK; the rest RST/ACK unless silent
	silent   []uint16 // never answer: nmap retransmits twice
	sport    uint16
	seq      uint32
	window   uint16
	ttl      uint8
	opts     []byte
	// probe, when set, edits the i-th first-try SYN before it is sent.
	probe func(i int, t *wire.TCPSegment)
}

// nmap202Scan is test (a): nmap 2.02 -sS -p1-25 against an IRIX host,
// with the FAQ trace's ISN and source port.
func nmap202Scan() synScan {
	return synScan{
		src: scannerAddr, dst: targetAddr, start: t0,
		ports: shuffled25, open: irixOpen,
		sport: 42558, seq: 1301162276, window: 1024, ttl: 51,
	}
}

// packets returns the exchange in capture order: a SYN every 200 µs,
// the target's answer 50 µs later, and the scanner kernel's RST 10 µs
// after a SYN/ACK.
func (s synScan) packets() []pkt {
	var out []pkt
	for i, port := range s.ports {
		at := s.start.Add(time.Duration(i) * 200 * time.Microsecond)
		syn := wire.TCPSegment{SPort: s.sport, DPort: port, Seq: s.seq, Flags: wire.FlagSYN, Window: s.window, Options: s.opts}
		if s.probe != nil {
			s.probe(i, &syn)
		}
		out = append(out, pkt{at, ipTCP(s.src, s.dst, s.ttl, syn)})
		out = append(out, s.answer(at, syn)...)
	}
	return out
}

// answer is what the target, then the scanner's kernel, send after syn.
func (s synScan) answer(at time.Time, syn wire.TCPSegment) []pkt {
	switch port := syn.DPort; {
	case slices.Contains(s.silent, port):
		// Two retransmissions from M+1 and M+2 with nmap's next ISNs.
		var out []pkt
		for try := uint32(1); try <= 2; try++ {
			re := syn
			re.SPort, re.Seq = syn.SPort+uint16(try), syn.Seq+try*1000
			out = append(out, pkt{at.Add(time.Duration(try) * 6 * time.Microsecond), ipTCP(s.src, s.dst, s.ttl, re)})
		}
		return out
	case slices.Contains(s.open, port):
		back := wiretest.Answer(syn, wire.FlagSYN|wire.FlagACK)
		back.Seq, back.Window, back.Options = 0x2f1e0000+uint32(port)*64000, 61440, mss1460
		rst := wire.TCPSegment{SPort: syn.SPort, DPort: syn.DPort, Seq: back.Ack, Flags: wire.FlagRST}
		return []pkt{
			{at.Add(50 * time.Microsecond), ipTCP(s.dst, s.src, 255, back)},
			{at.Add(60 * time.Microsecond), ipTCP(s.src, s.dst, 64, rst)},
		}
	default:
		return []pkt{{at.Add(50 * time.Microsecond), ipTCP(s.dst, s.src, 255, wiretest.Answer(syn, wire.FlagRST|wire.FlagACK))}}
	}
}

// linuxSYNOptions is what a Linux kernel puts on a connect()'s SYN.
var linuxSYNOptions = wiretest.Options(wiretest.MSS(1460), wiretest.SACKPermitted, wiretest.Timestamp(1, 0), wiretest.NOP, wiretest.WScale(7))

// session is one complete, ordinary TCP connection from client to
// server:port: handshake, a banner, and a FIN exchange.
func session(client, server netip.Addr, sport, port uint16, at time.Time) []pkt {
	const cISN, sISN = 1000000, 5000000
	banner := []byte("220 ready\r\n")
	step := func(n int) time.Time { return at.Add(time.Duration(n) * 100 * time.Microsecond) }
	c := func(t wire.TCPSegment) []byte {
		t.SPort, t.DPort, t.Window = sport, port, 502
		return ipTCP(client, server, 64, t)
	}
	s := func(t wire.TCPSegment) []byte {
		t.SPort, t.DPort, t.Window = port, sport, 509
		return ipTCP(server, client, 64, t)
	}
	syn := wire.TCPSegment{SPort: sport, DPort: port, Seq: cISN, Flags: wire.FlagSYN, Window: 64240, Options: linuxSYNOptions}
	n := uint32(len(banner))
	return []pkt{
		{step(0), ipTCP(client, server, 64, syn)},
		{step(1), s(wire.TCPSegment{Seq: sISN, Ack: cISN + 1, Flags: wire.FlagSYN | wire.FlagACK, Options: mss1460})},
		{step(2), c(wire.TCPSegment{Seq: cISN + 1, Ack: sISN + 1, Flags: wire.FlagACK})},
		{step(3), s(wire.TCPSegment{Seq: sISN + 1, Ack: cISN + 1, Flags: wire.FlagACK | wire.FlagPSH, Payload: banner})},
		{step(4), c(wire.TCPSegment{Seq: cISN + 1, Ack: sISN + 1 + n, Flags: wire.FlagACK})},
		{step(5), c(wire.TCPSegment{Seq: cISN + 1, Ack: sISN + 1 + n, Flags: wire.FlagACK | wire.FlagFIN})},
		{step(6), s(wire.TCPSegment{Seq: sISN + 1 + n, Ack: cISN + 2, Flags: wire.FlagACK | wire.FlagFIN})},
		{step(7), c(wire.TCPSegment{Seq: cISN + 2, Ack: sISN + 2 + n, Flags: wire.FlagACK})},
	}
}

// benign is test (c): two ordinary sessions each to ports 21, 22 and 25.
func benign() []pkt {
	var out []pkt
	for i, port := range []uint16{21, 22, 25, 21, 22, 25} {
		out = append(out, session(clientAddr, targetAddr, 40000+uint16(i), port, t0.Add(time.Duration(i)*time.Millisecond))...)
	}
	return out
}

// connectScan is nmap -sT as the wire shows it: kernel SYNs with options;
// the kernel completes handshakes on open ports and nmap then closes them.
func connectScan() []pkt { return connectScanOf(shuffled25) }

// connectScanOf is connectScan probing ports in the order given.
func connectScanOf(ports []uint16) []pkt {
	var out []pkt
	for i, port := range ports {
		at := t0.Add(time.Duration(i) * time.Millisecond)
		sport := 50000 + uint16(i)
		syn := wire.TCPSegment{SPort: sport, DPort: port, Seq: 7000, Flags: wire.FlagSYN, Window: 64240, Options: linuxSYNOptions}
		out = append(out, pkt{at, ipTCP(scannerAddr, targetAddr, 64, syn)})
		if !slices.Contains(irixOpen, port) {
			back := wiretest.Answer(syn, wire.FlagRST|wire.FlagACK)
			back.Window = 61440
			out = append(out, pkt{at.Add(50 * time.Microsecond), ipTCP(targetAddr, scannerAddr, 255, back)})
			continue
		}
		back := wiretest.Answer(syn, wire.FlagSYN|wire.FlagACK)
		back.Seq, back.Window = 9000, 61440
		ack := wire.TCPSegment{SPort: syn.SPort, DPort: syn.DPort, Seq: 7001, Ack: 9001, Flags: wire.FlagACK, Window: 502}
		rst := ack
		rst.Flags |= wire.FlagRST
		out = append(out,
			pkt{at.Add(50 * time.Microsecond), ipTCP(targetAddr, scannerAddr, 255, back)},
			pkt{at.Add(60 * time.Microsecond), ipTCP(scannerAddr, targetAddr, 64, ack)},
			pkt{at.Add(70 * time.Microsecond), ipTCP(scannerAddr, targetAddr, 64, rst)},
		)
	}
	return out
}

// byTime merges exchanges into capture order.
func byTime(parts ...[]pkt) []pkt {
	var all []pkt
	for _, p := range parts {
		all = append(all, p...)
	}
	slices.SortStableFunc(all, func(a, b pkt) int { return a.at.Compare(b.at) })
	return all
}

// detect feeds ps to a detector made with cfg and returns its findings.
func detect(cfg detector.Config, ps []pkt) ([]detector.Finding, *detector.Detector) {
	d := detector.New(cfg)
	for _, p := range ps {
		d.Packet(p.at, p.data)
	}
	return d.Findings(), d
}

func labels(fs []detector.Finding) []string {
	var ls []string
	for _, f := range fs {
		ls = append(ls, f.Label)
	}
	return ls
}

// finding returns the finding with label, or fails the spec's lookup by
// returning the zero Finding (whose Label is "").
func finding(fs []detector.Finding, label string) detector.Finding {
	for _, f := range fs {
		if f.Label == label {
			return f
		}
	}
	return detector.Finding{}
}
