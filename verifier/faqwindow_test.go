package verifier_test

import (
	"bufio"
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/render"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// faqProbe is one of the scanner's TCP probes on a line of an FAQ trace.
type faqProbe struct {
	Flags  string // tcpdump's: S, SFP, FP
	Window uint16
	Line   int
}

var (
	// faqProbeRE finds a TCP probe on a trace line; the FAQ's figure 5
	// wraps its lines, so one text line can hold the end of one and the
	// start of the next.
	faqProbeRE = regexp.MustCompile(`\d\d:\d\d:\d\d\.\d{6} > (S|SFP|FP) \d+:\d+\(0\) win (\d+)`)
	// faqTraceRE is any trace line (probes, udp 300).
	faqTraceRE = regexp.MustCompile(`\d\d:\d\d:\d\d\.\d{6} > `)
	// faqCaptionRE is a figure's caption, which follows its trace.
	faqCaptionRE = regexp.MustCompile(`^\(Figure (\d+)\.`)
)

// faqTraces reads the FAQ's traces: the probes of each, keyed by the
// caption that follows it ("figure 1"); the uncaptioned trace after
// figure 5, the run against an open imap port, is "imap variant".
func faqTraces(file string) map[string][]faqProbe {
	f, err := os.Open(file)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	traces := map[string][]faqProbe{}
	var cur []faqProbe
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if m := faqCaptionRE.FindStringSubmatch(line); m != nil {
			if len(cur) > 0 {
				traces["figure "+m[1]] = cur
			}
			cur = nil
			continue
		}
		if faqTraceRE.MatchString(line) {
			// The FAQ's tcpdump lines show no TTL: the window is all
			// there is to compare.
			Expect(line).NotTo(ContainSubstring("ttl"), "line %d", n)
		}
		for _, m := range faqProbeRE.FindAllStringSubmatch(line, -1) {
			w, err := strconv.ParseUint(m[2], 10, 16)
			Expect(err).NotTo(HaveOccurred())
			cur = append(cur, faqProbe{Flags: m[1], Window: uint16(w), Line: n})
		}
	}
	Expect(sc.Err()).NotTo(HaveOccurred())
	if len(cur) > 0 {
		traces["imap variant"] = cur
	}
	return traces
}

// osDetection is a trace's probes from the first OS-detection one on: the
// SYN just before the first FIN-carrying probe (T1 or T5).
func osDetection(probes []faqProbe) []faqProbe {
	for i, p := range probes {
		if strings.Contains(p.Flags, "F") {
			return probes[max(i-1, 0):]
		}
	}
	return nil
}

