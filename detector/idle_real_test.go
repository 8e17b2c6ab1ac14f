package detector_test

import (
	"net/netip"
	"path/filepath"

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
