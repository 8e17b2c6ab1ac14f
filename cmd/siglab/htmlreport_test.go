package main_test

import (
	"context"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/htmlreport"
)

// checkHTMLReport opens a report in headless Chromium and checks it
// (htmlreport.Verify: every row, every picture drawn with its marks, no
// console error) and its links; it returns the scenario pages seen.
func checkHTMLReport(dir string) int {
	Expect(htmlreport.Links(dir)).To(Succeed())
	path, err := htmlreport.FindBrowser()
	Expect(err).NotTo(HaveOccurred(), "*** no headless Chromium: .ci/run (scripts/install-deps.sh test) must apt-get install chromium-headless-shell ***")
	b, err := htmlreport.Start(context.Background(), path)
	Expect(err).NotTo(HaveOccurred())
	defer b.Close()
	ins, err := htmlreport.Inspect(b, dir)
	Expect(err).NotTo(HaveOccurred())
	Expect(htmlreport.Verify(dir, ins)).To(Succeed())
	return len(ins.Pages)
}

var _ = Describe("siglab run --report: the HTML report", func() {
	It("writes index.html and a page with its picture per scenario, and with --screenshots PNGs of both", func() {
		dir := GinkgoT().TempDir()
		r := siglab("run", "--offline", "--screenshots", "--report", dir, "fig2-syn", "tech-ping-sweep", "tech-ftp-bounce")
		Expect(r.code).To(Equal(0), r.stdout+r.stderr)
		Expect(filepath.Join(dir, htmlreport.Page)).To(BeARegularFile())
		Expect(filepath.Join(dir, "tech-ping-sweep", htmlreport.Picture)).To(BeARegularFile())
		Expect(checkHTMLReport(dir)).To(Equal(3), "the skipped scenario has its page too, saying why it has no picture")
		for _, png := range []string{"index.png", "fig2-syn.png"} {
			b, err := os.ReadFile(filepath.Join(dir, htmlreport.ScreenshotDir, png))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(b[:4])).To(Equal("\x89PNG"))
			Expect(r.stderr).To(ContainSubstring("screenshot: " + filepath.Join(dir, htmlreport.ScreenshotDir, png)))
		}
	})

	It("refuses --screenshots without --report, before anything runs", func() {
		r := siglab("run", "--offline", "--screenshots", "fig2-syn")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring("--screenshots: needs --report DIR"))
		Expect(r.stdout).To(BeEmpty())
	})
})
