package detector_test

// Packet crafting for the specs, the fuzz seeds and the benchmark. The
// helpers panic on serialisation errors because they run outside Ginkgo
// too; a panic there is a broken test, not a detector failure.

import (
	"net/netip"
	"slices"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/siglab/siglab/detector"
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

// ipTCP serialises one IPv4/TCP packet with correct lengths and checksums.
func ipTCP(src, dst netip.Addr, ttl uint8, t layers.TCP, payload []byte) []byte {
	return ipTCPID(src, dst, ttl, uint16(t.Seq), t, payload)
}

// ipTCPID is ipTCP with the IP ID given.
func ipTCPID(src, dst netip.Addr, ttl uint8, id uint16, t layers.TCP, payload []byte) []byte {
	ip := &layers.IPv4{
		Version: 4, TTL: ttl, Id: id,
		Protocol: layers.IPProtocolTCP,
		SrcIP:    src.AsSlice(), DstIP: dst.AsSlice(),
	}
	if err := t.SetNetworkLayerForChecksum(ip); err != nil {
		panic(err)
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, ip, &t, gopacket.Payload(payload)); err != nil {
		panic(err)
	}
	return slices.Clone(buf.Bytes())
}

var (
	// The FAQ's 25 ports in a shuffled order, and the IRIX host's open ones.
	shuffled25 = []uint16{12, 3, 19, 17, 5, 10, 18, 11, 4, 6, 9, 1, 15, 22, 8, 23, 2, 24, 20, 7, 14, 16, 21, 13, 25}
	irixOpen   = []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}
	mss1460    = []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionData: []byte{0x05, 0xb4}}}
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
	opts     []layers.TCPOption
	// probe, when set, edits the i-th first-try SYN before it is sent.
	probe func(i int, t *layers.TCP)
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
		syn := layers.TCP{SrcPort: layers.TCPPort(s.sport), DstPort: layers.TCPPort(port), Seq: s.seq, SYN: true, Window: s.window, Options: s.opts}
		if s.probe != nil {
			s.probe(i, &syn)
		}
		out = append(out, pkt{at, ipTCP(s.src, s.dst, s.ttl, syn, nil)})
		out = append(out, s.answer(at, syn)...)
	}
	return out
}

// answer is what the target, then the scanner's kernel, send after syn.
func (s synScan) answer(at time.Time, syn layers.TCP) []pkt {
	back := layers.TCP{SrcPort: syn.DstPort, DstPort: syn.SrcPort, Ack: syn.Seq + 1}
	switch port := uint16(syn.DstPort); {
	case slices.Contains(s.silent, port):
		// Two retransmissions from M+1 and M+2 with nmap's next ISNs.
		var out []pkt
		for try := uint32(1); try <= 2; try++ {
			re := syn
			re.SrcPort, re.Seq = syn.SrcPort+layers.TCPPort(try), syn.Seq+try*1000
			out = append(out, pkt{at.Add(time.Duration(try) * 6 * time.Microsecond), ipTCP(s.src, s.dst, s.ttl, re, nil)})
		}
		return out
	case slices.Contains(s.open, port):
		back.SYN, back.ACK, back.Seq, back.Window, back.Options = true, true, 0x2f1e0000+uint32(port)*64000, 61440, mss1460
		rst := layers.TCP{SrcPort: syn.SrcPort, DstPort: syn.DstPort, Seq: back.Ack, RST: true}
		return []pkt{
			{at.Add(50 * time.Microsecond), ipTCP(s.dst, s.src, 255, back, nil)},
			{at.Add(60 * time.Microsecond), ipTCP(s.src, s.dst, 64, rst, nil)},
		}
	default:
		back.RST, back.ACK = true, true
		return []pkt{{at.Add(50 * time.Microsecond), ipTCP(s.dst, s.src, 255, back, nil)}}
	}
}

