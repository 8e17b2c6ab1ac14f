package detector_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

var _ = Describe("tool.nmap-2.0x", func() {
	DescribeTable("relates the TTL at the sensor to the window without requiring a hop count",
		func(ttl uint8, window uint16, line string) {
			s := nmap202Scan()
			s.ttl, s.window = ttl, window
			fs, _ := detect(detector.Config{}, s.packets())
			tool := finding(fs, "tool.nmap-2.0x")
			Expect(tool.Label).To(Equal("tool.nmap-2.0x"))
			Expect(tool.Evidence).To(ContainElement(line))
		},
		Entry("the FAQ lab trace", uint8(51), uint16(1024),
			"TTL 51 at the sensor; nmap 2.0x ties window 1024 to a sender TTL ≡ 0 mod 4 (e.g. 52 at 1 hop)"),
		Entry("sensor next to the scanner", uint8(51), uint16(4096),
			"TTL 51 at the sensor; nmap 2.0x ties window 4096 to a sender TTL ≡ 3 mod 4 (e.g. 51 at 0 hops)"),
		Entry("nmap 2.05's range", uint8(44), uint16(2048),
			"TTL 44 at the sensor; nmap 2.0x ties window 2048 to a sender TTL ≡ 1 mod 4 (e.g. 45 at 1 hop)"),
		Entry("many hops", uint8(30), uint16(3072),
			"TTL 30 at the sensor; nmap 2.0x ties window 3072 to a sender TTL ≡ 2 mod 4 (e.g. 38 at 8 hops)"),
		Entry("no sender TTL fits", uint8(64), uint16(2048),
			"TTL 64 at the sensor; nmap 2.0x ties window 2048 to a sender TTL ≡ 1 mod 4, but no sender TTL nmap 2.0x picks (37..64) fits"),
	)

	DescribeTable("needs every feature nmap 2.0x kept constant",
		func(probe func(i int, t *wire.TCPSegment)) {
			s := nmap202Scan()
			s.probe = probe
			fs, _ := detect(detector.Config{}, s.packets())
			// The scan itself is still there; nmap 2.0x's label goes, and
			// what is left is a template no known tool has (the probes
			// keep fixed fields no kernel's SYN has).
			Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", "tool.other"}))
			Expect(finding(fs, "tool.other").Attr("name")).To(Equal("unknown"))
		},
		Entry("a window nmap 2.0x never used", func(_ int, t *wire.TCPSegment) { t.Window = 8192 }),
		Entry("a window that changes between probes", func(i int, t *wire.TCPSegment) { t.Window = 1024 << (i % 2) }),
		Entry("a fresh ISN on every probe", func(i int, t *wire.TCPSegment) { t.Seq += uint32(i) * 7919 }),
		Entry("a non-zero ack field", func(_ int, t *wire.TCPSegment) { t.Ack = 1 }),
		Entry("one probe with an MSS option", func(i int, t *wire.TCPSegment) {
			if i == 7 {
				t.Options = mss1460
			}
		}),
		Entry("a timestamp option", func(_ int, t *wire.TCPSegment) {
			t.Options = wiretest.Options(wiretest.Timestamp(0, 0))
		}),
	)

	It("names the usual source port when a few probes leave from another", func() {
		s := nmap202Scan()
		s.probe = func(i int, t *wire.TCPSegment) {
			if i < 3 {
				t.SPort++
			}
		}
		fs, _ := detect(detector.Config{}, s.packets())
		Expect(finding(fs, "tool.nmap-2.0x").Evidence).To(ContainElement("source port 42558 on 22 of 25 SYNs"))
	})
})
