package verifier_test

import (
	"errors"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/verifier"
)

var (
	okCheck   = verifier.Check{Detector: "reference", Want: "present scan.tcp-syn", Present: true, Pos: "f.yaml:30", OK: true}
	failCheck = verifier.Check{Detector: "reference", Want: "absent tool.nmap-2.0x", Pos: "scenarios/benign-tcp.yaml:44",
		Detail: "reference reported tool.nmap-2.0x from 198.18.0.2 because: window 1024"}

	pass   = verifier.Verdict{Scenario: "fig2-syn", Mode: "offline", Checks: []verifier.Check{okCheck, okCheck}, Packets: 52, Elapsed: 1234 * time.Millisecond}
	fail   = verifier.Verdict{Scenario: "benign-tcp", Mode: "live", Checks: []verifier.Check{okCheck, failCheck}, Packets: 90, Elapsed: 3 * time.Second}
	inconc = verifier.Verdict{Scenario: "dropped", Mode: "live", Checks: []verifier.Check{okCheck}, Dropped: 4, Packets: 7}
	errd   = verifier.Verdict{Scenario: "broken", Mode: "live", Err: errors.New("setup: no such personality irix-9"), Checks: []verifier.Check{okCheck}}
)

var _ = Describe("Verdict.Status", func() {
	DescribeTable("ranks error over drops over failed checks",
		func(v verifier.Verdict, want verifier.Status) { Expect(v.Status()).To(Equal(want)) },
		Entry("all checks ok", pass, verifier.StatusPass),
		Entry("a check failed", fail, verifier.StatusFail),
		Entry("drops with all checks ok", inconc, verifier.StatusInconclusive),
		Entry("drops with a failed check", with(fail, func(v *verifier.Verdict) { v.Dropped = 1 }), verifier.StatusInconclusive),
		Entry("error with drops", with(inconc, func(v *verifier.Verdict) { v.Err = errors.New("x") }), verifier.StatusError),
		Entry("error with all checks ok", errd, verifier.StatusError),
	)
})

var _ = Describe("ExitCode", func() {
	skip := verifier.Verdict{Scenario: "ftp", Mode: "offline", Skipped: "live only"}
	DescribeTable("0 all pass, 2 any error, else 1 any fail, else 3 any inconclusive",
		func(vs []verifier.Verdict, want int) { Expect(verifier.ExitCode(vs)).To(Equal(want)) },
		Entry("nothing run", nil, 0),
		Entry("all pass", []verifier.Verdict{pass, pass}, 0),
		Entry("a skip counts as no problem", []verifier.Verdict{pass, skip}, 0),
		Entry("one fail", []verifier.Verdict{pass, fail}, 1),
		Entry("one inconclusive", []verifier.Verdict{inconc, pass}, 3),
		Entry("only inconclusive", []verifier.Verdict{inconc, inconc}, 3),
		Entry("fail after inconclusive: the definite failure wins", []verifier.Verdict{inconc, fail}, 1),
		Entry("fail before inconclusive", []verifier.Verdict{fail, inconc, pass}, 1),
		Entry("a failed check with drops is inconclusive, not fail", []verifier.Verdict{with(fail, func(v *verifier.Verdict) { v.Dropped = 3 })}, 3),
		Entry("error before a fail", []verifier.Verdict{errd, fail}, 2),
		Entry("error after a fail", []verifier.Verdict{fail, inconc, errd}, 2),
		Entry("error after inconclusive", []verifier.Verdict{inconc, errd}, 2),
	)

	It("names its codes as the README documents them", func() {
		Expect([]int{verifier.ExitPass, verifier.ExitFail, verifier.ExitError, verifier.ExitInconclusive}).To(Equal([]int{0, 1, 2, 3}))
	})
})

var _ = Describe("WriteTable", func() {
	It("aligns the table, lists each failure, and sums up", func() {
		var b strings.Builder
		Expect(verifier.WriteTable(&b, []verifier.Verdict{pass, fail, inconc, errd})).To(Succeed())
		Expect(b.String()).To(Equal(`SCENARIO    MODE     PACKETS  CHECKS  TIME   VERDICT
fig2-syn    offline  52       2/2     1.23s  pass
benign-tcp  live     90       1/2     3.00s  fail
dropped     live     7        1/1     0.00s  inconclusive
broken      live     0        1/1     0.00s  error
  benign-tcp: scenarios/benign-tcp.yaml:44: expected absent tool.nmap-2.0x: reference reported tool.nmap-2.0x from 198.18.0.2 because: window 1024
  dropped: inconclusive: the sensor dropped 4 packets
  broken: error: setup: no such personality irix-9
1 passed, 1 failed, 1 inconclusive, 1 errors
`))
	})

	It("leaves zero counts out of the summary", func() {
		var b strings.Builder
		Expect(verifier.WriteTable(&b, []verifier.Verdict{pass, pass, fail})).To(Succeed())
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		Expect(lines[len(lines)-1]).To(Equal("2 passed, 1 failed"))
		Expect(lines).To(HaveLen(6), "header, three rows, one failure, summary: %q", lines)
	})

	It("prints a header and a zero summary for no verdicts", func() {
		var b strings.Builder
		Expect(verifier.WriteTable(&b, nil)).To(Succeed())
		Expect(b.String()).To(Equal("SCENARIO  MODE  PACKETS  CHECKS  TIME  VERDICT\n0 passed, 0 failed\n"))
	})

	It("reports a writer error", func() {
		Expect(verifier.WriteTable(failingWriter{}, []verifier.Verdict{pass})).To(MatchError(errWrite))
	})
})

func with(v verifier.Verdict, change func(*verifier.Verdict)) verifier.Verdict {
	v.Checks = append([]verifier.Check(nil), v.Checks...)
	change(&v)
	return v
}

var errWrite = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }
