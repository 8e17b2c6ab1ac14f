package detector_test

import (
	"encoding/binary"
	"net/netip"
	"path/filepath"
	"regexp"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
)

// realFindings runs the detector on testdata/real/NAME.pcap.
func realFindings(name string) []detector.Finding {
	c, err := capture.ReadFile(filepath.Join("testdata", "real", name+".pcap"))
	Expect(err).NotTo(HaveOccurred())
	return detector.DetectCapture(c)
}

var _ = Describe("today's nmap -sI and -b, captured (testdata/real)", func() {
	It("reads the idle scan's zombie, target and ports, and gives the zombie nothing", func() {
		fs := realFindings("nmap-idle")
		zombie := netip.MustParseAddr("198.18.1.2")
		for _, f := range fs {
			Expect(f.Scanner).NotTo(Equal(zombie), f.Label)
		}
		f := finding(fs, "scan.idle")
		Expect(f.Targets).To(Equal([]netip.Addr{netip.MustParseAddr("198.18.1.3")}))
		Expect(f.Ports).To(Equal(12)) // -p20-30,80
		Expect(f.Attrs).To(HaveKeyWithValue("zombie_port", "80"))
		// nmap's test of the zombie: four SYN/ACKs under the target's address.
		Expect(f.Evidence).To(ContainElement(HavePrefix("4 SYN/ACKs to the zombie came under target 198.18.1.3's address")))
		// Three ports were open (22, 25, 80, as nmap printed): the
		// zombie's counter jumped while it reset the target's SYN/ACKs.
		Expect(f.Evidence).To(ContainElement(MatchRegexp(`^the counter rose by more than 1 at \d+ reads`)))
	})

	It("reads the idle scan over IPv6 off the zombie's Fragment-header identifications, and gives the zombie nothing", func() {
		c, err := capture.ReadFile(filepath.Join("testdata", "real6", "nmap6-idle.pcap"))
		Expect(err).NotTo(HaveOccurred())
		fs := detector.DetectCapture(c)
		zombie := netip.MustParseAddr("2001:2::c612:102")
		for _, f := range fs {
			Expect(f.Scanner).NotTo(Equal(zombie), f.Label)
		}
		f := finding(fs, "scan.idle")
		Expect(f.Scanner).To(Equal(netip.MustParseAddr("2001:2::c613:1")))
		Expect(f.Targets).To(Equal([]netip.Addr{netip.MustParseAddr("2001:2::c612:103")}))
		Expect(f.Ports).To(Equal(12)) // -p20-30,80
		Expect(f.Attrs).To(HaveKeyWithValue("zombie_port", "80"))
		Expect(f.Attrs).To(HaveKeyWithValue("real_source", "2001:2::c613:1"))
		Expect(f.Evidence).To(ContainElement(HavePrefix("the RSTs' Fragment-header identifications count up")))
		Expect(f.Evidence).To(ContainElement(HavePrefix("4 SYN/ACKs to the zombie came under target 2001:2::c612:103's address")))
		// 22, 25 and 80 were open (nmap6-idle.txt): the counter jumped.
		Expect(f.Evidence).To(ContainElement(MatchRegexp(`^the counter rose by more than 1 at \d+ reads`)))
		Expect(finding(fs, "tool.nmap-modern").Evidence).To(ContainElement(HavePrefix("the SYN/ACK probes of the zombie's counter carry MSS 1460 alone and window 1024, hop limit 255")))

		// The same capture with the Fragment headers taken off the
		// zombie's RSTs (a zombie without atomic fragments): no counter
		// to read, so the spoofed SYNs are the zombie's SYN scan.
		for i, p := range c.Packets {
			c.Packets[i].Data = stripAtomicFragment(p.Data)
		}
		Expect(summary(detector.DetectCapture(c))).To(Equal([]string{
			"2001:2::c612:102 scan.tcp-syn", "2001:2::c612:102 tool.nmap-modern"}))
	})

	// The same capture with the zombie's counter rewritten as other
	// stacks keep theirs (nmap's idle_scan.cc): Windows 7 and later count
	// by 2, the BSDs draw at random.
	DescribeTable("reads other zombies' Fragment-header identifications as their stacks count them",
		func(rewrite func(id uint32, i int) uint32, want ...string) {
			c, err := capture.ReadFile(filepath.Join("testdata", "real6", "nmap6-idle.pcap"))
			Expect(err).NotTo(HaveOccurred())
			for i, p := range c.Packets {
				c.Packets[i].Data = rewriteFragID(p.Data, func(id uint32) uint32 { return rewrite(id, i) })
			}
			Expect(summary(detector.DetectCapture(c))).To(Equal(want))
		},
		Entry("global, incremental by 2 (Windows 7)", func(id uint32, _ int) uint32 { return 2 * id },
			"2001:2::c613:1 scan.idle real_source=2001:2::c613:1 zombie=2001:2::c612:102", "2001:2::c613:1 tool.nmap-modern"),
		Entry("random (FreeBSD, OpenBSD): the SYNs stay the zombie's", func(_ uint32, i int) uint32 { return uint32(i) * 2654435761 },
			"2001:2::c612:102 scan.tcp-syn", "2001:2::c612:102 tool.nmap-modern"),
	)

	It("measures the jumps of a counter that moves by 2 against its own stride, not against 1", func() {
		c, err := capture.ReadFile(filepath.Join("testdata", "real6", "nmap6-idle.pcap"))
		Expect(err).NotTo(HaveOccurred())
		jumps := func(fs []detector.Finding) string {
			for _, e := range finding(fs, "scan.idle").Evidence {
				if m := regexp.MustCompile(`^the counter rose by more than .* at (\d+ reads \(\d+ packets? more in all\))`).FindStringSubmatch(e); m != nil {
					return m[1]
				}
			}
			return "no jump line"
		}
		once := jumps(detector.DetectCapture(c))
		Expect(once).To(MatchRegexp(`^\d+ reads`))
		for i, p := range c.Packets {
			c.Packets[i].Data = rewriteFragID(p.Data, func(id uint32) uint32 { return 2 * id })
		}
		fs := detector.DetectCapture(c)
		Expect(finding(fs, "scan.idle").Evidence).To(ContainElement(HavePrefix("the counter rose by more than its stride of 2 ")))
		Expect(jumps(fs)).To(Equal(once), "the same reads and packets as the counter by 1")
	})

	It("reads the bounce's open and closed ports from the server's replies", func() {
		// For port 80 the server answered 150 and 226 at once, yet nmap
		// 7.93 waited 10 s, sent ABOR and printed "filtered" (see
		// nmap-bounce.txt); the server's replies say it connected.
		f := finding(realFindings("nmap-bounce"), "scan.ftp-bounce")
		Expect(f.Attrs).To(Equal(map[string]string{"ftp_server": "198.18.1.2", "open": "3", "closed": "9"}))
		Expect(f.Ports).To(Equal(12))
		Expect(f.Targets).To(Equal([]netip.Addr{netip.MustParseAddr("198.18.1.3")}))
	})
})

