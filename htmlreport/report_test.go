package htmlreport_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/htmlreport"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// subset is the browser spec's run: a port view, a decoy campaign's
// colours, OS detection, a sweep (the target view), a live-only
// scenario skipped offline. Offline, it takes a few seconds.
var subset = []string{"fig2-syn", "tech-decoys", "fig2-syn-os-irix", "tech-ping-sweep", "tech-ftp-bounce"}

// writeRun writes a report of names run offline as `siglab run
// --offline --report dir` does: every scenario's files and page, the
// run's files, then the index.
func writeRun(dir string, names ...string) {
	list, err := scenarios.ResolveAll(names...)
	Expect(err).NotTo(HaveOccurred())
	started := time.Now()
	var vs []verifier.Verdict
	var rows [][]verifier.Cell
	for _, s := range list {
		res, err := verifier.RunWith(context.Background(), s, verifier.Options{Offline: true, AllDetectors: true})
		Expect(err).NotTo(HaveOccurred(), s.Name)
		Expect(res.WriteReport(dir)).To(Succeed())
		Expect(htmlreport.WriteScenario(dir, res)).To(Succeed())
		vs = append(vs, res.Verdict)
		rows = append(rows, res.Cells())
	}
	m := verifier.NewMatrix(rows)
	for name, write := range map[string]func(io.Writer) error{
		verifier.ReportJUnit:       func(w io.Writer) error { return verifier.WriteJUnit(w, vs, started) },
		verifier.ReportSummary:     func(w io.Writer) error { return verifier.WriteSummary(w, vs, started, time.Since(started)) },
		verifier.ReportMatrixMD:    m.WriteMarkdown,
		verifier.ReportMatrixJSON:  m.WriteJSON,
		verifier.ReportMatrixJUnit: func(w io.Writer) error { return m.WriteJUnit(w, started) },
	} {
		Expect(capture.WriteFileAtomic(filepath.Join(dir, name), write)).To(Succeed())
	}
	Expect(htmlreport.WriteIndex(dir, vs, m, started)).To(Succeed())
}

// startBrowser starts the headless Chromium the specs drive, closed
// when the spec or container ends; its absence fails them, as a missing
// nmap or ping fails theirs.
func startBrowser() *htmlreport.Browser {
	path, err := htmlreport.FindBrowser()
	Expect(err).NotTo(HaveOccurred(), "*** no headless Chromium: .ci/run (scripts/install-deps.sh test) must apt-get install chromium-headless-shell ***")
	b, err := htmlreport.Start(context.Background(), path)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(b.Close)
	return b
}

// copyDir copies a report so a spec can spoil the copy.
func copyDir(from string) string {
	to := GinkgoT().TempDir()
	Expect(exec.Command("cp", "-a", from+"/.", to).Run()).To(Succeed())
	return to
}

// edit rewrites one file of a report.
func edit(path string, f func(string) string) {
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	out := f(string(b))
	Expect(out).NotTo(Equal(string(b)), "the edit changed nothing in "+path)
	Expect(os.WriteFile(path, []byte(out), 0o600)).To(Succeed())
}

