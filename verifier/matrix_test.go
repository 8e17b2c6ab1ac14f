package verifier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os/exec"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// requireTools skips loudly when a detector under test is not installed.
func requireTools(names ...string) {
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			Skip("*** " + n + " is not installed: the coverage matrix specs need it (.ci/run installs it) ***")
		}
	}
}

var _ = Describe("the coverage matrix", func() {
	ctx := context.Background()
	// row runs a catalogue scenario offline with every detector.
	row := func(name string) []verifier.Cell {
		s, err := scenarios.Find(name)
		Expect(err).NotTo(HaveOccurred())
		res, err := verifier.RunWith(ctx, s, verifier.Options{Offline: true, AllDetectors: true})
		Expect(err).NotTo(HaveOccurred())
		return res.Cells()
	}
	cellOf := func(cells []verifier.Cell, det string) verifier.Cell {
		for _, c := range cells {
			if c.Detector == det {
				return c
			}
		}
		Fail("no cell for " + det)
		return verifier.Cell{}
	}

	BeforeEach(func() { requireTools("p0f", "psad") })

	It("has a cell per detector of the set, saying what each reported and why one stayed silent on a scan", func() {
		cells := row("tech-null")
		Expect(cells).To(HaveLen(5))
		ref := cellOf(cells, "reference")
		Expect(ref.Outcome).To(Equal(verifier.CellMet))
		Expect(ref.Reported).To(ContainElement("scan.tcp-null"))
		sl := cellOf(cells, "scanlogd")
		Expect(sl.Outcome).To(Equal(verifier.CellMet))
		Expect(sl.Silent).To(BeFalse())
		Expect(sl.Reported).To(ConsistOf(ContainSubstring("flags=fsrpauxy")))
		ps := cellOf(cells, "psad")
		Expect(ps.Outcome).To(Equal(verifier.CellMet), "its section expects nothing of the scanner")
		Expect(ps.Silent).To(BeTrue())
		Expect(ps.Reasons).To(ContainElement(ContainSubstring("TCP packets without flags, which psad 2.4.6 cannot parse")))
		p0f := cellOf(cells, "p0f")
		Expect(p0f.Outcome).To(Equal(verifier.CellObserved), "tech-null has no p0f section")
		Expect(p0f.Reasons).To(ConsistOf(ContainSubstring("the capture holds 0")))
		rl := cellOf(cells, "rules")
		Expect(rl.Outcome).To(Equal(verifier.CellMet))
		Expect(rl.Reported).To(ConsistOf(`623 "SCAN NULL"`))
	})

	It("gives a miss its failed expectation and what the detector's rules saw", func() {
		s, err := scenarios.Find("threshold-scanlogd-under")
		Expect(err).NotTo(HaveOccurred())
		s.Expect.Detectors["scanlogd"] = scenarios.DetectorExpect{Present: []scenarios.Expectation{{Label: "198.18.0.2", Key: "source", Line: 99}}}
		res, err := verifier.RunWith(ctx, s, verifier.Options{Offline: true})
		Expect(err).NotTo(HaveOccurred())
		c := cellOf(res.Cells(), "scanlogd")
		Expect(c.Outcome).To(Equal(verifier.CellMissed))
		Expect(c.Failed).To(Equal(1))
		Expect(c.Reasons).To(ConsistOf(And(ContainSubstring("present 198.18.0.2 (scenarios/threshold-scanlogd-under.yaml:99)"),
			ContainSubstring("weight 18 < 21 (6 ports, 6 below 1024"))))
	})

	It("writes Markdown, JSON and JUnit that say the same", func() {
		m := verifier.NewMatrix([][]verifier.Cell{row("tech-null"), row("fig2-syn")})
		Expect(m.Scenarios).To(Equal([]string{"tech-null", "fig2-syn"}))
		Expect(m.Detectors).To(ConsistOf("reference", "p0f", "scanlogd", "psad", "rules"))

		var md bytes.Buffer
		Expect(m.WriteMarkdown(&md)).To(Succeed())
		lines := strings.Split(md.String(), "\n")
		Expect(lines[0]).To(HavePrefix("| scenario | "))
		Expect(md.String()).To(ContainSubstring("| tech-null | met 5/5: scan.tcp-null, tool.nmap-2.0x |"))
		Expect(md.String()).To(ContainSubstring("- **tech-null × psad** (met, silent): "))

		var js bytes.Buffer
		Expect(m.WriteJSON(&js)).To(Succeed())
		var back verifier.Matrix
		Expect(json.Unmarshal(js.Bytes(), &back)).To(Succeed())
		Expect(back).To(Equal(m))

		var ju bytes.Buffer
		Expect(m.WriteJUnit(&ju, time.Now())).To(Succeed())
		var suites struct {
			Tests  int `xml:"tests,attr"`
			Suites []struct {
				Cases []struct {
					Class string `xml:"classname,attr"`
					Name  string `xml:"name,attr"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		Expect(xml.Unmarshal(ju.Bytes(), &suites)).To(Succeed())
		Expect(suites.Tests).To(Equal(10)) // 2 scenarios × 5 detectors
		Expect(suites.Suites[0].Cases).To(ContainElement(HaveField("Class", "fig2-syn")))
	})
})
