package detector_test

import (
	"net/netip"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

var (
	idleReal   = netip.MustParseAddr("198.19.0.1")
	idleZombie = netip.MustParseAddr("198.18.1.2")
	idleTarget = netip.MustParseAddr("198.18.1.3")
)

// idleScan describes an idle scan as today's nmap runs one (-sI zombie):
// SYN/ACK probes from the real scanner to one port of the zombie, each
// answered by a RST carrying the zombie's next IP ID, and rounds of SYNs
// to the target under the zombie's address between them. The fields
// turn it into the near-misses that must not pass for one.
type idleScan struct {
	start    time.Time
	ports    []uint16 // in send order
	open     []uint16 // the target SYN/ACKs these (to the zombie, unseen): the zombie's counter jumps
	round    int      // ports per round
	initial  int      // probes before the first round (nmap's zombie test: 6)
	zport    uint16
	idStep   uint16     // how the zombie's counter moves per packet (0: constant, as Linux's RSTs)
	swapped  bool       // the counter is kept in little-endian order (IP ID steps of 256)
	silent   bool       // the zombie never answers the probes
	ownIDs   bool       // the SYNs carry the zombie's own IP IDs: it sends them itself
	probe    uint8      // the prober's flags: SYN|ACK, or a monitor's SYN
	answered bool       // the target answers the SYNs (SYN/ACK or RST/ACK), as seen by the sensor
	test     bool       // four SYN/ACKs under the target's address after the zombie test
	before   bool       // probe only before the SYNs, never between nor after them
	extra    int        // SYN/ACKs after each round beyond nmap's one (a stream of them, as backscatter)
	hping    bool       // the probes are hping3 -SA's (window 512, no options, one TTL), not nmap's
	zombie   netip.Addr // idleZombie when unset
}

func nmapIdle() idleScan {
	return idleScan{
		start: t0, ports: shuffled25[:12], open: []uint16{19, 5, 1}, round: 3, initial: 6,
		zport: 80, idStep: 1, probe: wire.FlagSYN | wire.FlagACK, test: true,
	}
}

// packets returns the exchange in capture order.
func (s idleScan) packets() []pkt {
	z := s.zombie
	if !z.IsValid() {
		z = idleZombie
	}
	var out []pkt
	counter := uint16(0xded6)
	next := func() uint16 {
		if s.swapped {
			counter += s.idStep << 8
		} else {
			counter += s.idStep
		}
		return counter
	}
	at := s.start
	n := 0
	probe := func() {
		n++
		seg := wire.TCPSegment{SPort: 53100 + uint16(n), DPort: s.zport, Seq: 1531349860 + uint32(n*n)*100003, Ack: 1576109342,
			Flags: s.probe, Window: 1024, Options: mss1460}
		ttl := uint8(37 + n*5%21)
		if s.hping {
			seg.Window, seg.Options, ttl = 512, nil, 64
		}
		out = append(out, pkt{at, wiretest.TCP(wire.IPHeader{ID: uint16(n * 7919), TTL: ttl, Src: idleReal, Dst: z}, seg)})
		switch {
		case s.silent:
		case s.probe&wire.FlagACK == 0: // a SYN to the zombie's open port: SYN/ACK, then the monitor's RST
			back := wiretest.Answer(seg, wire.FlagSYN|wire.FlagACK)
			back.Seq, back.Window = 777000+uint32(n), 61440
			out = append(out, pkt{at.Add(100 * time.Microsecond), wiretest.TCP(wire.IPHeader{ID: next(), TTL: 60, Src: z, Dst: idleReal}, back)})
			rst := wire.TCPSegment{SPort: seg.SPort, DPort: seg.DPort, Seq: back.Ack, Flags: wire.FlagRST}
			out = append(out, pkt{at.Add(150 * time.Microsecond), wiretest.TCP(wire.IPHeader{ID: 0, TTL: 64, Src: idleReal, Dst: z}, rst)})
		default:
			rst := wire.TCPSegment{SPort: s.zport, DPort: seg.SPort, Seq: seg.Ack, Flags: wire.FlagRST}
			out = append(out, pkt{at.Add(100 * time.Microsecond), wiretest.TCP(wire.IPHeader{ID: next(), TTL: 60, Src: z, Dst: idleReal}, rst)})
		}
		at = at.Add(30 * time.Millisecond)
	}
	for range s.initial {
		probe()
	}
	if s.test {
		for i := range 4 {
			seg := wire.TCPSegment{SPort: 53105, DPort: s.zport, Seq: 1531349860 + uint32(i), Ack: 1576109342,
				Flags: wire.FlagSYN | wire.FlagACK, Window: 1024, Options: mss1460}
			out = append(out, pkt{at, wiretest.TCP(wire.IPHeader{ID: uint16(0xd8d7 + i*4099), TTL: 50, Src: idleTarget, Dst: z}, seg)})
			next() // the zombie's RST to the target, not seen
			at = at.Add(50 * time.Millisecond)
		}
		probe()
	}
	for i := 0; i < len(s.ports); i += s.round {
		for j, port := range s.ports[i:min(i+s.round, len(s.ports))] {
			id := uint16(0x1b79 + (i+j)*40503)
			if s.ownIDs {
				id = next()
			}
			seg := wire.TCPSegment{SPort: s.zport, DPort: port, Seq: 3091618804, Flags: wire.FlagSYN, Window: 1024, Options: mss1460}
			out = append(out, pkt{at, wiretest.TCP(wire.IPHeader{ID: id, TTL: uint8(37 + (i+j)*7%21), Src: z, Dst: idleTarget}, seg)})
			open := slices.Contains(s.open, port)
			if open {
				next() // the zombie's RST to the target's SYN/ACK
			}
			if s.answered {
				flags := uint8(wire.FlagRST | wire.FlagACK)
				if open {
					flags = wire.FlagSYN | wire.FlagACK
				}
				back := wiretest.Answer(seg, flags)
				back.Seq, back.Window = 424242, 64240
				out = append(out, pkt{at.Add(50 * time.Microsecond), wiretest.TCP(wire.IPHeader{ID: 0, TTL: 64, Src: idleTarget, Dst: z}, back)})
				if open {
					rst := wire.TCPSegment{SPort: seg.SPort, DPort: seg.DPort, Seq: back.Ack, Flags: wire.FlagRST}
					out = append(out, pkt{at.Add(80 * time.Microsecond), wiretest.TCP(wire.IPHeader{ID: next(), TTL: 60, Src: z, Dst: idleTarget}, rst)})
				}
			}
			at = at.Add(200 * time.Microsecond)
		}
		at = at.Add(80 * time.Millisecond)
		if !s.before {
			probe()
		}
		for range s.extra {
			probe()
		}
	}
	return out
}

// idleSummary is one line per finding: scanner, label, and the idle
// scan's zombie and real source.
func idleSummary(fs []detector.Finding) []string {
	var out []string
	for _, f := range fs {
		s := f.Scanner.String() + " " + f.Label
		for _, k := range []string{"zombie", "real_source", "tool"} {
			if v := f.Attr(k); v != "" {
				s += " " + k + "=" + v
			}
		}
		out = append(out, s)
	}
	return out
}

var _ = Describe("scan.idle", func() {
	const real, zombie = "198.19.0.1 ", "198.18.1.2 "
	const idle = real + "scan.idle zombie=198.18.1.2 real_source=198.19.0.1"

	DescribeTable("pairs the zombie's IP-ID probes with the SYNs spoofed from it",
		func(edit func(*idleScan), want ...string) {
			s := nmapIdle()
			if edit != nil {
				edit(&s)
			}
			fs, _ := detect(detector.Config{}, s.packets())
			Expect(idleSummary(fs)).To(Equal(want))
		},
		Entry("nmap -sI over 12 ports: the real scanner gets the scan and the tool; the zombie nothing", nil,
			idle, real+"tool.nmap-modern"),
		Entry("without nmap's spoofed test from the target", func(s *idleScan) { s.test = false },
			idle, real+"tool.nmap-modern"),
		Entry("one port, below the SYN scan's threshold: the tool from the probes alone", func(s *idleScan) { s.ports, s.open = []uint16{22}, []uint16{22} },
			idle, real+"tool.nmap-modern"),
		Entry("one port, the counter read with hping3 -SA: the spoofed SYN's own template (nmap's, read by the small-scan rule) names the tool", func(s *idleScan) {
			s.ports, s.open, s.hping = []uint16{22}, []uint16{22}, true
		}, idle, real+"tool.nmap-modern"),
		Entry("12 ports, the counter read with hping3 -SA: the tool of the spoofed SYNs", func(s *idleScan) { s.hping = true },
			idle, real+"tool.nmap-modern"),
		Entry("a zombie whose counter is little-endian (IP ID steps of 256)", func(s *idleScan) { s.swapped = true },
			idle, real+"tool.nmap-modern"),
		Entry("a zombie with every port closed (the counter never jumps)", func(s *idleScan) { s.open = nil },
			idle, real+"tool.nmap-modern"),
		Entry("a sensor that also sees the target's answers to the zombie", func(s *idleScan) { s.answered = true },
			idle, real+"tool.nmap-modern"),
		Entry("rounds of 12 ports at once", func(s *idleScan) { s.round = 12 },
			idle, real+"tool.nmap-modern"),
		Entry("a second SYN/ACK before each round, as nmap sends", func(s *idleScan) { s.extra = 1 },
			idle, real+"tool.nmap-modern"),
	)

	DescribeTable("leaves near-misses alone: the SYNs stay the zombie's own scan",
		func(edit func(*idleScan), want ...string) {
			s := nmapIdle()
			edit(&s)
			fs, _ := detect(detector.Config{}, s.packets())
			Expect(idleSummary(fs)).To(Equal(want))
		},
		Entry("a monitoring host sending a few SYNs (no SYN/ACK) to the scanning host", func(s *idleScan) {
			s.probe, s.initial, s.test = wire.FlagSYN, 2, false
		}, zombie+"scan.tcp-syn", zombie+"tool.nmap-modern"),
		Entry("the host sends the SYNs itself: they carry its own IP IDs", func(s *idleScan) { s.ownIDs = true },
			zombie+"scan.tcp-syn", zombie+"tool.nmap-modern"),
		Entry("RSTs with a constant IP ID (a Linux host: not a counter)", func(s *idleScan) { s.idStep = 0 },
			zombie+"scan.tcp-syn", zombie+"tool.nmap-modern"),
		Entry("probes the host never answers", func(s *idleScan) { s.silent = true },
			zombie+"scan.tcp-syn", zombie+"tool.nmap-modern"),
		Entry("too few probes to read a counter", func(s *idleScan) { s.initial, s.test, s.round = 1, false, 12 },
			zombie+"scan.tcp-syn", zombie+"tool.nmap-modern"),
		Entry("a stream of SYN/ACKs (backscatter), most with no SYN between them", func(s *idleScan) { s.extra = 10 },
			zombie+"scan.tcp-syn", zombie+"tool.nmap-modern"),
		Entry("probes only before the scan, never between its SYNs", func(s *idleScan) { s.before = true },
			zombie+"scan.tcp-syn", zombie+"tool.nmap-modern"),
	)

	It("leaves a SYN scan alone whose target answers with SYN/ACKs the scanner resets", func() {
		// The target's SYN/ACKs to the scanner are answers to its SYNs,
		// not probes of its IP ID, however its RSTs' IDs count.
		s := nmapScanFrom(idleZombie, idleTarget)
		fs, _ := detect(detector.Config{}, s.packets())
		Expect(idleSummary(fs)).To(Equal([]string{zombie + "scan.tcp-syn", zombie + "tool.nmap-2.0x"}))
	})

	It("keeps one finding per label for a real scanner that also scans under its own address", func() {
		own := synScan{
			src: idleReal, dst: netip.MustParseAddr("198.18.1.9"), start: t0.Add(100 * time.Millisecond),
			ports: shuffled25, open: irixOpen, sport: 61000, seq: 99991, window: 1024, ttl: 45, opts: mss1460,
		}
		fs, _ := detect(detector.Config{}, byTime(nmapIdle().packets(), own.packets()))
		Expect(idleSummary(fs)).To(Equal([]string{idle, real + "scan.tcp-syn", real + "tool.nmap-modern"}))
		Expect(finding(fs, "scan.tcp-syn").Targets).To(Equal([]netip.Addr{netip.MustParseAddr("198.18.1.9")}))
	})

	It("reports one idle scan per zombie, and the tool once, for a scanner using two", func() {
		other := nmapIdle()
		other.zombie, other.start = netip.MustParseAddr("198.18.1.7"), t0.Add(10*time.Second)
		fs, _ := detect(detector.Config{}, byTime(nmapIdle().packets(), other.packets()))
		Expect(idleSummary(fs)).To(Equal([]string{idle, real + "scan.idle zombie=198.18.1.7 real_source=198.19.0.1", real + "tool.nmap-modern"}))
	})

	It("comes out of Expire, live, when the zombie's address goes quiet", func() {
		ps := nmapIdle().packets()
		d := detector.New(detector.Config{})
		for _, p := range ps {
			d.Packet(p.at, p.data)
		}
		last := ps[len(ps)-1].at
		Expect(d.Expire(last, time.Minute)).To(BeEmpty())
		Expect(idleSummary(d.Expire(last.Add(2*time.Minute), time.Minute))).To(Equal([]string{idle, real + "tool.nmap-modern"}))
	})

	It("says how the pairing was read", func() {
		fs, _ := detect(detector.Config{}, nmapIdle().packets())
		f := finding(fs, "scan.idle")
		Expect(f.Targets).To(Equal([]netip.Addr{idleTarget}))
		Expect(f.Ports).To(Equal(12))
		Expect(f.Attrs).To(HaveKeyWithValue("zombie_port", "80"))
		Expect(f.Attrs).To(HaveKeyWithValue("probes", "11"))
		Expect(f.Evidence).To(ContainElements(
			"11 SYN/ACKs from 198.19.0.1 to port 80 of 198.18.1.2 that 198.18.1.2 had not asked for (no SYN of its to them), answered with 11 RSTs",
			"12 SYNs under 198.18.1.2's address to 12 ports of 198.18.1.3 in 0.332 s",
			"those SYNs came in 4 rounds, each between two of the prober's SYN/ACKs, and 0 of 12 carried an IP ID continuing 198.18.1.2's counter: spoofed, not sent by 198.18.1.2",
			"4 SYN/ACKs to the zombie came under target 198.18.1.3's address: nmap's check that the zombie's counter moves for packets from the target",
		))
		Expect(f.Evidence).To(ContainElement(MatchRegexp(`^the counter rose by more than 1 at 4 reads \(7 packets more in all\)`)))
		Expect(finding(fs, "tool.nmap-modern").Evidence).To(ContainElement("read on the SYNs spoofed from zombie 198.18.1.2: the tool is 198.19.0.1's"))
		Expect(finding(fs, "tool.nmap-modern").Evidence).To(ContainElement(HavePrefix("the SYN/ACK probes of the zombie's IP ID carry MSS 1460 alone and window 1024, a new TTL per packet")))
	})
})

// nmapScanFrom is nmap 2.02's SYN scan of the FAQ (IRIX answering) from
// src to dst, the scanner's RSTs carrying a counting IP ID.
func nmapScanFrom(src, dst netip.Addr) synScan {
	s := nmap202Scan()
	s.src, s.dst = src, dst
	return s
}
