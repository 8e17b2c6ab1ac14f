package reportmerge_test

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/reportmerge"
	"github.com/siglab/siglab/shard"
	"github.com/siglab/siglab/verifier"
)

// suiteNames is a suite of five scenarios.
var suiteNames = []string{"a", "b", "c", "d", "e"}

// writeShard writes a shard's summary.json with the verdicts vs for the
// scenarios at positions.
func writeShard(dir string, k, n int, positions []int, vs []verifier.Verdict) {
	Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
	rec := &verifier.ShardRecord{Index: k, Count: n, SuiteSize: len(suiteNames), SuiteHash: shard.SuiteHash(suiteNames)}
	for _, p := range positions {
		rec.Assigned = append(rec.Assigned, verifier.Assigned{Scenario: suiteNames[p], Position: p})
	}
	f, err := os.Create(filepath.Join(dir, verifier.ReportSummary))
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	Expect(verifier.WriteSummaryShard(f, vs, time.Now(), time.Second, rec)).To(Succeed())
}

func pass(name string) verifier.Verdict {
	return verifier.Verdict{Scenario: name, Mode: verifier.ModeOffline, Checks: []verifier.Check{{OK: true}}}
}

func fail(name string) verifier.Verdict {
	return verifier.Verdict{Scenario: name, Mode: verifier.ModeOffline, Checks: []verifier.Check{{OK: false, Want: "present x"}}}
}

func names(vs []verifier.Verdict) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Scenario)
	}
	return out
}

var _ = Describe("Merge", func() {
	var root string
	BeforeEach(func() { root = GinkgoT().TempDir() })
	dir := func(name string) string { return filepath.Join(root, name) }

	It("puts the shards' scenarios back in suite order, with no problem when they make the suite", func() {
		writeShard(dir("2"), 2, 2, []int{1, 3}, []verifier.Verdict{pass("b"), fail("d")})
		Expect(verifier.WriteReport(dir("2"), fail("d"), nil, nil, "")).To(Succeed())
		writeShard(dir("1"), 1, 2, []int{0, 2, 4}, []verifier.Verdict{pass("a"), pass("c"), pass("e")})
		res, err := reportmerge.Merge(dir("out"), []string{dir("2"), dir("1")})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Problems).To(BeEmpty())
		Expect(names(res.Verdicts)).To(Equal(suiteNames))
		Expect(res.Verdicts[3].Status()).To(Equal(verifier.StatusFail))
		Expect(res.Verdicts[3].Checks).To(Equal(fail("d").Checks), "from d's verdict.json")
		Expect(filepath.Join(dir("out"), "d", verifier.ReportVerdict)).To(BeARegularFile())
		for _, f := range []string{verifier.ReportJUnit, verifier.ReportSummary, "index.html"} {
			Expect(filepath.Join(dir("out"), f)).To(BeARegularFile())
		}
		Expect(filepath.Join(dir("out"), verifier.ReportMatrixJSON)).NotTo(BeAnExistingFile(), "no shard wrote a matrix")
	})

	It("names a shard cut short: scenarios given but not reported", func() {
		writeShard(dir("1"), 1, 2, []int{0, 2, 4}, []verifier.Verdict{pass("a")})
		writeShard(dir("2"), 2, 2, []int{1, 3}, []verifier.Verdict{pass("b"), pass("d")})
		res, err := reportmerge.Merge(dir("out"), []string{dir("1"), dir("2")})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Problems).To(ConsistOf("missing scenarios: 2 given to a shard but not reported (a shard cut short?): c, e"))
	})

	It("keeps the first of two equal reports of a scenario without complaint", func() {
		writeShard(dir("1"), 1, 1, []int{0, 1, 2, 3, 4}, []verifier.Verdict{pass("a"), pass("b"), pass("c"), pass("d"), pass("e")})
		writeShard(dir("1b"), 1, 1, []int{0, 1, 2, 3, 4}, []verifier.Verdict{pass("a"), pass("b"), pass("c"), pass("d"), pass("e")})
		res, err := reportmerge.Merge(dir("out"), []string{dir("1"), dir("1b")})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Problems).To(BeEmpty())
		Expect(res.Verdicts).To(HaveLen(5))
	})

	It("refuses a failure whose checks are not there to say why", func() {
		writeShard(dir("1"), 1, 1, []int{0, 1, 2, 3, 4}, []verifier.Verdict{pass("a"), fail("b"), pass("c"), pass("d"), pass("e")})
		_, err := reportmerge.Merge(dir("out"), []string{dir("1")})
		Expect(errors.Is(err, reportmerge.ErrInput)).To(BeTrue())
		Expect(err).To(MatchError(ContainSubstring("summary.json says b is fail, but its verdict.json (checks) makes it pass")))
		Expect(dir("out")).NotTo(BeAnExistingFile(), "nothing written")
	})

	It("refuses the output as an input", func() {
		writeShard(dir("1"), 1, 1, []int{0}, []verifier.Verdict{pass("a")})
		_, err := reportmerge.Merge(dir("1"), []string{dir("1")})
		Expect(errors.Is(err, reportmerge.ErrInput)).To(BeTrue())
		Expect(err).To(MatchError(ContainSubstring("both an input and the output")))
	})

	It("refuses a result the shard was not given", func() {
		writeShard(dir("1"), 1, 2, []int{0}, []verifier.Verdict{pass("a"), pass("b")})
		_, err := reportmerge.Merge(dir("out"), []string{dir("1")})
		Expect(errors.Is(err, reportmerge.ErrInput)).To(BeTrue())
		Expect(err).To(MatchError(ContainSubstring(`result for "b", which the shard was not given`)))
		Expect(dir("out")).NotTo(BeAnExistingFile(), "nothing written")
	})
})
