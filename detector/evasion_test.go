package detector_test

import (
	"net/netip"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire/wiretest"
)

// fragmented replaces every probe the scanner sends in ps (not its
// RSTs) by fragments whose first holds n transport bytes.
func fragmented(ps []pkt, n int) []pkt {
	var out []pkt
	for _, p := range ps {
		if netip.AddrFrom4([4]byte(p.data[12:16])) != scannerAddr || p.data[33]&0x04 != 0 {
			out = append(out, p)
			continue
		}
		for _, f := range wiretest.Fragments(p.data, n) {
			out = append(out, pkt{p.at, f})
		}
	}
	return out
}

var (
	decoy1 = netip.MustParseAddr("198.18.0.7")
	decoy2 = netip.MustParseAddr("198.18.0.9")
)

// withDecoys adds, before each probe of the scanner in ps, a copy from
// each decoy address; decoys never answer SYN/ACKs.
func withDecoys(ps []pkt, decoys ...netip.Addr) []pkt {
	var out []pkt
	for _, p := range ps {
		if netip.AddrFrom4([4]byte(p.data[12:16])) == scannerAddr && p.data[33]&0x04 == 0 {
			for _, d := range decoys {
				c := slices.Clone(p.data)
				a := d.As4()
				copy(c[12:16], a[:])
				out = append(out, pkt{p.at, c})
			}
		}
		out = append(out, p)
	}
	return out
}

var _ = Describe("evasion.fragment", func() {
	It("rebuilds nmap 2.02's -f probes (16 + 4 TCP bytes) and reports the SYN scan inside", func() {
		s := nmap202Scan()
		s.window = 2048
		fs, d := detect(detector.Config{}, fragmented(s.packets(), 16))
		Expect(labels(fs)).To(Equal([]string{"evasion.fragment", "scan.tcp-syn", "tool.nmap-2.0x"}))
		fr := fs[0]
		Expect(fr.Packets).To(Equal(25))
		Expect(fr.Ports).To(Equal(25))
		Expect(fr.Attrs).To(Equal(map[string]string{"first_fragment_bytes": "16", "fragments": "2"}))
		Expect(fr.Evidence).To(ContainElements(
			"25 packets arrived as IP fragments whose first fragment held only 16 transport bytes, less than the header",
			"rebuilt: SYN probes to 25 ports of 1 target",
		))
		Expect(finding(fs, "scan.tcp-syn").Attr("open")).To(Equal("9"))
		Expect(fs[2].Evidence).To(ContainElements(
			"TTL 51 at the sensor; window 2048 is the one nmap 2.0x's -f path (send_small_fragz) fixes",
			"each probe split into 16 + 4 TCP bytes (IP lengths 36 and 24): nmap 2.0x's -f; today's nmap cuts 8-byte fragments",
		))
		Expect(d.Stats().FragmentsLost).To(BeZero())
	})

	It("reports today's nmap -f (8-byte first fragments) as today's nmap", func() {
		s := nmap202Scan()
		s.opts, s.ttl = mss1460, 44
		fs, _ := detect(detector.Config{}, fragmented(s.packets(), 8))
		Expect(labels(fs)).To(Equal([]string{"evasion.fragment", "scan.tcp-syn", "tool.nmap-modern"}))
		Expect(fs[0].Attr("first_fragment_bytes")).To(Equal("8"))
	})

	It("does not flag fragments that carry the whole header", func() {
		u := nmap202UDP()
		u.payload = func(uint16) []byte { return make([]byte, 16) }
		var ps []pkt
		for _, p := range u.packets() {
			if p.data[9] != 17 {
				ps = append(ps, p)
				continue
			}
			for _, f := range wiretest.Fragments(p.data, 8) { // the whole UDP header, then the payload
				ps = append(ps, pkt{p.at, f})
			}
		}
		fs, _ := detect(detector.Config{}, ps)
		Expect(labels(fs)).To(Equal([]string{"scan.udp"}))
	})

	It("rebuilds fragments that arrive last first", func() {
		var ps []pkt
		for _, p := range fragmented(nmap202Scan().packets(), 16) {
			ps = append(ps, p)
			if n := len(ps); n >= 2 && ps[n-2].data[6] == 0x20 && ps[n-1].data[6] == 0 && ps[n-1].data[7] == 2 {
				ps[n-2], ps[n-1] = ps[n-1], ps[n-2]
			}
		}
		fs, _ := detect(detector.Config{}, ps)
		Expect(labels(fs)).To(ContainElements("evasion.fragment", "scan.tcp-syn"))
	})

	It("loses nothing but the fragments pushed out of its bounded table", func() {
		d := detector.New(detector.Config{})
		for i := range 1000 {
			// First fragments only, of 1000 different packets: never whole.
			f := wiretest.Fragments(floodSYN(i), 16)[0]
			d.Packet(t0, f)
		}
		Expect(d.Findings()).To(BeEmpty())
		Expect(d.Stats().FragmentsLost).To(BeNumerically(">", 700))
	})
})

var _ = Describe("evasion.decoy", func() {
	It("groups the sources of identical probes and names the one that answers SYN/ACKs", func() {
		fs, _ := detect(detector.Config{}, withDecoys(nmap202Scan().packets(), decoy1, decoy2))
		Expect(labelsOf(fs)).To(Equal([]string{
			"198.18.0.2 evasion.decoy", "198.18.0.2 scan.tcp-syn", "198.18.0.2 tool.nmap-2.0x",
			"198.18.0.7 scan.tcp-syn", "198.18.0.7 tool.nmap-2.0x",
			"198.18.0.9 scan.tcp-syn", "198.18.0.9 tool.nmap-2.0x",
		}))
		dec := fs[0]
		Expect(dec.Attrs).To(Equal(map[string]string{"real_source": "198.18.0.2", "sources": "3"}))
		Expect(dec.Targets).To(Equal([]netip.Addr{targetAddr}))
		Expect(dec.Evidence).To(ContainElements(
			"identical probes (same destination, source port and sequence number) from 3 sources: 198.18.0.2, 198.18.0.7, 198.18.0.9; 50 copies paired within 1.000 s",
			"only 198.18.0.2 answered the targets' SYN/ACKs with RST: it is the real scanner, the others decoys",
		))
	})

	It("says when the wire does not tell the real source", func() {
		fs, _ := detect(detector.Config{}, withDecoys(nmap202Stealth(finFlags).packets(), decoy1))
		dec := finding(fs, "evasion.decoy")
		Expect(dec.Scanner).To(Equal(scannerAddr)) // the lowest address leads
		Expect(dec.Attrs).To(Equal(map[string]string{"sources": "2"}))
		Expect(dec.Evidence).To(ContainElement("no single source answered the targets' SYN/ACKs: the wire does not tell which source is real"))
	})

	It("does not pair probes further apart than DecoyWindow", func() {
		late := nmap202Scan()
		late.src, late.start = decoy1, t0.Add(3*1e9)
		fs, _ := detect(detector.Config{}, byTime(nmap202Scan().packets(), late.packets()))
		Expect(labels(fs)).NotTo(ContainElement("evasion.decoy"))
	})
})
