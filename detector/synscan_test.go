package detector_test

import (
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
)

var _ = Describe("scan.tcp-syn", func() {
	It("reports nmap 2.02's SYN scan of 25 ports with the nmap 2.0x tool finding", func() {
		fs, _ := detect(detector.Config{}, nmap202Scan().packets())
		Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", "tool.nmap-2.0x"}))

		scan := fs[0]
		Expect(scan.Scanner).To(Equal(scannerAddr))
		Expect(scan.Targets).To(Equal([]netip.Addr{targetAddr}))
		Expect(scan.First).To(BeTemporally("==", t0))
		Expect(scan.Last).To(BeTemporally("==", t0.Add(24*200*time.Microsecond)))
		Expect(scan.Packets).To(Equal(25))
		Expect(scan.Ports).To(Equal(25))
		Expect(scan.Attrs).To(Equal(map[string]string{"open": "9", "closed": "16", "unanswered": "0"}))
		Expect(scan.Evidence).To(ContainElements(
			"25 SYNs to 25 ports of 198.18.1.2 in 0.005 s",
			"9 ports answered SYN/ACK and the scanner reset each half-open connection",
			"each RST carries the SYN/ACK's ack as its seq, as the scanner's kernel sends it",
			"16 ports answered RST (closed)",
		))

		tool := fs[1]
		Expect(tool.Scanner).To(Equal(scannerAddr))
		Expect(tool.Targets).To(Equal([]netip.Addr{targetAddr}))
		Expect(tool.Packets).To(Equal(25))
		Expect(tool.Ports).To(Equal(25))
		Expect(tool.Attr("version")).To(Equal("2.0x"))
		Expect(tool.Attr("window")).To(Equal("1024"))
		Expect(tool.Evidence).To(ContainElements(
			"fixed source port 42558 on 25 SYNs",
			"all probes carry ISN 1301162276 (25 SYNs to 198.18.1.2)",
			"window 1024 on every probe",
			"no TCP options (40-byte SYNs)",
			"ack 0 on every probe",
			"TTL 51 at the sensor; nmap 2.0x ties window 1024 to a sender TTL ≡ 0 mod 4 (e.g. 52 at 1 hop)",
		))
	})

	It("reports modern nmap's SYN scan (MSS 1460 on every SYN) as today's nmap, never as nmap 2.0x", func() {
		s := nmap202Scan()
		s.opts = mss1460
		fs, _ := detect(detector.Config{}, s.packets())
		Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", "tool.nmap-modern"}))
		Expect(fs[0].Packets).To(Equal(25))
		Expect(fs[0].Attr("open")).To(Equal("9"))
	})

	It("gives no finding for ordinary completed sessions to a few ports", func() {
		fs, d := detect(detector.Config{}, benign())
		Expect(fs).To(BeEmpty())
		// The client had state (it sent SYNs); the server never did.
		Expect(d.Stats().Sources).To(Equal(1))
	})

	It("gives no finding for completed sessions even past the port threshold", func() {
		var ps []pkt
		for i, port := range []uint16{25, 110, 143, 465, 587, 993, 995, 80} {
			ps = append(ps, session(clientAddr, targetAddr, 41000+uint16(i), port, t0.Add(time.Duration(i)*time.Millisecond))...)
		}
		fs, _ := detect(detector.Config{}, ps)
		Expect(fs).To(BeEmpty())
	})

	It("gives no finding for 4 SYN probes", func() {
		s := nmap202Scan()
		s.ports, s.open = []uint16{22, 80, 23, 25}, nil
		fs, _ := detect(detector.Config{}, s.packets())
		Expect(fs).To(BeEmpty())
	})

	It("fires at exactly MinScanPorts ports", func() {
		s := nmap202Scan()
		s.ports = []uint16{22, 80, 23, 25, 21}
		fs, _ := detect(detector.Config{}, s.packets())
		Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", "tool.nmap-2.0x"}))
		fs, _ = detect(detector.Config{MinScanPorts: 6}, s.packets())
		Expect(fs).To(BeEmpty())
	})

	It("does not call a connect scan, which completes handshakes, a SYN scan", func() {
		fs, _ := detect(detector.Config{}, connectScan())
		Expect(labels(fs)).NotTo(ContainElement("scan.tcp-syn"))
	})

	It("counts retransmissions as packets and silent ports as unanswered", func() {
		s := nmap202Scan()
		s.silent = []uint16{3, 25} // 25 is the last port sent
		fs, _ := detect(detector.Config{}, s.packets())
		Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", "tool.nmap-2.0x"}))
		scan, tool := fs[0], fs[1]
		Expect(scan.Packets).To(Equal(29))
		Expect(scan.Ports).To(Equal(25))
		Expect(scan.Attrs).To(Equal(map[string]string{"open": "8", "closed": "15", "unanswered": "2"}))
		Expect(scan.Evidence).To(ContainElements(
			"29 SYNs to 25 ports of 198.18.1.2 in 0.005 s",
			"2 ports sent no answer the sensor saw (filtered or lost)",
		))
		lastFirstTry := t0.Add(24 * 200 * time.Microsecond)
		Expect(scan.Last).To(BeTemporally("==", lastFirstTry.Add(12*time.Microsecond)))
		// The retransmissions leave from other ports with other ISNs, but
		// every first try is still alike, and only first tries count.
		Expect(tool.Packets).To(Equal(25))
		Expect(tool.Last).To(BeTemporally("==", lastFirstTry))
		Expect(tool.Evidence).To(ContainElements("fixed source port 42558 on 25 SYNs", "all probes carry ISN 1301162276 (25 SYNs to 198.18.1.2)"))
	})

	It("says when the scanner left SYN/ACKs unanswered", func() {
		s := nmap202Scan()
		var ps []pkt
		for _, p := range s.packets() {
			// Drop the scanner kernel's RSTs (TTL 64 from the scanner).
			if p.data[8] == 64 {
				continue
			}
			ps = append(ps, p)
		}
		fs, _ := detect(detector.Config{}, ps)
		Expect(labels(fs)).To(ContainElement("scan.tcp-syn"))
		Expect(fs[0].Evidence).To(ContainElement("9 ports answered SYN/ACK; the scanner reset 0 and never answered the other 9"))
	})

	It("counts ports across targets, one ISN per host", func() {
		a, b := nmap202Scan(), nmap202Scan()
		a.ports, a.open = []uint16{1, 2, 3}, []uint16{1}
		b.dst, b.ports, b.open, b.seq = target2Addr, []uint16{4, 5, 6}, nil, 77
		b.start = t0.Add(time.Millisecond)
		fs, _ := detect(detector.Config{}, byTime(a.packets(), b.packets()))
		Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", "tool.nmap-2.0x"}))
		Expect(fs[0].Targets).To(Equal([]netip.Addr{targetAddr, target2Addr}))
		Expect(fs[0].Ports).To(Equal(6))
		Expect(fs[0].Evidence).To(ContainElements("3 SYNs to 3 ports of 198.18.1.2 in 0.000400 s", "3 SYNs to 3 ports of 198.18.1.3 in 0.000400 s"))
		Expect(fs[1].Targets).To(Equal(fs[0].Targets))
		Expect(fs[1].Evidence).To(ContainElements(
			"all probes carry ISN 1301162276 (3 SYNs to 198.18.1.2)",
			"all probes carry ISN 77 (3 SYNs to 198.18.1.3)",
			"fixed source port 42558 on 6 SYNs",
		))
	})

	It("orders findings by scanner, then label, one per label per scanner", func() {
		late := nmap202Scan()
		// Another scanner, with its own port and ISN: the same probes from
		// two sources at once would be decoys.
		late.src, late.sport, late.seq = netip.MustParseAddr("198.18.0.9"), 50000, 77
		fs, _ := detect(detector.Config{}, byTime(late.packets(), nmap202Scan().packets(), nmap202Scan().packets()))
		var got []string
		for _, f := range fs {
			got = append(got, f.Scanner.String()+" "+f.Label)
		}
		Expect(got).To(Equal([]string{
			"198.18.0.2 scan.tcp-syn", "198.18.0.2 tool.nmap-2.0x",
			"198.18.0.9 scan.tcp-syn", "198.18.0.9 tool.nmap-2.0x",
		}))
	})

	It("keeps the nmap 2.0x finding when OS-detection probes ride along", func() {
		s := nmap202Scan()
		os := func(port uint16, flags string, at time.Duration) pkt {
			t := wire.TCPSegment{SPort: 42565, DPort: port, Seq: 99, Flags: wire.FlagSYN, Window: 1024, Options: mss1460}
			if flags == "bogus" {
				t.Flags |= wire.FlagBogus // nmap 1998's T1 sets the reserved 0x40 bit
			}
			return pkt{t0.Add(at), ipTCP(scannerAddr, targetAddr, 51, t)}
		}
		fs, _ := detect(detector.Config{}, byTime(s.packets(), []pkt{os(22, "bogus", 10*time.Millisecond), os(33333, "", 11*time.Millisecond)}))
		Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", "tool.nmap-2.0x"}))
		Expect(fs[1].Evidence).To(ContainElement("25 of 26 probes to 198.18.1.2 carry ISN 1301162276"))
	})
})
