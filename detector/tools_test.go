package detector_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

// templated is a SYN scan of ports 1-25 by a tool with a fixed packet
// template: probe i gets sport(i), seq(i), IP ID id(i, port, seq), ttl
// and window; the target answers as in nmap202Scan.
type templated struct {
	sport  func(i int) uint16
	seq    func(i int) uint32
	id     func(i int, port uint16, seq uint32) uint16
	ttl    uint8
	window uint16
}

func (t templated) packets() []pkt {
	base := nmap202Scan()
	var out []pkt
	for i := range 25 {
		port := uint16(i + 1)
		at := t0.Add(time.Duration(i) * 200 * time.Microsecond)
		syn := wire.TCPSegment{SPort: t.sport(i), DPort: port, Seq: t.seq(i), Flags: wire.FlagSYN, Window: t.window}
		out = append(out, pkt{at, wiretest.TCP(wire.IPHeader{ID: t.id(i, port, syn.Seq), TTL: t.ttl, Src: scannerAddr, Dst: targetAddr}, syn)})
		out = append(out, base.answer(at, syn)...)
	}
	return out
}

func randomSeq(i int) uint32 { return uint32(i)*2654435761 + 12345 }

var (
	// masscan 1.3: TTL 255, window 1024, no options, one source port, a
	// SYN cookie per port, IP ID = dst ^ dport ^ seq.
	masscan = templated{
		sport: func(int) uint16 { return 57753 }, seq: randomSeq, ttl: 255, window: 1024,
		id: func(_ int, port uint16, seq uint32) uint16 { return uint16(0xC6120102 ^ uint32(port) ^ seq) },
	}
	// hping3 -S -p ++1: TTL 64, window 512, source port +1 per probe.
	hping3 = templated{
		sport: func(i int) uint16 { return 1738 + uint16(i) }, seq: randomSeq, ttl: 64, window: 512,
		id: func(i int, _ uint16, _ uint32) uint16 { return uint16(i * 7777) },
	}
	// zmap: IP ID 54321, window 65535.
	zmap = templated{
		sport: func(int) uint16 { return 40000 }, seq: randomSeq, ttl: 255, window: 65535,
		id: func(int, uint16, uint32) uint16 { return 54321 },
	}
)

var _ = Describe("tool.other", func() {
	DescribeTable("names other scanners by their templates",
		func(t templated, tool string, evidence string) {
			fs, _ := detect(detector.Config{}, t.packets())
			Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", "tool.other"}))
			Expect(fs[1].Attrs).To(Equal(map[string]string{"name": tool}))
			Expect(fs[1].Evidence).To(ContainElement(evidence))
		},
		Entry("masscan", masscan, "masscan",
			"IP ID = low 16 bits of (destination address XOR destination port XOR sequence number) on 25 of 25 SYNs: masscan's packet template"),
		Entry("hping3", hping3, "hping3", "the source port rises by one with every probe (1738..1762)"),
		Entry("zmap", zmap, "zmap", "IP ID 54321 and window 65535 on every probe: zmap's packet template"),
	)

	It("gives nmap 2.02's own scan no tool.other", func() {
		fs, _ := detect(detector.Config{}, nmap202Scan().packets())
		Expect(labels(fs)).NotTo(ContainElement("tool.other"))
	})
})

var _ = Describe("allocation", func() {
	DescribeTable("allocates nothing per packet once every technique's state exists",
		func(ps []pkt) {
			d := detector.New(detector.Config{})
			for _, p := range ps {
				d.Packet(p.at, p.data)
			}
			Expect(d.Findings()).NotTo(BeEmpty())
			allocs := testing.AllocsPerRun(10, func() {
				for _, p := range ps {
					d.Packet(p.at, p.data)
				}
			})
			Expect(allocs).To(BeZero())
		},
		Entry("FIN scan", nmap202Stealth(finFlags).packets()),
		Entry("ACK scan", modernStealth(ackFlags).packets()),
		Entry("UDP scan with port unreachables", nmap202UDP().packets()),
		Entry("ping sweep", nmap202Sweep(2, 5, 9)),
		Entry("nmap 2.0x OS detection and TSeq", withScan(osAttempt1(t0.Add(10*time.Millisecond), 42558, 1815095948, 1, 35401))),
		Entry("today's OS detection", osAttempt2(t0, 41457, 4121425137, 1, 2)),
		Entry("-f fragments", fragmented(nmap202Scan().packets(), 16)),
		Entry("decoys", withDecoys(nmap202Scan().packets(), decoy1, decoy2)),
		Entry("FTP bounce", ftpBounce([]uint16{20, 21, 22, 23, 24, 25}, []uint16{22})),
		Entry("connect scan", connectScan()),
		Entry("masscan", masscan.packets()),
	)
})
