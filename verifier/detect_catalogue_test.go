package verifier_test

import (
	"context"
	"io"
	"os/exec"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// findingLines is one line per finding: scanner, label and the
// attributes that tell outcomes apart.
func findingLines(fs []detector.Finding, attrs ...string) []string {
	var out []string
	for _, f := range fs {
		s := f.Scanner.String() + " " + f.Label
		for _, k := range attrs {
			if v := f.Attr(k); v != "" {
				s += " " + k + "=" + v
			}
		}
		out = append(out, s)
	}
	return out
}

var detailAttrs = []string{"generation", "outcome", "attempts", "tool", "real_source"}

// gen is the generator's address in every catalogue run, as findingLines starts.
const gen = "198.18.0.2 "

// catalogueFindings is what the reference detector must report, exactly,
// for each catalogue scenario run offline: every label present is listed,
// every label not listed is absent.
var catalogueFindings = map[string][]string{
	"benign-tcp":        nil,
	"benign-monitoring": nil,
	"benign-web-dns":    nil,
	"faq-mapping-campaign": {
		gen + "campaign.sweep-then-scan",
		gen + "osdetect generation=nmap-1 outcome=retried attempts=3",       // a1, a kernel host 2.0x's database cannot name
		gen + "osdetect generation=nmap-1 outcome=fingerprinted attempts=1", // a2, IRIX 6.2
		gen + "osdetect generation=nmap-1 outcome=fingerprinted attempts=1", // b1, Linux 2.0.35
		gen + "osdetect generation=nmap-1 outcome=retried attempts=3",       // b2, a kernel host
		gen + "osdetect generation=nmap-1 outcome=fingerprinted attempts=1", // c1, Solaris 2.6
		gen + "scan.tcp-syn", gen + "seqprobe", gen + "sweep.icmp-echo", gen + "sweep.tcp-ack", gen + "tool.nmap-2.0x"},
	// The threshold pairs are for external detectors; the reference
	// detector's own threshold is MinScanPorts = 5 ports.
	"threshold-scanlogd-over":  {gen + "scan.tcp-syn", gen + "tool.nmap-2.0x"},
	"threshold-scanlogd-under": {gen + "scan.tcp-syn", gen + "tool.nmap-2.0x"},
	"threshold-snort-over":     {gen + "scan.tcp-syn", gen + "tool.nmap-2.0x"},
	"threshold-snort-under":    nil,
	"threshold-zeek-over":      {gen + "scan.tcp-syn", gen + "tool.nmap-2.0x"},
	"threshold-zeek-under":     {gen + "scan.tcp-syn", gen + "tool.nmap-2.0x"},
	"exploits-plus-linux": {gen + "campaign.exploits-plus", gen + "osdetect generation=nmap-1 outcome=fingerprinted attempts=1",
		gen + "scan.tcp-syn", gen + "seqprobe", gen + "tool.nmap-2.0x"},
	"fig1-random-scan": {gen + "campaign.random-scan", gen + "osdetect generation=nmap-1 outcome=fingerprinted attempts=1",
		gen + "scan.tcp-syn", gen + "seqprobe", gen + "tool.nmap-2.0x"},
	"fig2-syn-os-irix": {gen + "osdetect generation=nmap-1 outcome=fingerprinted attempts=1",
		gen + "scan.tcp-syn", gen + "seqprobe", gen + "tool.nmap-2.0x"},
	"fig2-syn": {gen + "scan.tcp-syn", gen + "tool.nmap-2.0x"},
	"fig45-exploits-plus": {gen + "campaign.exploits-plus", gen + "osdetect generation=nmap-1 outcome=no-open-port attempts=3",
		gen + "scan.tcp-syn", gen + "tool.nmap-2.0x"},
	"tech-connect": {gen + "scan.tcp-connect"},
	"tech-decoys": {gen + "evasion.decoy real_source=198.18.0.2", gen + "scan.tcp-syn", gen + "tool.nmap-2.0x",
		"198.18.0.7 scan.tcp-syn", "198.18.0.7 tool.nmap-2.0x", "198.18.0.9 scan.tcp-syn", "198.18.0.9 tool.nmap-2.0x"},
	"tech-fin":         {gen + "scan.tcp-fin", gen + "tool.nmap-2.0x"},
	"tech-fragments":   {gen + "evasion.fragment", gen + "scan.tcp-syn", gen + "tool.nmap-2.0x"},
	"tech-ident":       {gen + "scan.tcp-connect"},
	"tech-maimon":      nil, // FIN|ACK probes: no label of the contract names them (see the scenario)
	"tech-null":        {gen + "scan.tcp-null", gen + "tool.nmap-2.0x"},
	"tech-ping-ack":    {gen + "scan.tcp-syn", gen + "tool.nmap-2.0x"},
	"tech-ping-icmp":   {gen + "scan.tcp-syn", gen + "tool.nmap-2.0x"},
	"tech-ping-sweep":  {gen + "sweep.icmp-echo", gen + "sweep.tcp-ack", gen + "tool.nmap-2.0x"},
	"tech-ping-syn":    {gen + "scan.tcp-syn", gen + "tool.nmap-2.0x"},
	"tech-source-port": {gen + "scan.tcp-syn", gen + "tool.nmap-2.0x"},
	"tech-udp":         {gen + "scan.udp", gen + "tool.nmap-2.0x"},
	"tech-xmas":        {gen + "scan.tcp-xmas", gen + "tool.nmap-2.0x"},
}

func catalogueEntries() []TableEntry {
	all, err := scenarios.Catalogue()
	if err != nil {
		panic(err)
	}
	var es []TableEntry
	for _, s := range all {
		if !s.LiveOnly {
			es = append(es, Entry(s.Name, s.Name))
		}
	}
	return es
}

var _ = Describe("the reference detector on the catalogue (offline)", func() {
	It("has an expectation for every scenario that runs offline", func() {
		all, err := scenarios.Catalogue()
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for _, s := range all {
			if !s.LiveOnly {
				names = append(names, s.Name)
			}
		}
		Expect(names).To(ConsistOf(slices.Collect(func(yield func(string) bool) {
			for k := range catalogueFindings {
				if !yield(k) {
					return
				}
			}
		})))
	})

	DescribeTable("reports exactly the expected findings",
		func(name string) {
			s, err := scenarios.Find(name)
			Expect(err).NotTo(HaveOccurred())
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := verifier.Run(ctx, s, true)
			Expect(err).NotTo(HaveOccurred())
			Expect(findingLines(res.Findings, detailAttrs...)).To(Equal(catalogueFindings[name]))
			for _, f := range res.Findings {
				Expect(f.Evidence).NotTo(BeEmpty(), f.Label)
			}
		},
		catalogueEntries(),
	)
})

var _ = Describe("the reference detector live", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	It("reports nmap 2.02's FTP bounce scan from the control connection alone", func() {
		s, err := scenarios.Find("tech-ftp-bounce")
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		res, err := verifier.Run(ctx, s, false)
		Expect(err).NotTo(HaveOccurred())
		Expect(findingLines(res.Findings)).To(Equal([]string{gen + "scan.ftp-bounce"}))
		b := res.Findings[0]
		Expect(b.Targets).To(HaveLen(1))
		Expect(b.Targets[0].String()).To(Equal("198.18.1.3"))
		Expect(b.Ports).To(Equal(12))
		Expect(b.Attrs).To(Equal(map[string]string{"ftp_server": "198.18.1.2", "open": "3", "closed": "9"}))
	})
})

