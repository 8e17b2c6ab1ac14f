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
// the other tool's name and, for an unknown one, the features seen, the
// decoys' real source, a slow scan's pace).
func summary(fs []detector.Finding) []string {
	var out []string
	for _, f := range fs {
		s := f.Scanner.String() + " " + f.Label
		for _, k := range []string{"generation", "outcome", "attempts", "name", "features", "real_source", "zombie", "flags", "median_gap"} {
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
// zmap 2.1.1, hping3 3.0.0-alpha-2), from the scanner namespace's address
// 198.19.0.1.
// Each file must yield exactly these findings: every technique, the right
// tool, and never tool.nmap-2.0x.
var _ = Describe("real scanners' captures (testdata/real)", func() {
	const me = "198.19.0.1 "
	DescribeTable("yield exactly the expected findings",
		func(file string, want ...string) {
			expectRealFindings(filepath.Join("testdata", "real", file+".pcap"), want)
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
		Entry("masscan", "masscan", me+"scan.tcp-syn", me+"tool.other name=masscan"),
		Entry("hping3 -S -p ++1", "hping3-syn", me+"scan.tcp-syn", me+"tool.other name=hping3"),
		// Small scans of one host, named by their probes.
		Entry("nmap -sS -Pn -p22", "nmap-syn-1port", me+"scan.tcp-syn", me+"tool.nmap-modern"),
		Entry("nmap -sS -p22,80,443 (with host discovery)", "nmap-syn-3ports", me+"scan.tcp-syn", me+"tool.nmap-modern"),
		Entry("masscan -p80", "masscan-1port", me+"scan.tcp-syn", me+"tool.other name=masscan"),
		Entry("masscan -p22 (open)", "masscan-open", me+"scan.tcp-syn", me+"tool.other name=masscan"),
		Entry("zmap -p 80", "zmap-1port", me+"scan.tcp-syn", me+"tool.other name=zmap"),
		Entry("zmap -p 22 (open)", "zmap-open", me+"scan.tcp-syn", me+"tool.other name=zmap"),
		Entry("hping3 -S -p 80 -c 3", "hping3-1port", me+"scan.tcp-syn", me+"tool.other name=hping3"),
		Entry("hping3 -S -p 22 -c 3 (open)", "hping3-open", me+"scan.tcp-syn", me+"tool.other name=hping3"),
		// hping3 away from its defaults: no known template, so the
		// features seen name it.
		Entry("hping3 -S -p ++1 -w 8192 -N 4321", "hping3-custom", me+"scan.tcp-syn",
			me+"tool.other name=unknown features=no-tcp-options,ip-id=4321,window=8192,ttl=64,sport+1"),
		// Ordinary clients: no finding.
		Entry("a browser-like burst of connections to one host (curl)", "benign-burst"),
		Entry("nc -z-like connects to three ports", "benign-connect"),
		// -sI through an emulated IRIX 6.2 zombie (198.18.1.2): the scan is
		// the real scanner's, never a SYN scan from the zombie.
		Entry("nmap -sI zombie", "nmap-idle", me+"scan.idle real_source=198.19.0.1 zombie=198.18.1.2", me+"tool.nmap-modern"),
		Entry("nmap -sI through a Windows NT 4 zombie", "nmap-idle-nt", me+"scan.idle real_source=198.19.0.1 zombie=198.18.1.4", me+"tool.nmap-modern"),
		// -b through tech-ftp-bounce's FTP server: the control dialogue is
		// 2.02's, so no tool label.
		Entry("nmap -b user:pass@ftp", "nmap-bounce", me+"scan.ftp-bounce"),
		Entry("nmap -sM", "nmap-maimon", me+"scan.tcp-maimon", me+"tool.nmap-modern"),
		// -sW sends -sA's probes byte for byte: the same labels, by design.
		Entry("nmap -sW", "nmap-window", me+"scan.tcp-ack", me+"tool.nmap-modern"),
		Entry("nmap --scanflags SYNFIN", "nmap-scanflags-synfin", me+"scan.tcp-custom flags=SF", me+"tool.nmap-modern"),
		Entry("nmap --scanflags URGACKPSHRSTSYNFIN", "nmap-scanflags-all", me+"scan.tcp-custom flags=UAPRSF", me+"tool.nmap-modern"),
		Entry("nmap -sO", "nmap-ipproto", me+"scan.ip-protocol", me+"tool.nmap-modern"),
		Entry("nmap -sY against a kernel without SCTP", "nmap-sctp-init", me+"scan.sctp-init", me+"tool.nmap-modern"),
		Entry("nmap -sZ against a kernel without SCTP", "nmap-sctp-cookie", me+"scan.sctp-cookie", me+"tool.nmap-modern"),
		// Today's -sn sends an echo, a timestamp request, a SYN to 443 and
		// an ACK to 80; the three hosts up answer the echo first.
		Entry("nmap -sn of a /28", "nmap-sweep",
			me+"sweep.icmp-echo", me+"sweep.icmp-timestamp", me+"sweep.tcp-ack", me+"sweep.tcp-syn", me+"tool.nmap-modern"),
		// Host discovery of today's nmap, one probe type at a time, over a
		// /28 with three hosts up. -PO's default protocols are ICMP (an
		// echo request), IGMP and IP-in-IP.
		Entry("nmap -sn -PE", "nmap-ping-echo", me+"sweep.icmp-echo"),
		Entry("nmap -sn -PP", "nmap-ping-timestamp", me+"sweep.icmp-timestamp"),
		Entry("nmap -sn -PM", "nmap-ping-netmask", me+"sweep.icmp-netmask"),
		Entry("nmap -sn -PS22,80", "nmap-ping-syn", me+"sweep.tcp-syn"),
		Entry("nmap -sn -PA80", "nmap-ping-ack", me+"sweep.tcp-ack"),
		Entry("nmap -sn -PU53", "nmap-ping-udp", me+"sweep.udp"),
		Entry("nmap -sn -PY", "nmap-ping-sctp", me+"sweep.sctp-init"),
		Entry("nmap -sn -PO", "nmap-ping-proto", me+"sweep.icmp-echo", me+"sweep.ip-protocol"),
		// Horizontal and block scans.
		Entry("nmap -sU -Pn -p53,161 of a /28", "nmap-udp-sweep", me+"sweep.udp"),
		Entry("nmap -sS -Pn -p20-30 of a /28: a port scan and a sweep", "nmap-block", me+"scan.tcp-syn", me+"sweep.tcp-syn", me+"tool.nmap-modern"),
		Entry("masscan -p80 of a /24", "masscan-sweep", me+"sweep.tcp-syn", me+"tool.other name=masscan"),
		Entry("zmap -p80 of a /24", "zmap-sweep", me+"sweep.tcp-syn", me+"tool.other name=zmap"),
		// -T1: 15 s between probes, 12 ports in 3 minutes.
		Entry("nmap -T1", "nmap-slow-t1", me+"scan.tcp-syn median_gap=15s", me+"tool.nmap-modern"),
		// Service and version probing (-sV) and scripts (-sC).
		// -sV and -sC imply -sS (as root): its SYNs name nmap at any size.
		Entry("nmap -sV -p22,80,443", "nmap-sv", me+"scan.tcp-syn", me+"service.script", me+"service.version-probe", me+"tool.nmap-modern"),
		Entry("nmap -sV --version-light -p1-100", "nmap-sv-light", me+"scan.tcp-syn", me+"service.version-probe", me+"tool.nmap-modern"),
		Entry("nmap -sV --version-all -p80", "nmap-sv-all", me+"scan.tcp-syn", me+"service.script", me+"service.version-probe", me+"tool.nmap-modern"),
		Entry("nmap -sT -sV --version-light -p1-100", "nmap-connect-sv", me+"scan.tcp-connect", me+"service.version-probe", me+"tool.nmap-modern"),
		Entry("nmap -sC -p80", "nmap-sc", me+"scan.tcp-syn", me+"service.script", me+"tool.nmap-modern"),
	)
})

// expectRealFindings reads a real scanner's capture and checks that the
// detector finds exactly want (summary form), or nothing at all in
// ordinary traffic with enough packets to prove it; that today's scanners
// are never called nmap 2.0x; and that every finding has evidence in
// trimmed lines. It returns the findings for further checks.
func expectRealFindings(path string, want []string) []detector.Finding {
	c, err := capture.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	fs := detector.DetectCapture(c)
	if len(want) == 0 { // ordinary traffic: there was traffic, and nothing was found in it
		Expect(len(c.Packets)).To(BeNumerically(">=", 12), "too little traffic to prove anything")
		Expect(fs).To(BeEmpty())
		return nil
	}
	Expect(summary(fs)).To(Equal(want))
	for _, f := range fs {
		Expect(f.Label).NotTo(Equal("tool.nmap-2.0x"), "today's scanners must never be called nmap 2.0x")
		Expect(f.Evidence).NotTo(BeEmpty())
		for _, e := range f.Evidence {
			Expect(strings.TrimSpace(e)).To(Equal(e))
		}
	}
	return fs
}
