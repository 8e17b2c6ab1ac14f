package verifier_test

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

var scanner = netip.MustParseAddr("198.18.0.2")

func finding(label string, attrs map[string]string, evidence ...string) detector.Finding {
	return detector.Finding{Label: label, Scanner: scanner, Attrs: attrs, Evidence: evidence}
}

func exp(label string, line int, attrs map[string]string) scenarios.Expectation {
	return scenarios.Expectation{Label: label, Attrs: attrs, Line: line}
}

var fig2Findings = []detector.Finding{
	finding("scan.tcp-syn", nil, "fixed source port 42558 on 25 SYNs", "window 1024"),
	finding("tool.nmap-2.0x", map[string]string{"version": "2.02"}, "SYN-FIN-PUSH probe to an open port"),
	finding("osdetect", map[string]string{"generation": "nmap-1", "outcome": "retried", "attempts": "3"}),
}

var _ = Describe("CheckFindings", func() {
	DescribeTable("one expectation against fig2-like findings",
		func(present bool, e scenarios.Expectation, fs []detector.Finding, ok bool, detail string) {
			de := scenarios.DetectorExpect{}
			if present {
				de.Present = []scenarios.Expectation{e}
			} else {
				de.Absent = []scenarios.Expectation{e}
			}
			cs := verifier.CheckFindings("reference", "s.yaml", de, fs)
			Expect(cs).To(HaveLen(1))
			c := cs[0]
			Expect(c.Detector).To(Equal("reference"))
			Expect(c.Present).To(Equal(present))
			Expect(c.Pos).To(Equal("s.yaml:12"))
			Expect(c.OK).To(Equal(ok))
			Expect(c.Detail).To(Equal(detail))
		},
		Entry("present label found", true, exp("scan.tcp-syn", 12, nil), fig2Findings, true, ""),
		Entry("present label with matching attrs", true,
			exp("osdetect", 12, map[string]string{"generation": "nmap-1", "attempts": "3"}), fig2Findings, true, ""),
		Entry("present label, nothing reported", true, exp("scan.tcp-syn", 12, nil), nil, false,
			"reference reported nothing"),
		Entry("present label missing lists what was reported", true, exp("seqprobe", 12, nil), fig2Findings, false,
			"reference reported: scan.tcp-syn, tool.nmap-2.0x (version=2.02), osdetect (attempts=3, generation=nmap-1, outcome=retried)"),
		Entry("near miss names the differing attr", true,
			exp("osdetect", 12, map[string]string{"generation": "nmap-1", "outcome": "fingerprinted"}), fig2Findings, false,
			"osdetect reported outcome=retried, expected fingerprinted; "+
				"reference reported: scan.tcp-syn, tool.nmap-2.0x (version=2.02), osdetect (attempts=3, generation=nmap-1, outcome=retried)"),
		Entry("near miss on an attr the finding lacks", true,
			exp("scan.tcp-syn", 12, map[string]string{"decoys": "2"}), fig2Findings[:1], false,
			"scan.tcp-syn reported no decoys, expected 2; reference reported: scan.tcp-syn"),
		Entry("near misses from two scanners say which", true,
			exp("osdetect", 12, map[string]string{"outcome": "fingerprinted"}),
			[]detector.Finding{
				{Label: "osdetect", Scanner: netip.MustParseAddr("198.18.0.2"), Attrs: map[string]string{"outcome": "retried"}},
				{Label: "osdetect", Scanner: netip.MustParseAddr("198.18.0.3"), Attrs: map[string]string{"outcome": "no-open-port"}},
			}, false,
			"osdetect from 198.18.0.2 reported outcome=retried, expected fingerprinted; "+
				"osdetect from 198.18.0.3 reported outcome=no-open-port, expected fingerprinted; "+
				"reference reported: osdetect (outcome=retried), osdetect (outcome=no-open-port)"),
		Entry("absent label not reported", false, exp("tool.nmap-modern", 12, nil), fig2Findings, true, ""),
		Entry("absent label with attrs that do not match", false,
			exp("osdetect", 12, map[string]string{"outcome": "fingerprinted"}), fig2Findings, true, ""),
		Entry("absent label reported names finding, scanner and evidence", false,
			exp("scan.tcp-syn", 12, nil), fig2Findings, false,
			"reference reported scan.tcp-syn from 198.18.0.2 because: fixed source port 42558 on 25 SYNs"),
		Entry("absent label reported without evidence", false,
			exp("osdetect", 12, map[string]string{"outcome": "retried"}), fig2Findings, false,
			"reference reported osdetect (attempts=3, generation=nmap-1, outcome=retried) from 198.18.0.2 with no evidence"),
		Entry("absent label reported twice counts the rest", false,
			exp("scan.tcp-syn", 12, nil),
			[]detector.Finding{finding("scan.tcp-syn", nil, "a"), finding("scan.tcp-syn", nil, "b"), finding("scan.tcp-syn", nil, "c")}, false,
			"reference reported scan.tcp-syn from 198.18.0.2 because: a (and 2 more such findings)"),
	)

	It("keeps file order and writes Want as the file does", func() {
		de := scenarios.DetectorExpect{
			Present: []scenarios.Expectation{
				exp("scan.tcp-syn", 10, nil),
				exp("osdetect", 11, map[string]string{"outcome": "retried", "generation": "nmap-1"}),
			},
			Absent: []scenarios.Expectation{exp("tool.nmap-modern", 12, nil)},
		}
		cs := verifier.CheckFindings("reference", "f.yaml", de, fig2Findings)
		Expect(cs).To(Equal([]verifier.Check{
			{Detector: "reference", Want: "present scan.tcp-syn", Present: true, Pos: "f.yaml:10", OK: true},
			{Detector: "reference", Want: "present {label: osdetect, generation: nmap-1, outcome: retried}", Present: true, Pos: "f.yaml:11", OK: true},
			{Detector: "reference", Want: "absent tool.nmap-modern", Present: false, Pos: "f.yaml:12", OK: true},
		}))
	})

	It("checks the catalogue's fig2-syn expectations", func() {
		s, err := scenarios.Find("fig2-syn")
		Expect(err).NotTo(HaveOccurred())
		syn := finding("scan.tcp-syn", map[string]string{"open": "9"}, "fixed source port 42558 on 25 SYNs")
		syn.Ports = 25
		fs := []detector.Finding{syn, finding("tool.nmap-2.0x", map[string]string{"version": "2.0x"})}
		cs := verifier.CheckFindings("reference", s.File, s.Expect.Detectors["reference"], fs)
		Expect(cs).To(HaveLen(4))
		for _, c := range cs {
			Expect(c.OK).To(BeTrue(), c.Want)
			Expect(c.Pos).To(MatchRegexp(`^scenarios/fig2-syn\.yaml:\d+$`))
		}
		cs = verifier.CheckFindings("reference", s.File, s.Expect.Detectors["reference"],
			append(fs, finding("tool.nmap-modern", nil, "window 1024 with options")))
		Expect(cs[2].OK).To(BeFalse())
	})
})