var _ = Describe("the HTML report", Ordered, func() {
	var (
		dir, small string
		browser    *htmlreport.Browser
	)
	BeforeAll(func() {
		browser = startBrowser()
		dir = GinkgoT().TempDir()
		writeRun(dir, subset...)
		small = GinkgoT().TempDir() // what the spoiling specs copy: two pages load faster than five
		writeRun(small, "fig2-syn", "tech-decoys")
	})

	It("writes a page per scenario, a picture beside each that has one, and links only to files of the report", func() {
		for _, s := range subset {
			Expect(filepath.Join(dir, s, htmlreport.Page)).To(BeARegularFile())
		}
		Expect(filepath.Join(dir, "fig2-syn", htmlreport.Picture)).To(BeARegularFile())
		Expect(filepath.Join(dir, "tech-ftp-bounce", htmlreport.Picture)).NotTo(BeAnExistingFile())
		var info htmlreport.PictureInfo
		b, err := os.ReadFile(filepath.Join(dir, "tech-ftp-bounce", htmlreport.PictureJSON))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &info)).To(Succeed())
		Expect(info.Empty).To(ContainSubstring("live only"))
		Expect(htmlreport.Links(dir)).To(Succeed())
		By("no page names anything on a network: no URL but the SVG's namespaces")
		xmlns := regexp.MustCompile(`xmlns(:\w+)?="http://www\.w3\.org/[^"]*"`)
		for _, p := range append([]string{htmlreport.Page}, pagesOf(subset)...) {
			b, err := os.ReadFile(filepath.Join(dir, p))
			Expect(err).NotTo(HaveOccurred())
			Expect(xmlns.ReplaceAllString(string(b), "")).NotTo(MatchRegexp(`(?i)https?:|//[a-z]|<script|<link\b|@import`), p)
		}
	})

	It("names the page's parts: verdict, expectations with their explanations, findings with evidence, nmap output, capture links", func() {
		b, err := os.ReadFile(filepath.Join(dir, "fig2-syn", htmlreport.Page))
		Expect(err).NotTo(HaveOccurred())
		page := string(b)
		for _, want := range []string{
			`<span class="status pass">pass</span>`, `<figure class="picture"`, `<svg`,
			`present {label: scan.tcp-syn`, `scenarios/fig2-syn.yaml:`, // an expectation and where it is
			`<code>scan.tcp-syn</code> from 198.18.0.2`, `fixed source port`, // a finding and its evidence
			`Interesting ports on`, // nmap's output
			`href="capture.pcap"`, `href="capture.pcapng"`, `href="capture.txt"`, `href="picture.svg"`, `href="../junit.xml"`, `href="../index.html"`,
			`@media print`, `max-width`,
		} {
			Expect(page).To(ContainSubstring(want))
		}
	})

	It("explains a missed expectation on its page", func() {
		d := GinkgoT().TempDir()
		s := scenarioWithMiss()
		res, err := verifier.RunWith(context.Background(), s, verifier.Options{Offline: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Verdict.Status()).To(Equal(verifier.StatusFail))
		Expect(res.WriteReport(d)).To(Succeed())
		Expect(htmlreport.WriteScenario(d, res)).To(Succeed())
		b, err := os.ReadFile(filepath.Join(d, s.Name, htmlreport.Page))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(MatchRegexp(`(?s)Missed \(1\).*present scan\.udp.*<td>[^<]+</td>`))
	})

	It("keeps the row of a scenario that could not run, without a page to link to", func() {
		d := GinkgoT().TempDir()
		vs := []verifier.Verdict{{Scenario: "broken", Mode: verifier.ModeOffline, Err: errors.New("the lab could not be built")}}
		Expect(htmlreport.WriteIndex(d, vs, verifier.NewMatrix(nil), time.Now())).To(Succeed())
		b, err := os.ReadFile(filepath.Join(d, htmlreport.Page))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(MatchRegexp(`<tr class="scenario" data-scenario="broken" data-status="error">\s*<td>broken</td>`))
		Expect(string(b)).To(ContainSubstring("the lab could not be built"))
		Expect(string(b)).NotTo(ContainSubstring(`id="matrix"`), "no detector ran: no matrix")
		Expect(htmlreport.Links(d)).To(Succeed())
	})

	It("shows in headless Chromium every row, every picture drawn with its marks, and no console error", func() {
		ins, err := htmlreport.Inspect(browser, dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(htmlreport.Verify(dir, ins)).To(Succeed())
		Expect(ins.Rows).To(HaveLen(len(subset)))
		for _, s := range subset[:4] {
			v := ins.Pages[s]
			GinkgoWriter.Printf("%s: picture %.0fx%.0f, %d drawn, %d texts\n", s, v.Width, v.Height, v.Drawn, len(v.Texts))
			Expect(v.Width).To(BeNumerically(">", 100), s)
			Expect(v.Texts).To(ContainElement(s), "the picture's title")
		}
		Expect(ins.Pages["tech-decoys"].Texts).To(ContainElement(ContainSubstring("198.18.")), "the decoys' colours in the legend")
		Expect(ins.Pages["fig2-syn-os-irix"].Texts).To(ContainElement("OS probe"))
	})

	DescribeTable("the browser check fails on a spoiled report",
		func(spoil func(d string), want error) {
			d := copyDir(small)
			spoil(d)
			ins, err := htmlreport.Inspect(browser, d)
			Expect(err).NotTo(HaveOccurred())
			Expect(htmlreport.Verify(d, ins)).To(MatchError(want))
		},
		Entry("a row dropped from the index", func(d string) {
			edit(filepath.Join(d, htmlreport.Page), func(s string) string {
				return regexp.MustCompile(`(?s)<tr class="scenario" data-scenario="tech-decoys".*?</tr>`).ReplaceAllString(s, "")
			})
		}, htmlreport.ErrRow),
		Entry("a picture missing from its page", func(d string) {
			edit(filepath.Join(d, "fig2-syn", htmlreport.Page), func(s string) string {
				return regexp.MustCompile(`(?s)<svg.*</svg>`).ReplaceAllString(s, "")
			})
		}, htmlreport.ErrPicture),
		Entry("a picture hidden (drawn with no size)", func(d string) {
			edit(filepath.Join(d, "fig2-syn", htmlreport.Page), func(s string) string {
				return strings.Replace(s, "</style>", "figure.picture svg { display: none; }</style>", 1)
			})
		}, htmlreport.ErrPicture),
		Entry("a picture without its marks", func(d string) {
			edit(filepath.Join(d, "tech-decoys", htmlreport.Page), func(s string) string {
				return regexp.MustCompile(`<path [^>]*/>`).ReplaceAllString(s, "")
			})
		}, htmlreport.ErrPicture),
		Entry("a picture without a finding's span", func(d string) {
			edit(filepath.Join(d, "fig2-syn", htmlreport.Page), func(s string) string {
				return regexp.MustCompile(`>scan\.tcp-syn [^<]*</text>`).ReplaceAllString(s, "></text>")
			})
		}, htmlreport.ErrPicture),
		Entry("a broken image", func(d string) {
			edit(filepath.Join(d, "fig2-syn", htmlreport.Page), func(s string) string {
				return strings.Replace(s, "<main>", `<main><img src="nowhere.png" alt="">`, 1)
			})
		}, htmlreport.ErrConsole),
		Entry("a script that logs an error", func(d string) {
			edit(filepath.Join(d, htmlreport.Page), func(s string) string {
				return strings.Replace(s, "</body>", `<script>console.error("spoiled")</script></body>`, 1)
			})
		}, htmlreport.ErrConsole),
		Entry("a picture left out of print", func(d string) {
			edit(filepath.Join(d, "fig2-syn", htmlreport.Page), func(s string) string {
				return strings.Replace(s, "</style>", "@media print { figure.picture { display: none; } }</style>", 1)
			})
		}, htmlreport.ErrPrint),
		Entry("a page wider than a phone", func(d string) {
			edit(filepath.Join(d, "fig2-syn", htmlreport.Page), func(s string) string {
				return strings.Replace(s, "<main>", `<main><div style="width:2000px">wide</div>`, 1)
			})
		}, htmlreport.ErrOverflow),
	)

	DescribeTable("the link check fails on a spoiled report",
		func(spoil func(d string)) {
			d := copyDir(small)
			spoil(d)
			Expect(htmlreport.Links(d)).To(MatchError(htmlreport.ErrLink))
		},
		Entry("a picture file deleted", func(d string) { Expect(os.Remove(filepath.Join(d, "fig2-syn", htmlreport.Picture))).To(Succeed()) }),
		Entry("a capture deleted", func(d string) {
			Expect(os.Remove(filepath.Join(d, "tech-decoys", verifier.ReportPcapNG))).To(Succeed())
		}),
		Entry("a scenario's directory gone", func(d string) { Expect(os.RemoveAll(filepath.Join(d, "tech-decoys"))).To(Succeed()) }),
		Entry("a link to the web", func(d string) {
			edit(filepath.Join(d, htmlreport.Page), func(s string) string {
				return strings.Replace(s, `href="junit.xml"`, `href="https://example.invalid/junit.xml"`, 1)
			})
		}),
		Entry("a link out of the report", func(d string) {
			edit(filepath.Join(d, "fig2-syn", htmlreport.Page), func(s string) string {
				return strings.Replace(s, `href="../junit.xml"`, `href="../../junit.xml"`, 1)
			})
		}),
	)

	It("prints a scenario page to PDF", func() {
		pdf, err := htmlreport.PrintPDF(browser, dir, "fig2-syn/"+htmlreport.Page)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(pdf)).To(HavePrefix("%PDF-"))
		Expect(len(pdf)).To(BeNumerically(">", 20_000), "text, tables and the picture")
	})

	It("takes screenshots of the index and of a scenario page", func() {
		d := copyDir(small)
		paths, err := htmlreport.Screenshots(browser, d, "fig2-syn")
		Expect(err).NotTo(HaveOccurred())
		Expect(paths).To(HaveLen(2))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(b[:8])).To(Equal("\x89PNG\r\n\x1a\n"), p)
		}
	})
})

func pagesOf(names []string) []string {
	var out []string
	for _, n := range names {
		out = append(out, n+"/"+htmlreport.Page)
	}
	return out
}

// scenarioWithMiss is fig2-syn expecting a UDP scan it does not do.
func scenarioWithMiss() *scenarios.Scenario {
	p := filepath.Join(GinkgoT().TempDir(), "miss.yaml")
	Expect(os.WriteFile(p, []byte(`name: miss
network:
  hosts:
    - name: victim
      open: [1, 7, 9, 13, 19, 21, 22, 23, 25]
scan:
  - nmap: -sS -P0 -p1-25 victim
expect:
  reference:
    present: [scan.udp]
`), 0o600)).To(Succeed())
	list, err := scenarios.ResolveAll(p)
	Expect(err).NotTo(HaveOccurred())
	return list[0]
}