// windowSet is the distinct windows of probes, in order of appearance.
func windowSet(ws []uint16) []uint16 {
	var out []uint16
	seen := map[uint16]bool{}
	for _, w := range ws {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// generatedWindows plays a catalogue scenario offline and returns the
// windows of the scanner's SYN- or FIN-carrying TCP probes (the FAQ's S,
// SFP and FP lines; its kernel's RSTs and the ping's ACKs are not among
// them) and their TTLs.
func generatedWindows(name string) (windows []uint16, ttls []uint8) {
	s, err := scenarios.Find(name)
	Expect(err).NotTo(HaveOccurred())
	res, err := verifier.Generate(context.Background(), s)
	Expect(err).NotTo(HaveOccurred())
	scanner := labnet.DefaultScanner.As4()
	for _, p := range res.Capture.Packets {
		d := p.Data
		if len(d) < 20 || d[0]>>4 != 4 || d[9] != 6 || [4]byte(d[12:16]) != scanner {
			continue
		}
		ihl := int(d[0]&0x0f) * 4
		if len(d) < ihl+20 || (d[6]&0x1f != 0 || d[7] != 0) {
			continue // a fragment: no TCP header of its own here
		}
		tcp := d[ihl:]
		flags := tcp[13]
		if flags&0x04 != 0 || flags&0x03 == 0 { // RST, or neither SYN nor FIN
			continue
		}
		windows = append(windows, uint16(tcp[14])<<8|uint16(tcp[15]))
		ttls = append(ttls, d[8])
	}
	Expect(windows).NotTo(BeEmpty(), name)
	return windows, ttls
}

var _ = Describe("The FAQ scenarios' windows", func() {
	traces := faqTraces("testdata/shadow-nmap-faq.txt")

	It("reads the FAQ's traces: figures 1, 2, 4 and 5 and the imap variant", func() {
		Expect(traces).To(HaveLen(5))
		Expect(traces).To(HaveKey("figure 1"))
		Expect(traces["figure 1"]).To(HaveLen(30))
		Expect(traces["figure 2"]).To(HaveLen(34))
		Expect(traces["figure 4"]).To(HaveLen(26))
		Expect(traces["figure 5"]).To(HaveLen(23))
		Expect(traces["imap variant"]).To(HaveLen(11))
	})

	It("finds figure 4's scan SYNs at win 512, which no nmap 2.02 draw gives (1024*(TTL%4+1) is 1024 to 4096)", func() {
		os := osDetection(traces["figure 4"])
		scan := traces["figure 4"][:len(traces["figure 4"])-len(os)]
		Expect(scan).To(HaveLen(20))
		for _, p := range scan {
			Expect(p.Window).To(BeEquivalentTo(512), "line %d", p.Line)
		}
	})

	// Each FAQ scenario's start: moment fixes time(NULL) at its processes'
	// first packets, so their TTL (time % 14 + 51) and window (1024 *
	// (TTL % 4 + 1)): the figure's window must come out of that draw.
	DescribeTable("are the figure's: every SYN-carrying probe of the scenario has the window of the figure's trace lines",
		func(name, figure string, osOnly bool) {
			probes := traces[figure]
			if osOnly {
				probes = osDetection(probes)
			}
			Expect(probes).NotTo(BeEmpty())
			var faq []uint16
			for _, p := range probes {
				faq = append(faq, p.Window)
			}
			want := windowSet(faq)
			Expect(want).To(HaveLen(1), "%s shows one window", figure)

			got, ttls := generatedWindows(name)
			Expect(windowSet(got)).To(Equal(want), "%s against %s", name, figure)
			for i, ttl := range ttls {
				Expect(1024*(uint16(ttl%4)+1)).To(Equal(got[i]), "%s: the window follows the TTL", name)
			}
		},
		Entry("fig1-random-scan: figure 1, win 4096", "fig1-random-scan", "figure 1", false),
		Entry("fig2-syn: figure 2, win 1024", "fig2-syn", "figure 2", false),
		Entry("fig2-syn-os-irix: figure 2, win 1024", "fig2-syn-os-irix", "figure 2", false),
		Entry("fig45-exploits-plus: figure 5, win 4096", "fig45-exploits-plus", "figure 5", false),
		Entry("fig45-exploits-plus: figure 4's OS detection, win 4096", "fig45-exploits-plus", "figure 4", true),
		Entry("exploits-plus-linux: the imap variant, win 4096", "exploits-plus-linux", "imap variant", false),
		Entry("faq-mapping-campaign: figure 4's OS detection, win 4096", "faq-mapping-campaign", "figure 4", true),
	)
})

// faqSYNTimeRE finds a bare SYN line's time of day in tcpdump's form.
var faqSYNTimeRE = regexp.MustCompile(`^(\d\d):(\d\d):(\d\d)\.(\d{6}) > S \d+:\d+\(0\) win`)

// synTimes are the times, in µs of the day, of the bare SYN lines of
// text (rendered or the FAQ's).
func synTimes(lines []string) []int64 {
	var out []int64
	for _, l := range lines {
		m := faqSYNTimeRE.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		var v [4]int64
		for i := range v {
			v[i], _ = strconv.ParseInt(m[i+1], 10, 64)
		}
		out = append(out, ((v[0]*60+v[1])*60+v[2])*1e6+v[3])
	}
	return out
}

// gapsMS are the gaps between the last n times, in ms.
func gapsMS(ts []int64, n int) []float64 {
	Expect(len(ts)).To(BeNumerically(">=", n))
	ts = ts[len(ts)-n:]
	var out []float64
	for i := 1; i < n; i++ {
		out = append(out, float64(ts[i]-ts[i-1])/1000)
	}
	return out
}

// renderFAQ is `siglab render --faq --from <scanner>` of a scenario
// generated offline, as lines; change edits the scenario first.
func renderFAQ(name string, change ...func(*scenarios.Scenario)) []string {
	s, err := scenarios.Find(name)
	Expect(err).NotTo(HaveOccurred())
	for _, c := range change {
		c(s)
	}
	res, err := verifier.Generate(context.Background(), s)
	Expect(err).NotTo(HaveOccurred())
	var b strings.Builder
	Expect(render.Write(&b, res.Capture, render.Options{FAQ: true, From: labnet.DefaultScanner})).To(Succeed())
	return strings.Split(b.String(), "\n")
}

var _ = Describe("render --faq of the FAQ scenarios", func() {
	traces := faqTraces("testdata/shadow-nmap-faq.txt")
	faqLines := func() []string {
		b, err := os.ReadFile("testdata/shadow-nmap-faq.txt")
		Expect(err).NotTo(HaveOccurred())
		return strings.Split(string(b), "\n")
	}

	DescribeTable("prints the figure's windows on every probe line",
		func(name, figure string, osOnly bool) {
			probes := traces[figure]
			if osOnly {
				probes = osDetection(probes)
			}
			var want []uint16
			for _, p := range probes {
				want = append(want, p.Window)
			}
			var got []uint16
			for _, l := range renderFAQ(name) {
				for _, m := range faqProbeRE.FindAllStringSubmatch(l, -1) {
					w, err := strconv.ParseUint(m[2], 10, 16)
					Expect(err).NotTo(HaveOccurred())
					got = append(got, uint16(w))
				}
			}
			Expect(got).NotTo(BeEmpty())
			Expect(windowSet(got)).To(Equal(windowSet(want)))
		},
		Entry("fig1-random-scan, figure 1", "fig1-random-scan", "figure 1", false),
		Entry("fig2-syn-os-irix, figure 2", "fig2-syn-os-irix", "figure 2", false),
		Entry("fig45-exploits-plus, figure 5", "fig45-exploits-plus", "figure 5", false),
		Entry("exploits-plus-linux, the imap variant", "exploits-plus-linux", "imap variant", false),
		Entry("faq-mapping-campaign, figure 4's OS detection", "faq-mapping-campaign", "figure 4", true),
	)

	It("spaces figure 2's six TSeq SYNs as the FAQ's trace does: 10-20 ms, then 20 ms on Linux 2.0's ticks", func() {
		// The FAQ's figure 2 ends with the six TSeq SYNs (seq +1 each),
		// 10.4, 20.05, 20.13, 19.87 and 19.98 ms apart.
		var fig2 []string
		for _, l := range faqLines() {
			if strings.HasPrefix(l, "(Figure 2.") {
				break
			}
			fig2 = append(fig2, l)
		}
		want := gapsMS(synTimes(fig2), 6)
		got := gapsMS(synTimes(renderFAQ("fig2-syn-os-irix")), 6)
		Expect(want[0]).To(BeNumerically("~", 10.4, 0.01))
		Expect(got[0]).To(BeNumerically(">=", 10), "usleep(5000 + srtt) ends on the next tick but one")
		Expect(got[0]).To(BeNumerically("<=", 20))
		for i := 1; i < 5; i++ {
			Expect(got[i]).To(BeNumerically("~", want[i], 0.2), "gap %d: FAQ %.2f ms", i, want[i])
		}
	})

	It("spaces them exactly usleep(5000 + srtt) apart under timers: ideal", func() {
		got := gapsMS(synTimes(renderFAQ("fig2-syn-os-irix", func(s *scenarios.Scenario) { s.IdealTimers = true })), 6)
		for i, g := range got {
			Expect(g).To(BeNumerically(">", 5), "gap %d", i)
			Expect(g).To(BeNumerically("<", 6), "gap %d: no 10 ms tick", i)
		}
	})
})
