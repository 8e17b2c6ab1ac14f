package verifier_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

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

var detailAttrs = []string{"generation", "outcome", "attempts", "name", "real_source"}

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
	"tech-maimon":      {gen + "scan.tcp-maimon", gen + "tool.nmap-2.0x"}, // FIN|ACK with seq 0 and ack 0: 2.0x's stealth probe
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
// zmapInLab runs zmap ("$@" its arguments) in the scanner namespace:
// zmap reads no ARP of its own, so it is given the MAC of the sensor's
// end of the veth (the gateway 198.19.0.2, read from the peer namespace),
// and an empty blocklist in place of /etc/zmap/blacklist.conf, which lists
// 198.18.0.0/15; the entries name one lab host as the only target.
const zmapInLab = `ns=$(ip -o link show siglab-up0 | sed -n "s/.*link-netns \([^ ]*\).*/\1/p")
peer=$(ip -o link show siglab-up0 | sed -n "s/^[0-9]*: siglab-up0@if\([0-9]*\):.*/\1/p")
mac=$(ip -n "$ns" -o link show | awk -v i="$peer" -F": " "\$1==i" | sed -n "s/.*link\/ether \([0-9a-f:]*\).*/\1/p")
[ -n "$mac" ] || { echo "zmap: no gateway MAC for siglab-up0" >&2; exit 2; }
exec zmap -i siglab-up0 -G "$mac" -b /dev/null "$@"`

// zmapSweep is zmap -p80 over 198.18.1.0/24 from the scanner namespace, as
// scripts/capture-real-scanners.sh runs it: zmap reads its gateway's MAC
// from the neighbour table, so one datagram to the router fills it; its
// default blocklist lists 198.18.0.0/15, so it gets an empty one, and the
// allowlist is the /24 alone, with no other target.
const zmapSweep = `bl=$(mktemp) al=$(mktemp); echo 198.18.1.0/24 >"$al"
echo >/dev/udp/198.19.0.2/9; sleep 0.2
gw=$(ip neigh show 198.19.0.2 dev siglab-up0 | awk "{print \$3}")
zmap -q -p 80 -b "$bl" -w "$al" -i siglab-up0 -G "$gw" -r 1000 -c 1; rc=$?
rm -f "$bl" "$al"; exit $rc`

// monitored are benign-monitoring's eight hosts.
const monitored = "{victim} {host2} {host3} {host4} {host5} {host6} {host7} {host8}"