// Today's scanners, captured now in fresh labs. CI must have Debian's
// nmap, masscan and hping3 installed (.ci/run); this spec installs
// nothing and fails when they are missing. osdetect's outcome and
// attempts depend on how today's nmap judges the match, so only its
// generation is pinned here (the files in detector/testdata/real pin all).
// Timing options (-T5, --max-os-tries 1) only keep the spec short: they
// change no probe's shape.
var _ = Describe("the reference detector on today's scanners, captured live", Label("root"), func() {
	BeforeEach(func() {
		netnstest.RequireRoot()
		for _, tool := range []string{"nmap", "masscan", "hping3", "curl", "dig"} {
			_, err := exec.LookPath(tool)
			Expect(err).NotTo(HaveOccurred(), "%s is not installed: .ci/run must apt-get install nmap masscan hping3 curl dnsutils", tool)
		}
	})

	const me = "198.19.0.1 "
	DescribeTable("yields the technique and the tool, never nmap 2.0x",
		func(scenario string, argv []string, want ...string) {
			s, err := scenarios.Find(scenario)
			Expect(err).NotTo(HaveOccurred())
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			c, err := verifier.RunExternal(ctx, s, argv, io.Discard, io.Discard)
			Expect(err).NotTo(HaveOccurred())
			Expect(c.Dropped).To(BeZero())
			got := findingLines(detector.DetectCapture(c), "generation", "tool", "real_source")
			if len(want) == 0 { // ordinary traffic: there was traffic, and nothing was found in it
				Expect(len(c.Packets)).To(BeNumerically(">=", 12), "too little traffic to prove anything")
				Expect(got).To(BeEmpty())
				return
			}
			Expect(got).To(Equal(want))
		},
		Entry("nmap -sS", "fig2-syn", []string{"nmap", "-n", "-sS", "-Pn", "-p1-100", "{victim}"}, me+"scan.tcp-syn", me+"tool.nmap-modern"),
		Entry("nmap -sT", "fig2-syn", []string{"nmap", "-n", "-sT", "-Pn", "-p1-100", "{victim}"}, me+"scan.tcp-connect", me+"tool.nmap-modern"),
		Entry("nmap -sF", "fig2-syn", []string{"nmap", "-n", "-sF", "-Pn", "-p1-100", "{victim}"}, me+"scan.tcp-fin", me+"tool.nmap-modern"),
		Entry("nmap -sX", "fig2-syn", []string{"nmap", "-n", "-sX", "-Pn", "-p1-100", "{victim}"}, me+"scan.tcp-xmas", me+"tool.nmap-modern"),
		Entry("nmap -sN", "fig2-syn", []string{"nmap", "-n", "-sN", "-Pn", "-p1-100", "{victim}"}, me+"scan.tcp-null", me+"tool.nmap-modern"),
		Entry("nmap -sA", "fig2-syn", []string{"nmap", "-n", "-sA", "-Pn", "-p1-100", "{victim}"}, me+"scan.tcp-ack", me+"tool.nmap-modern"),
		Entry("nmap -sU", "tech-udp", []string{"nmap", "-n", "-sU", "-T5", "-Pn", "-p1-100", "{victim}"}, me+"scan.udp", me+"tool.nmap-modern"),
		Entry("nmap -O", "fig2-syn", []string{"nmap", "-n", "-O", "--max-os-tries", "1", "-Pn", "-p1-100", "{victim}"},
			me+"osdetect generation=nmap-2", me+"scan.tcp-syn", me+"seqprobe", me+"tool.nmap-modern"),
		Entry("nmap -f", "fig2-syn", []string{"nmap", "-n", "-f", "-sS", "-Pn", "-p1-100", "{victim}"},
			me+"evasion.fragment", me+"scan.tcp-syn", me+"tool.nmap-modern"),
		Entry("nmap -D", "fig2-syn", []string{"nmap", "-n", "-sS", "-Pn", "-D", "198.18.0.7,ME", "-p1-100", "{victim}"},
			"198.18.0.7 scan.tcp-syn", "198.18.0.7 tool.nmap-modern", me+"evasion.decoy real_source=198.19.0.1", me+"scan.tcp-syn", me+"tool.nmap-modern"),
		Entry("nmap -sn", "tech-ping-sweep", []string{"nmap", "-n", "-sn", "-T5", "198.18.1.0/28"},
			me+"sweep.icmp-echo", me+"sweep.tcp-ack", me+"tool.nmap-modern"),
		Entry("masscan", "fig2-syn", []string{"masscan", "{victim}", "-p1-100", "--rate", "1000", "--wait", "1", "--interface", "siglab-up0", "--router-ip", "198.19.0.2"},
			me+"scan.tcp-syn", me+"tool.other tool=masscan"),
		Entry("hping3", "fig2-syn", []string{"hping3", "-S", "-p", "++1", "-c", "50", "-i", "u2000", "{victim}"},
			me+"scan.tcp-syn", me+"tool.other tool=hping3"),
		// -sV's probes (--version-light: the lab's servers answer every
		// probe with a line nmap cannot match, so the full battery waits
		// out each probe, 150 s) and -sC's scripts on a web port.
		Entry("nmap -sV", "tech-connect", []string{"nmap", "-n", "-sV", "--version-light", "-Pn", "-p22,80,443", "{victim}"},
			me+"service.version-probe"),
		Entry("nmap -sV of 100 ports", "tech-connect", []string{"nmap", "-n", "-sV", "--version-light", "-Pn", "-p1-100", "{victim}"},
			me+"scan.tcp-syn", me+"service.version-probe", me+"tool.nmap-modern"),
		Entry("nmap -sC", "tech-connect", []string{"nmap", "-n", "-sC", "-Pn", "-p80", "{victim}"},
			me+"service.script"),
		// Ordinary clients: today's kernel's connections and a resolver's
		// lookups. The lab's TCP servers answer a line and keep the
		// connection open, so curl reads it as HTTP/0.9 until its timeout.
		Entry("ordinary HTTP connections (curl)", "benign-web-dns",
			[]string{"sh", "-c", "for i in 1 2 3 4 5 6; do curl -s --http0.9 --max-time 0.3 -o /dev/null http://{www}/ ; curl -sk --max-time 0.3 -o /dev/null https://{www}/ ; done; true"}),
		// What service probing could be mistaken for: HTTP/1.0 requests
		// (with Host and User-Agent), TLS 1.2 and 1.3 hellos, and a
		// connection left silent until the server closes it.
		Entry("ordinary HTTP/1.0, TLS and idle connections (curl)", "benign-web-dns",
			[]string{"sh", "-c", "for i in 1 2 3; do curl -s -0 --http0.9 --max-time 0.3 -o /dev/null http://{www}/ ; curl -sk --tlsv1.2 --tls-max 1.2 --max-time 0.3 -o /dev/null https://{www}/ ; curl -sk --tlsv1.3 --max-time 0.3 -o /dev/null https://{www}/ ; done; sleep 6 | curl -s --max-time 7 telnet://{www}:80 >/dev/null; true"}),
		Entry("ordinary DNS lookups (dig)", "benign-web-dns",
			[]string{"sh", "-c", "for n in www mail ftp ns1 intranet vpn; do dig +tries=1 +time=1 @{ns} $n.example.lab A; done"}),
	)
})
