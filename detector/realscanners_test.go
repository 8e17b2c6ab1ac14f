package detector_test

import (
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
)

// summary is one line per finding: scanner, label and the attributes
// that tell outcomes apart (osdetect's generation, outcome and attempts,
// the other tool's name, the decoys' real source).
func summary(fs []detector.Finding) []string {
	var out []string
	for _, f := range fs {
		s := f.Scanner.String() + " " + f.Label
		for _, k := range []string{"generation", "outcome", "attempts", "tool", "real_source"} {
			if v := f.Attr(k); v != "" {
				s += " " + k + "=" + v
			}
		}
		out = append(out, s)
	}
	return out
}

// Today's scanners as captured in siglab labs by
// scripts/capture-real-scanners.sh (Debian's nmap 7.93, masscan 1.3.2,
// hping3 3.0.0-alpha-2), from the scanner namespace's address 198.19.0.1.
// Each file must yield exactly these findings: every technique, the right
// tool, and never tool.nmap-2.0x.
var _ = Describe("real scanners' captures (testdata/real)", func() {
	const me = "198.19.0.1 "
	DescribeTable("yield exactly the expected findings",
		func(file string, want ...string) {
			c, err := capture.ReadFile(filepath.Join("testdata", "real", file+".pcap"))
			Expect(err).NotTo(HaveOccurred())
			fs := detector.DetectCapture(c)
			Expect(summary(fs)).To(Equal(want))
			for _, f := range fs {
				Expect(f.Label).NotTo(Equal("tool.nmap-2.0x"), "today's scanners must never be called nmap 2.0x")
				Expect(f.Evidence).NotTo(BeEmpty())
				for _, e := range f.Evidence {
					Expect(strings.TrimSpace(e)).To(Equal(e))
				}
			}
		},
		Entry("nmap -sS", "nmap-syn", me+"scan.tcp-syn", me+"tool.nmap-modern"),
		Entry("nmap -sT", "nmap-connect", me+"scan.tcp-connect", me+"tool.nmap-modern"),
		Entry("nmap -sF", "nmap-fin", me+"scan.tcp-fin", me+"tool.nmap-modern"),
		Entry("nmap -sX", "nmap-xmas", me+"scan.tcp-xmas", me+"tool.nmap-modern"),
		Entry("nmap -sN", "nmap-null", me+"scan.tcp-null", me+"tool.nmap-modern"),
		Entry("nmap -sA", "nmap-ack", me+"scan.tcp-ack", me+"tool.nmap-modern"),
		Entry("nmap -sU", "nmap-udp", me+"scan.udp", me+"tool.nmap-modern"),
		Entry("nmap -O against a Linux kernel", "nmap-os",
			me+"osdetect generation=nmap-2 outcome=retried attempts=5", me+"scan.tcp-syn", me+"seqprobe", me+"tool.nmap-modern"),
		Entry("nmap -O against emulated IRIX 6.2", "nmap-os-irix",
			me+"osdetect generation=nmap-2 outcome=retried attempts=5", me+"scan.tcp-syn", me+"seqprobe", me+"tool.nmap-modern"),
		Entry("nmap -f", "nmap-frag", me+"evasion.fragment", me+"scan.tcp-syn", me+"tool.nmap-modern"),
		Entry("nmap -D 198.18.0.7,ME", "nmap-decoy",
			"198.18.0.7 scan.tcp-syn", "198.18.0.7 tool.nmap-modern",
			me+"evasion.decoy real_source=198.19.0.1", me+"scan.tcp-syn", me+"tool.nmap-modern"),
		Entry("nmap -sn of a /28", "nmap-sweep", me+"sweep.icmp-echo", me+"sweep.tcp-ack", me+"tool.nmap-modern"),
		// -sV's SYN scan of three ports is below the scan thresholds.
		Entry("nmap -sV -p22,80,443", "nmap-sv", me+"service.script", me+"service.version-probe"),
		Entry("nmap -sV --version-light -p1-100", "nmap-sv-light", me+"scan.tcp-syn", me+"service.version-probe", me+"tool.nmap-modern"),
		Entry("nmap -sV --version-all -p80", "nmap-sv-all", me+"service.script", me+"service.version-probe"),
		Entry("nmap -sC -p80", "nmap-sc", me+"service.script"),
		Entry("masscan", "masscan", me+"scan.tcp-syn", me+"tool.other tool=masscan"),
		Entry("hping3 -S -p ++1", "hping3-syn", me+"scan.tcp-syn", me+"tool.other tool=hping3"),
	)
})
