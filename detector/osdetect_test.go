package detector_test

import (
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
)

// withScan puts nmap 2.02's SYN scan of ports 1-25 before ps.
func withScan(ps []pkt) []pkt { return byTime(nmap202Scan().packets(), ps) }

var _ = Describe("osdetect", func() {
	at := t0.Add(10 * time.Millisecond)

	DescribeTable("tells the generation, the outcome and the attempts",
		func(ps []pkt, attrs map[string]string, evidence ...string) {
			fs, _ := detect(detector.Config{}, ps)
			os := finding(fs, "osdetect")
			Expect(os.Label).To(Equal("osdetect"))
			Expect(os.Attrs).To(Equal(attrs))
			Expect(os.Evidence).To(ContainElements(evidence))
		},
		Entry("nmap 2.02 against IRIX: one attempt with an open port (FAQ figure 2)",
			withScan(osAttempt1(at, 42558, 1815095948, 1, 35401)),
			map[string]string{"generation": "nmap-1", "outcome": "fingerprinted", "attempts": "1"},
			"T1-T7 carry nmap 2.0x's 20-byte option block: WS 10, NOP, MSS 265, timestamp 0x3F3F3F3F/0, EOL, EOL",
			"T1 is a SYN with the reserved 0x40 bit set (nmap 1998's bogus flag)",
			"attempt 1 at 01:41:25.190240: T1 T2 T3 T4 to open port 1, T5 T6 T7 PU to closed port 35401; sequence base 1815095948",
			"PU: a 300-byte UDP datagram of 'K' (0x4b) to the closed port, IP ID 41651",
			"one attempt with the open-port tests: nmap stopped after it"),
		Entry("no open port: three attempts of T5-T7 and PU, 2 s apart (FAQ figures 4 and 5)",
			slices.Concat(osAttempt1(at, 33665, 416257353, 0, 40267), osAttempt1(at.Add(2200*time.Millisecond), 33665, 1946874484, 0, 39064),
				osAttempt1(at.Add(4400*time.Millisecond), 33665, 1973490145, 0, 31823)),
			map[string]string{"generation": "nmap-1", "outcome": "no-open-port", "attempts": "3"},
			"attempt 2 at 01:41:27.390240: T5 T6 T7 PU to closed port 39064; sequence base 1946874484",
			"PU: a 300-byte UDP datagram of 'K' (0x4b) to the closed port, IP ID 41651 in every attempt",
			"no open-port tests (T1-T4): nmap knew no open port on this host",
			"3 attempts, each with a new sequence base (2.200 s apart, closed ports 40267, 39064, 31823)"),
		Entry("an open port but no match at first: retried",
			withScan(slices.Concat(osAttempt1(at, 42558, 1000, 1, 35401), osAttempt1(at.Add(2*time.Second), 42558, 900000, 1, 30123))),
			map[string]string{"generation": "nmap-1", "outcome": "retried", "attempts": "2"},
			"no match at first: nmap tried again, with a new sequence base each time (2.000 s apart, closed ports 35401, 30123)"),
		Entry("today's nmap: second-generation battery, one attempt",
			osAttempt2(at, 41457, 4121425137, 1, 2),
			map[string]string{"generation": "nmap-2", "outcome": "fingerprinted", "attempts": "1"},
			"attempt 1 at 01:41:25.190240: T2 T3 T4 SEQ ECN to open port 1, T5 T6 T7 U1 IE to closed port 2; sequence base 4121425137",
			"U1: a 300-byte UDP datagram of 'C' (0x43) to the closed port, IP ID 4162"),
		Entry("today's nmap retrying with the same closed port",
			slices.Concat(osAttempt2(at, 41457, 4121425137, 1, 2), osAttempt2(at.Add(2*time.Second), 41457, 1044215626, 1, 2)),
			map[string]string{"generation": "nmap-2", "outcome": "retried", "attempts": "2"},
			"no match at first: nmap tried again, with a new sequence base each time (2.000 s apart, closed port 2 each time)"),
	)

	It("attributes the first generation to nmap 2.0x and the second to today's nmap", func() {
		fs, _ := detect(detector.Config{}, osAttempt1(at, 33665, 416257353, 0, 40267))
		Expect(labels(fs)).To(Equal([]string{"osdetect", "tool.nmap-2.0x"}))
		Expect(fs[1].Evidence).To(ContainElements(
			"OS detection with nmap 2.0x's first-generation battery: T1-T7 with the option block WS 10, NOP, MSS 265, timestamp 0x3F3F3F3F/0, EOL, EOL",
			"PU datagram of 300 'K' bytes: nmap 2.0x's per-run pattern byte ('A'..'|')",
		))
		fs, _ = detect(detector.Config{}, osAttempt2(at, 41457, 4121425137, 1, 2))
		Expect(labels(fs)).To(Equal([]string{"osdetect", "seqprobe", "tool.nmap-modern"}))
		Expect(labels(fs)).NotTo(ContainElement("tool.nmap-2.0x"))
	})

	It("gives one finding per target", func() {
		other := osAttempt1(at, 42558, 77, 0, 31000)
		for i := range other {
			other[i].data = retarget(other[i].data, target2Addr)
		}
		fs, _ := detect(detector.Config{}, slices.Concat(osAttempt1(at, 42558, 1815095948, 0, 35401), other))
		var got []string
		for _, f := range fs {
			if f.Label == "osdetect" {
				got = append(got, f.Targets[0].String())
			}
		}
		Expect(got).To(Equal([]string{"198.18.1.2", "198.18.1.3"}))
	})
})

var _ = Describe("seqprobe", func() {
	It("reports the six consecutive-ISN SYNs of nmap 2.02's TSeq and keeps them out of the SYN scan's count", func() {
		fs, _ := detect(detector.Config{}, withScan(osAttempt1(t0.Add(10*time.Millisecond), 42558, 1815095948, 1, 35401)))
		Expect(labels(fs)).To(Equal([]string{"osdetect", "scan.tcp-syn", "seqprobe", "tool.nmap-2.0x"}))
		sp := finding(fs, "seqprobe")
		Expect(sp.Attrs).To(Equal(map[string]string{"samples": "6", "runs": "1"}))
		Expect(sp.Packets).To(Equal(6))
		Expect(sp.Evidence).To(ConsistOf(
			"6 SYNs to 198.18.1.2:1 with consecutive ISNs 1815095949..1815095954 from source ports 42559..42564, 5.0 ms apart, no TCP options"))
		Expect(finding(fs, "scan.tcp-syn").Packets).To(Equal(25))
	})

	It("needs at least four samples in a row", func() {
		var ps []pkt
		for i := range 3 {
			t := wire.TCPSegment{SPort: uint16(42559 + i), DPort: 1, Seq: uint32(500 + i), Flags: wire.FlagSYN, Window: 1024}
			ps = append(ps, pkt{t0.Add(time.Duration(i) * 5 * time.Millisecond), ipTCP(scannerAddr, targetAddr, 51, t)})
		}
		fs, _ := detect(detector.Config{}, ps)
		Expect(fs).To(BeEmpty())
	})
})

// retarget rewrites an IPv4 packet's destination (checksums left stale:
// the detector does not read them).
func retarget(ip []byte, dst interface{ As4() [4]byte }) []byte {
	b := slices.Clone(ip)
	a := dst.As4()
	copy(b[16:20], a[:])
	return b
}