// linuxSYNOptions is what a Linux kernel puts on a connect()'s SYN.
var linuxSYNOptions = []layers.TCPOption{
	{OptionType: layers.TCPOptionKindMSS, OptionData: []byte{0x05, 0xb4}},
	{OptionType: layers.TCPOptionKindSACKPermitted},
	{OptionType: layers.TCPOptionKindTimestamps, OptionData: []byte{0, 0, 0, 1, 0, 0, 0, 0}},
	{OptionType: layers.TCPOptionKindNop},
	{OptionType: layers.TCPOptionKindWindowScale, OptionData: []byte{7}},
}

// session is one complete, ordinary TCP connection from client to
// server:port: handshake, a banner, and a FIN exchange.
func session(client, server netip.Addr, sport, port uint16, at time.Time) []pkt {
	const cISN, sISN = 1000000, 5000000
	banner := []byte("220 ready\r\n")
	step := func(n int) time.Time { return at.Add(time.Duration(n) * 100 * time.Microsecond) }
	c := func(t layers.TCP) []byte {
		t.SrcPort, t.DstPort, t.Window = layers.TCPPort(sport), layers.TCPPort(port), 502
		return ipTCP(client, server, 64, t, nil)
	}
	s := func(t layers.TCP, payload []byte) []byte {
		t.SrcPort, t.DstPort, t.Window = layers.TCPPort(port), layers.TCPPort(sport), 509
		return ipTCP(server, client, 64, t, payload)
	}
	syn := layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(port), Seq: cISN, SYN: true, Window: 64240, Options: linuxSYNOptions}
	n := uint32(len(banner))
	return []pkt{
		{step(0), ipTCP(client, server, 64, syn, nil)},
		{step(1), s(layers.TCP{Seq: sISN, Ack: cISN + 1, SYN: true, ACK: true, Options: mss1460}, nil)},
		{step(2), c(layers.TCP{Seq: cISN + 1, Ack: sISN + 1, ACK: true})},
		{step(3), s(layers.TCP{Seq: sISN + 1, Ack: cISN + 1, ACK: true, PSH: true}, banner)},
		{step(4), c(layers.TCP{Seq: cISN + 1, Ack: sISN + 1 + n, ACK: true})},
		{step(5), c(layers.TCP{Seq: cISN + 1, Ack: sISN + 1 + n, ACK: true, FIN: true})},
		{step(6), s(layers.TCP{Seq: sISN + 1 + n, Ack: cISN + 2, ACK: true, FIN: true}, nil)},
		{step(7), c(layers.TCP{Seq: cISN + 2, Ack: sISN + 2 + n, ACK: true})},
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
		syn := layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(port), Seq: 7000, SYN: true, Window: 64240, Options: linuxSYNOptions}
		out = append(out, pkt{at, ipTCP(scannerAddr, targetAddr, 64, syn, nil)})
		back := layers.TCP{SrcPort: syn.DstPort, DstPort: syn.SrcPort, Ack: 7001, Window: 61440}
		if !slices.Contains(irixOpen, port) {
			back.RST, back.ACK = true, true
			out = append(out, pkt{at.Add(50 * time.Microsecond), ipTCP(targetAddr, scannerAddr, 255, back, nil)})
			continue
		}
		back.SYN, back.ACK, back.Seq = true, true, 9000
		ack := layers.TCP{SrcPort: syn.SrcPort, DstPort: syn.DstPort, Seq: 7001, Ack: 9001, ACK: true, Window: 502}
		rst := ack
		rst.RST = true
		out = append(out,
			pkt{at.Add(50 * time.Microsecond), ipTCP(targetAddr, scannerAddr, 255, back, nil)},
			pkt{at.Add(60 * time.Microsecond), ipTCP(scannerAddr, targetAddr, 64, ack, nil)},
			pkt{at.Add(70 * time.Microsecond), ipTCP(scannerAddr, targetAddr, 64, rst, nil)},
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