var _ = Describe("the reference detector on today's scanners, captured live", Label("root"), func() {
	BeforeEach(func() {
		netnstest.RequireRoot()
		for _, tool := range []string{"nmap", "masscan", "zmap", "hping3", "curl", "dig", "ping", "bash"} {
			_, err := exec.LookPath(tool)
			Expect(err).NotTo(HaveOccurred(), "%s is not installed: .ci/run must apt-get install nmap masscan zmap hping3 curl dnsutils iputils-ping", tool)
		}
	})

	const me = "198.19.0.1 "
	// me6 is the scanner namespace's IPv6 address (198.19.0.1's).
	const me6 = "2001:2::c613:1 "
	DescribeTable("yields the technique and the tool, never nmap 2.0x",
		func(scenario string, argv []string, want ...string) {
			ss, err := scenarios.Resolve(scenario) // a catalogue name, or a capture lab under testdata/
			Expect(err).NotTo(HaveOccurred())
			Expect(ss).To(HaveLen(1))
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			c, err := verifier.RunExternal(ctx, ss[0], argv, io.Discard, io.Discard)
			Expect(err).NotTo(HaveOccurred())
			Expect(c.Dropped).To(BeZero())
			got := findingLines(detector.DetectCapture(c), "generation", "name", "features", "real_source", "zombie", "flags")
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
		// Today's -sn: an echo, a timestamp request, a SYN to 443 and an
		// ACK to 80 per host; the three hosts up answer the echo first.
		Entry("nmap -sn", "tech-ping-sweep", []string{"nmap", "-n", "-sn", "-T5", "198.18.1.0/28"},
			me+"sweep.icmp-echo", me+"sweep.icmp-timestamp", me+"sweep.tcp-ack", me+"sweep.tcp-syn", me+"tool.nmap-modern"),
		// Today's other scan types (detector/scantypes.go, ipproto.go,
		// sctp.go). Every Maimon probe gets a RST from the Linux victim.
		Entry("nmap -sM", "fig2-syn", []string{"nmap", "-n", "-sM", "-Pn", "-p1-100", "{victim}"}, me+"scan.tcp-maimon", me+"tool.nmap-modern"),
		Entry("nmap -f -sM", "fig2-syn", []string{"nmap", "-n", "-f", "-sM", "-Pn", "-p1-100", "{victim}"},
			me+"evasion.fragment", me+"scan.tcp-maimon", me+"tool.nmap-modern"),
		// -sW sends -sA's ACKs (the spec below compares them): the wire
		// cannot tell the two apart, so -sW is labelled as -sA is.
		Entry("nmap -sW", "fig2-syn", []string{"nmap", "-n", "-sW", "-Pn", "-p1-100", "{victim}"}, me+"scan.tcp-ack", me+"tool.nmap-modern"),
		Entry("nmap --scanflags SYNFIN", "fig2-syn", []string{"nmap", "-n", "--scanflags", "SYNFIN", "-Pn", "-p1-100", "{victim}"},
			me+"scan.tcp-custom flags=SF", me+"tool.nmap-modern"),
		// Linux drops SYN|RST segments: every probe goes unanswered, so no
		// retries keeps the run short.
		Entry("nmap --scanflags URGACKPSHRSTSYNFIN", "fig2-syn", []string{"nmap", "-n", "--scanflags", "URGACKPSHRSTSYNFIN", "--max-retries", "0", "-Pn", "-p1-100", "{victim}"},
			me+"scan.tcp-custom flags=UAPRSF", me+"tool.nmap-modern"),
		// The victim is a kernel host; the lab's kernel has no SCTP, so
		// -sO's SCTP probe, -sY and -sZ get ICMP protocol unreachable (as
		// far as the kernel's ICMP rate limit lets them): the scans are
		// labelled from the probes either way.
		Entry("nmap -sO", "fig2-syn", []string{"nmap", "-n", "-sO", "-Pn", "{victim}"}, me+"scan.ip-protocol", me+"tool.nmap-modern"),
		Entry("nmap -sY", "fig2-syn", []string{"nmap", "-n", "-sY", "-Pn", "-p1-100", "{victim}"}, me+"scan.sctp-init", me+"tool.nmap-modern"),
		Entry("nmap -sZ", "fig2-syn", []string{"nmap", "-n", "-sZ", "-Pn", "-p1-100", "{victim}"}, me+"scan.sctp-cookie", me+"tool.nmap-modern"),
		Entry("masscan", "fig2-syn", []string{"masscan", "{victim}", "-p1-100", "--rate", "1000", "--wait", "1", "--interface", "siglab-up0", "--router-ip", "198.19.0.2"},
			me+"scan.tcp-syn", me+"tool.other name=masscan"),
		Entry("hping3", "fig2-syn", []string{"hping3", "-S", "-p", "++1", "-c", "50", "-i", "u2000", "{victim}"},
			me+"scan.tcp-syn", me+"tool.other name=hping3"),
		// Small scans of one host: one to four ports, named by their probes.
		Entry("nmap -sS -Pn -p22", "fig2-syn", []string{"nmap", "-n", "-sS", "-Pn", "-p22", "{victim}"},
			me+"scan.tcp-syn", me+"tool.nmap-modern"),
		Entry("nmap -sS -p22,80,443 (with host discovery)", "fig2-syn", []string{"nmap", "-n", "-sS", "-p22,80,443", "{victim}"},
			me+"scan.tcp-syn", me+"tool.nmap-modern"),
		Entry("masscan -p80", "fig2-syn", []string{"masscan", "{victim}", "-p80", "--rate", "100", "--wait", "1", "--interface", "siglab-up0", "--router-ip", "198.19.0.2"},
			me+"scan.tcp-syn", me+"tool.other name=masscan"),
		Entry("masscan -p22 (open)", "fig2-syn", []string{"masscan", "{victim}", "-p22", "--rate", "100", "--wait", "1", "--interface", "siglab-up0", "--router-ip", "198.19.0.2"},
			me+"scan.tcp-syn", me+"tool.other name=masscan"),
		Entry("zmap -p 80", "fig2-syn", []string{"sh", "-c", zmapInLab, "zmap", "-p", "80", "{victim}/32"},
			me+"scan.tcp-syn", me+"tool.other name=zmap"),
		Entry("zmap -p 22 (open)", "fig2-syn", []string{"sh", "-c", zmapInLab, "zmap", "-p", "22", "{victim}/32"},
			me+"scan.tcp-syn", me+"tool.other name=zmap"),
		Entry("hping3 -S -p 80 -c 3", "fig2-syn", []string{"hping3", "-S", "-p", "80", "-c", "3", "-i", "u200000", "{victim}"},
			me+"scan.tcp-syn", me+"tool.other name=hping3"),
		Entry("hping3 -S -p ++1 -w 8192 -N 4321 (no known template)", "fig2-syn", []string{"hping3", "-S", "-p", "++1", "-c", "12", "-i", "u20000", "-w", "8192", "-N", "4321", "{victim}"},
			me+"scan.tcp-syn", me+"tool.other name=unknown features=no-tcp-options,ip-id=4321,window=8192,ttl=64,sport+1"),
		Entry("hping3 -S -p 22 -c 3 (open)", "fig2-syn", []string{"hping3", "-S", "-p", "22", "-c", "3", "-i", "u200000", "{victim}"},
			me+"scan.tcp-syn", me+"tool.other name=hping3"),
		// -sI through an emulated IRIX 6.2 zombie (global, incremental IP
		// ID; testdata/idle-scan.yaml): the real scanner gets the scan and
		// the tool (read on the spoofed SYNs and on its probes of the
		// zombie, so on a one-port scan too), the zombie nothing.
		Entry("nmap -sI", "testdata/idle-scan.yaml", []string{"nmap", "-n", "-Pn", "-sI", "{zombie}", "-p20-30,80", "{victim}"},
			me+"scan.idle real_source=198.19.0.1 zombie=198.18.1.2", me+"tool.nmap-modern"),
		Entry("nmap -sI, one port", "testdata/idle-scan.yaml", []string{"nmap", "-n", "-Pn", "-sI", "{zombie}", "-p22", "{victim}"},
			me+"scan.idle real_source=198.19.0.1 zombie=198.18.1.2", me+"tool.nmap-modern"),
		Entry("nmap -sI through a Windows NT 4 zombie (IP ID + 256)", "testdata/idle-scan.yaml",
			[]string{"nmap", "-n", "-Pn", "-sI", "{ntzombie}:139", "-p20-30,80", "{victim}"},
			me+"scan.idle real_source=198.19.0.1 zombie=198.18.1.4", me+"tool.nmap-modern"),
		// A Linux host as zombie: its RSTs carry IP ID 0, nmap's zombie test
		// fails and it quits before sending a SYN; nothing was scanned.
		Entry("nmap -sI through a Linux host, refused by nmap", "testdata/idle-scan.yaml",
			[]string{"sh", "-c", "nmap -n -Pn -sI {victim} -p20-30,80 {zombie}; true"}),
		// What the zombie probes could be taken for: SYN/ACK pings of a host
		// whose RSTs count up (hping3 -SA, a health check), alone and beside
		// a SYN scan of another host. The zombie sends no SYNs: no idle scan.
		Entry("SYN/ACK pings of an IRIX host (hping3 -SA)", "testdata/idle-scan.yaml",
			[]string{"hping3", "-SA", "-p", "80", "-c", "20", "-i", "u20000", "{zombie}"}),
		Entry("SYN/ACK pings of an IRIX host beside a SYN scan of another", "testdata/idle-scan.yaml",
			[]string{"sh", "-c", "hping3 -SA -p 80 -c 12 -i u100000 {zombie} & nmap -n -sS -Pn -p20-30,80 {victim}; wait"},
			me+"scan.tcp-syn", me+"tool.nmap-modern"),
		// -b through a real FTP server, with a user of its own and with
		// nmap's default anonymous login.
		Entry("nmap -b user:pass@ftp", "tech-ftp-bounce", []string{"nmap", "-n", "-Pn", "-b", "siglab:secret@{ftp}", "-p20-30,80", "{victim}"},
			me+"scan.ftp-bounce"),
		Entry("nmap -b ftp (anonymous)", "tech-ftp-bounce", []string{"nmap", "-n", "-Pn", "-b", "{ftp}", "-p20-30,80", "{victim}"},
			me+"scan.ftp-bounce"),
		// Host discovery of today's nmap, one probe type at a time, over
		// a /28 of tech-ping-sweep's routed /24 (three hosts up).
		Entry("nmap -sn -PE", "tech-ping-sweep", []string{"nmap", "-n", "-sn", "-T5", "-PE", "198.18.1.0/28"}, me+"sweep.icmp-echo"),
		Entry("nmap -sn -PP", "tech-ping-sweep", []string{"nmap", "-n", "-sn", "-T5", "-PP", "198.18.1.0/28"}, me+"sweep.icmp-timestamp"),
		Entry("nmap -sn -PM", "tech-ping-sweep", []string{"nmap", "-n", "-sn", "-T5", "-PM", "198.18.1.0/28"}, me+"sweep.icmp-netmask"),
		Entry("nmap -sn -PS22,80", "tech-ping-sweep", []string{"nmap", "-n", "-sn", "-T5", "-PS22,80", "198.18.1.0/28"}, me+"sweep.tcp-syn"),
		Entry("nmap -sn -PA80", "tech-ping-sweep", []string{"nmap", "-n", "-sn", "-T5", "-PA80", "198.18.1.0/28"}, me+"sweep.tcp-ack"),
		Entry("nmap -sn -PU53", "tech-ping-sweep", []string{"nmap", "-n", "-sn", "-T5", "-PU53", "198.18.1.0/28"}, me+"sweep.udp"),
		Entry("nmap -sn -PY", "tech-ping-sweep", []string{"nmap", "-n", "-sn", "-T5", "-PY", "198.18.1.0/28"}, me+"sweep.sctp-init"),
		// -PO's default protocols: ICMP (an echo request), IGMP, IP-in-IP.
		Entry("nmap -sn -PO", "tech-ping-sweep", []string{"nmap", "-n", "-sn", "-T5", "-PO", "198.18.1.0/28"}, me+"sweep.icmp-echo", me+"sweep.ip-protocol"),
		// Horizontal and block scans: one port or a few across many hosts.
		Entry("nmap -sU -p53,161 of a /28", "tech-ping-sweep", []string{"nmap", "-n", "-sU", "-Pn", "-T5", "-p53,161", "198.18.1.0/28"}, me+"sweep.udp"),
		Entry("nmap -sS -p20-30 of a /28: a port scan and a sweep", "tech-ping-sweep", []string{"nmap", "-n", "-sS", "-Pn", "-T5", "-p20-30", "198.18.1.0/28"},
			me+"scan.tcp-syn", me+"sweep.tcp-syn", me+"tool.nmap-modern"),
		Entry("masscan -p80 of a /24", "tech-ping-sweep", []string{"masscan", "-p80", "198.18.1.0/24", "--rate", "1000", "--wait", "1", "--interface", "siglab-up0", "--router-ip", "198.19.0.2"},
			me+"sweep.tcp-syn", me+"tool.other name=masscan"),
		Entry("zmap -p80 of a /24", "tech-ping-sweep", []string{"bash", "-c", zmapSweep}, me+"sweep.tcp-syn", me+"tool.other name=zmap"),
		// -sV's probes (--version-light: the lab's servers answer every
		// probe with a line nmap cannot match, so the full battery waits
		// out each probe, 150 s) and -sC's scripts on a web port.
		Entry("nmap -sV", "tech-connect", []string{"nmap", "-n", "-sV", "--version-light", "-Pn", "-p22,80,443", "{victim}"},
			me+"scan.tcp-syn", me+"service.version-probe", me+"tool.nmap-modern"),
		Entry("nmap -sV of 100 ports", "tech-connect", []string{"nmap", "-n", "-sV", "--version-light", "-Pn", "-p1-100", "{victim}"},
			me+"scan.tcp-syn", me+"service.version-probe", me+"tool.nmap-modern"),
		Entry("nmap -sT -sV of 100 ports", "tech-connect", []string{"nmap", "-n", "-sT", "-sV", "--version-light", "-Pn", "-p1-100", "{victim}"},
			me+"scan.tcp-connect", me+"service.version-probe", me+"tool.nmap-modern"),
		Entry("nmap -sC", "tech-connect", []string{"nmap", "-n", "-sC", "-Pn", "-p80", "{victim}"},
			me+"scan.tcp-syn", me+"service.script", me+"tool.nmap-modern"),
		// Ordinary clients: today's kernel's connections and a resolver's
		// lookups. The lab's TCP servers answer a line and keep the
		// connection open, so curl reads it as HTTP/0.9 until its timeout.
		Entry("ordinary HTTP connections (curl)", "benign-web-dns",
			[]string{"sh", "-c", "for i in 1 2 3 4 5 6; do curl -s --http0.9 --max-time 0.3 -o /dev/null http://{www}/ ; curl -sk --max-time 0.3 -o /dev/null https://{www}/ ; done; true"}),
		// A tunnel's packets: one IP protocol (GRE) to one host is no IP
		// protocol scan, however many packets go.
		Entry("GRE packets to one host (hping3 --rawip -H 47)", "fig2-syn",
			[]string{"hping3", "--rawip", "-H", "47", "-d", "24", "-c", "12", "-i", "u20000", "{victim}"}),
		// What service probing could be mistaken for: HTTP/1.0 requests
		// (with Host and User-Agent), TLS 1.2 and 1.3 hellos, and a
		// connection left silent until the server closes it.
		Entry("ordinary HTTP/1.0, TLS and idle connections (curl)", "benign-web-dns",
			[]string{"sh", "-c", "for i in 1 2 3; do curl -s -0 --http0.9 --max-time 0.3 -o /dev/null http://{www}/ ; curl -sk --tlsv1.2 --tls-max 1.2 --max-time 0.3 -o /dev/null https://{www}/ ; curl -sk --tlsv1.3 --max-time 0.3 -o /dev/null https://{www}/ ; done; sleep 6 | curl -s --max-time 7 telnet://{www}:80 >/dev/null; true"}),
		Entry("ordinary DNS lookups (dig)", "benign-web-dns",
			[]string{"sh", "-c", "for n in www mail ftp ns1 intranet vpn; do dig +tries=1 +time=1 @{ns} $n.example.lab A; done"}),
		// A browser's burst: parallel connections to three ports of one
		// host (8080 closed), three times; and nc -z-like connects
		// (connect, close) to two open ports and a closed one.
		Entry("a browser-like burst of connections to one host (curl)", "benign-web-dns",
			[]string{"sh", "-c", "for i in 1 2 3; do curl -s --http0.9 --max-time 0.3 -o /dev/null http://{www}/ & curl -sk --max-time 0.3 -o /dev/null https://{www}/ & curl -s --max-time 0.3 -o /dev/null http://{www}:8080/ & wait; done; true"}),
		Entry("nc -z-like connects to three ports", "benign-web-dns",
			[]string{"bash", "-c", "for p in 80 443 22 80 443 22; do timeout 1 bash -c \": >/dev/tcp/{www}/$p\" || true; done; true"}),
		// A resolver asking many servers: two names at each of eight, a
		// few times each as a sweep's retries would be, but every query
		// is answered.
		Entry("DNS lookups at eight servers (dig)", "benign-web-dns",
			[]string{"sh", "-c", "for s in {ns} {ns2} {ns3} {ns4} {ns5} {ns6} {ns7} {ns8}; do for n in www mail; do dig +tries=1 +time=1 @$s $n.example.lab A; done; done"}),
		// A page load: a burst of parallel connections to one host.
		Entry("a browser-like burst of connections to one host (curl -Z)", "benign-web-dns",
			[]string{"sh", "-c", "curl -s -Z --parallel-immediate --http0.9 -k --max-time 0.5 $(for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo -o /dev/null http://{www}/asset$i.css; done) $(for i in 1 2 3 4 5 6; do echo -o /dev/null https://{www}/img$i.png; done); true"}),
		// A monitoring system watching eight hosts: a ping to each and a
		// connect to its ssh and www every second, six rounds. A single
		// round would be a sweep; the rounds after say it is watching.
		Entry("monitoring: pings and connects to 22 and 80 of eight hosts every second", "benign-monitoring",
			[]string{"bash", "-c", "H='" + monitored + "'; for h in $H; do ping -n -q -c 6 -i 1 $h >/dev/null & done; " +
				"for r in 1 2 3 4 5 6; do for h in $H; do for p in 22 80; do timeout 1 bash -c \"exec 3<>/dev/tcp/$h/$p\"; done; done; sleep 1; done; wait"}),
		// IPv6 (nmap -6): the IPv4 scans' labels, but where IPv6 takes
		// a tell away (no ICMPv6 timestamp request, so no
		// sweep.icmp-timestamp; see detector/realscanners6_test.go).
		Entry("nmap -6 -sS", "fig2-syn", []string{"nmap", "-6", "-n", "-sS", "-Pn", "-p1-100", "{victim6}"}, me6+"scan.tcp-syn", me6+"tool.nmap-modern"),
		Entry("nmap -6 -sT", "fig2-syn", []string{"nmap", "-6", "-n", "-sT", "-Pn", "-p1-100", "{victim6}"}, me6+"scan.tcp-connect", me6+"tool.nmap-modern"),
		Entry("nmap -6 -sF", "fig2-syn", []string{"nmap", "-6", "-n", "-sF", "-Pn", "-p1-100", "{victim6}"}, me6+"scan.tcp-fin", me6+"tool.nmap-modern"),
		Entry("nmap -6 -sA", "fig2-syn", []string{"nmap", "-6", "-n", "-sA", "-Pn", "-p1-100", "{victim6}"}, me6+"scan.tcp-ack", me6+"tool.nmap-modern"),
		Entry("nmap -6 -sU", "tech-udp", []string{"nmap", "-6", "-n", "-sU", "-T5", "-Pn", "-p53,69,111,123,161,514", "{victim6}"}, me6+"scan.udp", me6+"tool.nmap-modern"),
		Entry("nmap -6 -O", "fig2-syn", []string{"nmap", "-6", "-n", "-O", "--max-os-tries", "1", "-Pn", "-p1-100", "{victim6}"},
			me6+"osdetect generation=nmap-2", me6+"scan.tcp-syn", me6+"seqprobe", me6+"tool.nmap-modern"),
		Entry("nmap -6 -sO", "fig2-syn", []string{"nmap", "-6", "-n", "-sO", "-Pn", "{victim6}"}, me6+"scan.ip-protocol", me6+"tool.nmap-modern"),
		Entry("nmap -6 -D", "fig2-syn", []string{"nmap", "-6", "-n", "-sS", "-Pn", "-D", "2001:2::c612:7,ME", "-p1-100", "{victim6}"},
			"2001:2::c612:7 scan.tcp-syn", "2001:2::c612:7 tool.nmap-modern", me6+"evasion.decoy real_source=2001:2::c613:1", me6+"scan.tcp-syn", me6+"tool.nmap-modern"),
		Entry("nmap -6 -sn of a /124", "tech-ping-sweep", []string{"nmap", "-6", "-n", "-sn", "-T5", "2001:2::c612:100/124"},
			me6+"sweep.icmp-echo", me6+"sweep.tcp-ack", me6+"sweep.tcp-syn", me6+"tool.nmap-modern"),
		Entry("nmap -6 -sn -PE of a /124", "tech-ping-sweep", []string{"nmap", "-6", "-n", "-sn", "-T5", "-PE", "2001:2::c612:100/124"}, me6+"sweep.icmp-echo"),
		Entry("nmap -6 -sS -p20-30 of a /124: a port scan and a sweep", "tech-ping-sweep", []string{"nmap", "-6", "-n", "-sS", "-Pn", "-T5", "-p20-30", "2001:2::c612:100/124"},
			me6+"scan.tcp-syn", me6+"sweep.tcp-syn", me6+"tool.nmap-modern"),
		Entry("ordinary HTTP connections over IPv6 (curl)", "benign-web-dns",
			[]string{"sh", "-c", "for i in 1 2 3 4 5 6; do curl -s --http0.9 --max-time 0.3 -o /dev/null 'http://[{www6}]/' ; curl -sk --max-time 0.3 -o /dev/null 'https://[{www6}]/' ; done; true"}),
		Entry("ping -6", "fig2-syn", []string{"ping", "-6", "-n", "-c", "8", "-i", "0.2", "{victim6}"}),
		// The kernel's fragments of a big echo request: no evasion.
		Entry("ping -6 -s3000 (fragments)", "fig2-syn", []string{"ping", "-6", "-n", "-c", "4", "-i", "0.2", "-s", "3000", "{victim6}"}),
		// -6 -sI through the emulated IPv6 stack of Windows Server 2003
		// (testdata/idle-scan6.yaml: one global Fragment-header
		// identification, atomic fragments after a Packet Too Big below
		// 1280): as on IPv4, the real scanner gets the scan and the tool
		// (read on its probes' hop limit 255 on a one-port scan), the
		// zombie nothing. The It below checks nmap's own output.
		Entry("nmap -6 -sI, one port", "testdata/idle-scan6.yaml", []string{"nmap", "-6", "-n", "-Pn", "-sI", "{zombie6}", "-p22", "{victim6}"},
			me6+"scan.idle real_source=2001:2::c613:1 zombie=2001:2::c612:102", me6+"tool.nmap-modern"),
		// A Linux zombie (no atomic fragments, a counter per destination):
		// nmap 7.93 dies of it before sending a spoofed SYN.
		Entry("nmap -6 -sI through a Linux host, refused by nmap", "testdata/idle-scan6.yaml",
			[]string{"sh", "-c", "nmap -6 -n -Pn -sI {victim6} -p20-30,80 {zombie6}; true"}),
		// Near misses: a plain SYN scan of the zombie, and a decoy scan
		// under the zombie's address beside SYN/ACK probes of it, whose
		// RSTs carry no Fragment header (no counter): no idle scan.
		Entry("nmap -6 -sS of the IPv6 zombie", "testdata/idle-scan6.yaml", []string{"nmap", "-6", "-n", "-sS", "-Pn", "-p1-100", "{zombie6}"},
			me6+"scan.tcp-syn", me6+"tool.nmap-modern"),
		Entry("nmap -6 -D {zombie6},ME beside SYN/ACK probes of the zombie", "testdata/idle-scan6.yaml",
			[]string{"sh", "-c", "for i in 1 2 3 4 5 6; do nmap -6 -n -Pn --scanflags SYNACK -p80 {zombie6} >/dev/null; done & nmap -6 -n -sS -Pn -D {zombie6},ME -p20-30,80 {victim6}; wait"},
			"2001:2::c612:102 scan.tcp-syn", "2001:2::c612:102 tool.nmap-modern",
			me6+"evasion.decoy real_source=2001:2::c613:1", me6+"scan.tcp-syn", me6+"tool.nmap-modern"),
		// Mail: an SMTP session to each of eight mail servers, once.
		Entry("mail: SMTP sessions to eight servers", "benign-monitoring",
			[]string{"bash", "-c", "for h in " + monitored + "; do timeout 1 bash -c \"exec 3<>/dev/tcp/$h/25; head -c 100 <&3 >/dev/null & " +
				"printf 'EHLO client.example.lab\\r\\nMAIL FROM:<a@example.lab>\\r\\nRCPT TO:<b@example.lab>\\r\\nQUIT\\r\\n' >&3; sleep 0.2\"; done; true"}),
	)

	// nmap -6 -sI works through the emulated zombie (it prints the
	// victim's open ports, 22, 25 and 80, read off the zombie's counter
	// alone), and the detector names the real scanner, the zombie and
	// its port.
	It("sees nmap -6 -sI find the open ports through the IPv6 zombie, and names the real scanner", func() {
		ss, err := scenarios.Resolve("testdata/idle-scan6.yaml")
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		var out bytes.Buffer
		c, err := verifier.RunExternal(ctx, ss[0], []string{"nmap", "-6", "-n", "-Pn", "-sI", "{zombie6}", "-p20-30,80", "{victim6}"}, &out, io.Discard)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Dropped).To(BeZero())
		Expect(out.String()).To(ContainSubstring("Idle scan using zombie 2001:2::c612:102"))
		Expect(out.String()).To(MatchRegexp(`(?m)^22/tcp +open `))
		Expect(out.String()).To(MatchRegexp(`(?m)^25/tcp +open `))
		Expect(out.String()).To(MatchRegexp(`(?m)^80/tcp +open `))
		Expect(out.String()).To(MatchRegexp(`(?m)^21/tcp +closed\|filtered `))
		fs := detector.DetectCapture(c)
		Expect(findingLines(fs, "real_source", "zombie", "zombie_port")).To(Equal([]string{
			"2001:2::c613:1 scan.idle real_source=2001:2::c613:1 zombie=2001:2::c612:102 zombie_port=80",
			"2001:2::c613:1 tool.nmap-modern"}))
		for _, f := range fs {
			if f.Label == "scan.idle" {
				Expect(f.Ports).To(Equal(12))
				Expect(f.Targets).To(HaveLen(1))
				Expect(f.Targets[0].String()).To(Equal("2001:2::c612:103"))
			}
		}
	})

	// What tells -sW from -sA on the wire: nothing. Both runs' probes,
	// port by port, have the same flags, window, options and lengths, seq
	// 0, and one ack for the whole run (a new random one per run).
	It("sees nmap -sW send the probes of -sA", func() {
		s, err := scenarios.Find("fig2-syn")
		Expect(err).NotTo(HaveOccurred())
		shapes := func(scan string) ([]string, uint32) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			c, err := verifier.RunExternal(ctx, s, []string{"nmap", "-n", scan, "-Pn", "-p1-100", "{victim}"}, io.Discard, io.Discard)
			Expect(err).NotTo(HaveOccurred())
			var out []string
			acks := map[uint32]bool{}
			for _, p := range c.Packets {
				pk := gopacket.NewPacket(p.Data, layers.LinkType(c.LinkType), gopacket.Default)
				ip, _ := pk.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
				tcp, _ := pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
				if ip == nil || tcp == nil || ip.SrcIP.String() != "198.19.0.1" {
					continue
				}
				acks[tcp.Ack] = true
				out = append(out, fmt.Sprintf("port %d: flags %#x, window %d, %d option bytes, IP length %d, seq %d, DF %v",
					tcp.DstPort, tcp.Contents[13], tcp.Window, len(tcp.Contents)-20, ip.Length, tcp.Seq, ip.Flags&layers.IPv4DontFragment != 0))
			}
			Expect(acks).To(HaveLen(1), "one ack for the whole %s run", scan)
			slices.Sort(out)
			for a := range acks {
				return out, a
			}
			return out, 0
		}
		ackShapes, ackAck := shapes("-sA")
		winShapes, winAck := shapes("-sW")
		Expect(ackShapes).To(HaveLen(100))
		Expect(winShapes).To(Equal(ackShapes))
		Expect(winAck).NotTo(Equal(ackAck), "each run draws its own ack")
	})
})
