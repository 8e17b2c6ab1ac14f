package main_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// tableCellOf reads the Markdown table's cell of the row whose heading
// contains row, in the column headed col (a sid, † allowed after it).
func tableCellOf(md, row, col string) string {
	var header []string
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if header == nil {
			header = cells
			continue
		}
		if strings.Contains(cells[0], row) {
			i := slices.IndexFunc(header, func(h string) bool { return strings.TrimSuffix(h, "†") == col })
			Expect(i).To(BeNumerically(">", 0), "no column %s", col)
			return cells[i]
		}
	}
	Fail("no row " + row)
	return ""
}

var _ = Describe("siglab rules table", func() {
	realCap := func(name string) string { return filepath.Join("..", "..", "detector", "testdata", "real", name) }

	It("puts every nmap 2.02 technique and other tools' captures against the classic rules", func() {
		r := siglab("rules", "table", "--capture", "nmap 7.93 -sA="+realCap("nmap-ack.pcap"), "--capture", "nmap 7.93 -sS="+realCap("nmap-syn.pcap"))
		Expect(r.code).To(Equal(0), r.stderr)
		// nmap 2.02's ACK ping carried ack 0, which sid 628 keys on;
		// today's nmap sends a random ack.
		Expect(tableCellOf(r.stdout, "(tech-ping-ack)", "628")).To(Equal("**1**"))
		Expect(tableCellOf(r.stdout, "nmap 7.93 -sA", "628")).To(Equal("· ack"))
		// nmap 2.02 picked one of four windows per run; ET's rules key
		// each on one, and the 2048 one ships commented out. fig2-syn
		// has figure 2's window, 1024.
		Expect(tableCellOf(r.stdout, "(fig2-syn)", "2009582")).To(Equal("**1**"))
		Expect(tableCellOf(r.stdout, "(fig2-syn)", "2009583")).To(Equal("· window"))
		Expect(tableCellOf(r.stdout, "(tech-fragments)", "2000537")).To(Equal("**1**"))
		Expect(tableCellOf(r.stdout, "(tech-fragments)", "2009583")).To(Equal("· window"))
		Expect(tableCellOf(r.stdout, "nmap 7.93 -sS", "2009582")).To(Equal("**1**"))
		Expect(r.stdout).To(ContainSubstring("tech-fragments × 2009583: window: seen 2048, rule wants 3072"))
		Expect(r.stdout).To(ContainSubstring("**2000537** ET SCAN NMAP -sS (shipped commented out)"))
	})

	It("writes the file atomically with --out, and refuses a bad --capture with exit 2", func() {
		out := filepath.Join(GinkgoT().TempDir(), "reference.md")
		r := siglab("rules", "table", "--out", out)
		Expect(r.code).To(Equal(0), r.stderr)
		b, err := os.ReadFile(out)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(HavePrefix("# The classic nmap rules"))

		r = siglab("rules", "table", "--capture", "no-equals-sign")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring(`--capture "no-equals-sign": want LABEL=FILE`))
		r = siglab("rules", "table", "--capture", "x=/nonexistent.pcap")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring("/nonexistent.pcap"))
	})
})
