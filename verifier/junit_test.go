package verifier_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/verifier"
)

var _ = Describe("JUnit report", func() {
	It("writes one test case per scenario with counts that match the verdicts", func() {
		vs := []verifier.Verdict{
			{Scenario: "ok", Mode: "live", Checks: []verifier.Check{{OK: true}}, Elapsed: time.Second},
			{Scenario: "bad", Mode: "live", Checks: []verifier.Check{{OK: false, Want: "present scan.tcp-xmas", Pos: "bad.yaml:9", Detail: "reference reported: scan.tcp-syn"}}},
			{Scenario: "dropped", Mode: "live", Dropped: 3, Checks: []verifier.Check{{OK: true}}},
			{Scenario: "broken", Mode: "live", Err: errors.New("build lab: boom")},
			{Scenario: "ftp", Mode: "offline", Skipped: "live only"},
		}
		var b bytes.Buffer
		Expect(verifier.WriteJUnit(&b, vs, time.Unix(0, 0))).To(Succeed())
		var doc struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Errors   int `xml:"errors,attr"`
			Skipped  int `xml:"skipped,attr"`
			Suite    struct {
				Cases []struct {
					Name    string `xml:"name,attr"`
					Failure *struct {
						Message string `xml:"message,attr"`
						Text    string `xml:",chardata"`
					} `xml:"failure"`
					Error   *struct{} `xml:"error"`
					Skipped *struct{} `xml:"skipped"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		Expect(xml.Unmarshal(b.Bytes(), &doc)).To(Succeed())
		Expect([]int{doc.Tests, doc.Failures, doc.Errors, doc.Skipped}).To(Equal([]int{5, 2, 1, 1}))
		Expect(doc.Suite.Cases).To(HaveLen(5))
		Expect(doc.Suite.Cases[1].Failure.Text).To(ContainSubstring("bad.yaml:9: expected present scan.tcp-xmas"))
		Expect(doc.Suite.Cases[2].Failure.Message).To(ContainSubstring("inconclusive"))
		Expect(doc.Suite.Cases[3].Error).NotTo(BeNil())
		Expect(doc.Suite.Cases[4].Skipped).NotTo(BeNil())
	})
})

var _ = Describe("JSON summary", func() {
	DescribeTable("carries the exit code the run ends with",
		func(vs []verifier.Verdict, code int, counts map[string]int) {
			var b bytes.Buffer
			Expect(verifier.WriteSummary(&b, vs, time.Unix(0, 0), time.Second)).To(Succeed())
			var doc struct {
				ExitCode int            `json:"exit_code"`
				Counts   map[string]int `json:"counts"`
				Results  []struct {
					Status  string `json:"status"`
					Dropped uint64 `json:"dropped"`
				} `json:"results"`
			}
			Expect(json.Unmarshal(b.Bytes(), &doc)).To(Succeed())
			Expect(doc.ExitCode).To(Equal(code))
			Expect(doc.Counts).To(Equal(counts))
			Expect(doc.Results).To(HaveLen(len(vs)))
		},
		Entry("a pass", []verifier.Verdict{pass}, 0, map[string]int{"pass": 1}),
		Entry("an inconclusive run beside a pass", []verifier.Verdict{pass, inconc}, 3, map[string]int{"pass": 1, "inconclusive": 1}),
		Entry("a fail beside an inconclusive run", []verifier.Verdict{inconc, fail}, 1, map[string]int{"fail": 1, "inconclusive": 1}),
	)
})