const fig3Output = `Starting nmap V. 2.02 by Fyodor (fyodor@dhp.com, www.insecure.org/nmap/)
Initiating SYN half-open stealth scan against victim (198.18.1.2)
Adding TCP port 7 (state Open).
Adding TCP port 1 (state Open).
The SYN scan took 0 seconds to scan 25 ports.
Interesting ports on victim (198.18.1.2):
`

var _ = Describe("CheckOutput", func() {
	oe := scenarios.OutputExpect{
		Contains: []string{"Interesting ports on", "Adding TCP port 9 (state Open)."},
		Lines:    []int{20, 21},
		Line:     18,
	}

	It("passes strings that are there and explains the ones that are not", func() {
		cs := verifier.CheckOutput("f.yaml", oe, fig3Output)
		Expect(cs).To(Equal([]verifier.Check{
			{Detector: verifier.OutputDetector, Want: `contains "Interesting ports on"`, Present: true, Pos: "f.yaml:20", OK: true},
			{Detector: verifier.OutputDetector, Want: `contains "Adding TCP port 9 (state Open)."`, Present: true, Pos: "f.yaml:21",
				Detail: `not in nmap's output (6 lines); the most similar line is "Adding TCP port 7 (state Open)."`},
		}))
	})

	It("says when nmap printed nothing", func() {
		cs := verifier.CheckOutput("f.yaml", oe, "")
		Expect(cs[0].OK).To(BeFalse())
		Expect(cs[0].Detail).To(Equal("nmap printed nothing"))
	})

	It("gives no similar line when nothing is alike", func() {
		cs := verifier.CheckOutput("f.yaml", scenarios.OutputExpect{Contains: []string{"QQQQ"}, Line: 3}, fig3Output)
		Expect(cs[0].Pos).To(Equal("f.yaml:3"), "falls back to the nmap_output line")
		Expect(cs[0].Detail).To(Equal("not in nmap's output (6 lines)"))
	})

	It("is case and space exact", func() {
		cs := verifier.CheckOutput("f.yaml", scenarios.OutputExpect{Contains: []string{"interesting ports on"}}, fig3Output)
		Expect(cs[0].OK).To(BeFalse())
		Expect(cs[0].Pos).To(Equal("f.yaml"))
	})
})

var _ = Describe("exact counts in expectations", func() {
	It("compares packets, ports, targets and scanner with the finding's own fields", func() {
		f := detector.Finding{Label: "scan.tcp-syn", Scanner: netip.MustParseAddr("198.18.0.2"),
			Targets: []netip.Addr{netip.MustParseAddr("198.18.1.2")}, Packets: 25, Ports: 25}
		ok := scenarios.DetectorExpect{Present: []scenarios.Expectation{{Label: "scan.tcp-syn",
			Attrs: map[string]string{"packets": "25", "ports": "25", "targets": "1", "scanner": "198.18.0.2"}}}}
		Expect(verifier.CheckFindings("reference", "x.yaml", ok, []detector.Finding{f})[0].OK).To(BeTrue())
		off := scenarios.DetectorExpect{Present: []scenarios.Expectation{{Label: "scan.tcp-syn", Attrs: map[string]string{"ports": "24"}}}}
		c := verifier.CheckFindings("reference", "x.yaml", off, []detector.Finding{f})[0]
		Expect(c.OK).To(BeFalse())
		Expect(c.Detail).To(ContainSubstring("ports=25, expected 24"))
	})
})

var _ = Describe("explaining a miss", func() {
	It("names what the detector concluded instead in the same family, with its evidence", func() {
		fs := []detector.Finding{finding("tool.nmap-modern", nil, "MSS 1460 on every scan SYN", "window 1024"), finding("scan.tcp-syn", nil)}
		de := scenarios.DetectorExpect{Present: []scenarios.Expectation{{Label: "tool.nmap-2.0x", Line: 7}}}
		c := verifier.CheckFindings("reference", "x.yaml", de, fs)[0]
		Expect(c.OK).To(BeFalse())
		Expect(c.Detail).To(ContainSubstring("instead tool.nmap-modern from 198.18.0.2: MSS 1460 on every scan SYN, window 1024"))
	})
})