// stripAtomicFragment returns an Ethernet frame's IPv6 packet without
// its Fragment header when that header is atomic (offset 0, no more
// fragments) and directly follows the fixed header; other frames as
// they are.
func stripAtomicFragment(frame []byte) []byte {
	const eth, ip6, frag = 14, 40, 44
	if len(frame) < eth+ip6+8 || frame[12] != 0x86 || frame[13] != 0xdd || frame[eth+6] != frag ||
		frame[eth+ip6+2] != 0 || frame[eth+ip6+3] != 0 {
		return frame
	}
	out := append([]byte{}, frame[:eth+ip6]...)
	out[eth+6] = frame[eth+ip6] // the Fragment header's next header
	plen := int(frame[eth+4])<<8 | int(frame[eth+5]) - 8
	out[eth+4], out[eth+5] = byte(plen>>8), byte(plen)
	return append(out, frame[eth+ip6+8:]...)
}

// rewriteFragID returns an Ethernet frame's IPv6 packet with the
// identification of a Fragment header that directly follows the fixed
// header replaced by f's; other frames as they are.
func rewriteFragID(frame []byte, f func(uint32) uint32) []byte {
	const eth, ip6, frag = 14, 40, 44
	if len(frame) < eth+ip6+8 || frame[12] != 0x86 || frame[13] != 0xdd || frame[eth+6] != frag {
		return frame
	}
	out := append([]byte{}, frame...)
	id := f(binary.BigEndian.Uint32(out[eth+ip6+4:]))
	binary.BigEndian.PutUint32(out[eth+ip6+4:], id)
	return out
}
