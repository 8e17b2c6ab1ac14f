package main_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/htmlreport"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/verifier"
)

// exampleMatrix is the 1,008-point example, from the package directory.
const exampleMatrix = "../../scenarios/matrix/technique-matrix.yaml"

// smallSuite is a suite of catalogue scenarios and a 12-point matrix: a
// few of every kind, small enough to run many times.
func smallSuite() []string {
	dir := GinkgoT().TempDir()
	m := `name: mini
matrix:
  technique:
    syn: {flags: -sS}
    fin: {flags: -sF}
    xmas: {flags: -sX}
  stack:
    kernel: {stack: kernel}
    irix: {stack: personality/irix-6.2}
  ports:
    top: {open: [21, 22], range: 1-40}
    none: {open: [], range: 1-40}
network:
  hosts:
    - name: victim
      stack: ${stack.stack}
      open: ${ports.open}
scan:
  - nmap: -v ${technique.flags} -P0 -p${ports.range} victim
expect:
  reference:
    absent: [tool.nmap-modern]
expect_by:
  technique:
    syn: {reference: {present: [scan.tcp-syn]}}
    fin: {reference: {present: [scan.tcp-fin]}}
    xmas: {reference: {present: [scan.tcp-xmas]}}
expect_when:
  # A deliberate miss, so the merge carries a failure's text: IRIX
  # answers FIN probes to open ports with a RST (T2 Resp=Y).
  - when: {technique: fin, stack: irix, ports: top}
    expect: {nmap_output: {contains: ["21      open        tcp"]}}
`
	f := filepath.Join(dir, "mini.yaml")
	Expect(os.WriteFile(f, []byte(m), 0o644)).To(Succeed())
	return []string{"fig2-syn", "tech-fin", "tech-udp", "tech-ftp-bounce", "benign-tcp", f}
}

// siglabEnv runs siglab with extra environment variables.
func siglabEnv(env []string, args ...string) result {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	return runCmd(cmd)
}

// timesRE matches the attributes and fields that hold times.
var timesRE = regexp.MustCompile(`\s(time|timestamp)="[^"]*"`)

func withoutTimes(path string) string {
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return timesRE.ReplaceAllString(string(b), "")
}

// summaryResults reads a summary.json's results without their times.
func summaryResults(path string) []verifier.SummaryResult {
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	var s verifier.Summary
	Expect(json.Unmarshal(b, &s)).To(Succeed())
	for i := range s.Results {
		s.Results[i].Elapsed = 0
	}
	return s.Results
}

// scenarioColumn is the verdict table's scenario names.
func scenarioColumn(table string) []string {
	var out []string
	for _, l := range strings.Split(table, "\n")[1:] {
		if f := strings.Fields(l); len(f) > 4 && (f[1] == "offline" || f[1] == "live") {
			out = append(out, f[0])
		}
	}
	return out
}

var _ = Describe("siglab scenarios --expand", func() {
	It("lists a matrix file's scenarios, one stable name a line", func() {
		r := siglab("scenarios", "--expand", exampleMatrix)
		Expect(r.code).To(Equal(0), r.stderr)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		Expect(len(lines)).To(BeNumerically(">=", 1000))
		Expect(lines[0]).To(Equal("technique-matrix[technique=syn,stack=kernel,ports=top,timing=linux20]"))
		Expect(siglab("scenarios", "--expand", exampleMatrix).stdout).To(Equal(r.stdout))
	})

	It("refuses a bad matrix with file:line and exit 2", func() {
		f := filepath.Join(GinkgoT().TempDir(), "bad.yaml")
		Expect(os.WriteFile(f, []byte("name: b\nmatrix:\n  a: {x: {v: 1}}\nscan:\n  - nmap: -sS ${a.w}\n"), 0o644)).To(Succeed())
		r := siglab("scenarios", "--expand", f)
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(Equal("siglab: --expand: " + f + `:5: ${a.w}: value a=x (line 3) sets no variable "w" (in b[a=x])` + "\n"))
	})
})

// liveSample is the 30-point matrix for live runs.
const liveSample = "../../scenarios/matrix/live-sample.yaml"

var _ = Describe("siglab run on the example matrices", func() {
	It("passes all of the technique matrix's 1,008 scenarios offline", func() {
		r := siglab("run", "--offline", "--parallel", "2", exampleMatrix)
		Expect(r.code).To(Equal(0), r.stdout+r.stderr)
		Expect(r.stdout).To(HaveSuffix("1008 passed, 0 failed\n"))
	})

	It("passes the live sample's 30 scenarios offline", func() {
		r := siglab("run", "--offline", liveSample)
		Expect(r.code).To(Equal(0), r.stdout+r.stderr)
		Expect(r.stdout).To(HaveSuffix("30 passed, 0 failed\n"))
	})

	It("gives the live sample's verdicts live as three concurrent shards as in one run", Label("root"), func() {
		netnstest.RequireRoot()
		whole := siglab("run", "--parallel", "2", liveSample)
		Expect(whole.code).To(Equal(0), whole.stdout+whole.stderr)
		outs := make([]string, 3)
		var wg sync.WaitGroup
		for k := range 3 {
			wg.Go(func() {
				defer GinkgoRecover()
				r := siglab("run", "--parallel", "2", "--shard", string(rune('1'+k))+"/3", liveSample)
				Expect(r.code).To(Equal(0), r.stdout+r.stderr)
				outs[k] = r.stdout
			})
		}
		wg.Wait()
		var sharded []string
		for _, o := range outs {
			sharded = append(sharded, verdictLines(o)...)
		}
		Expect(sharded).To(ConsistOf(verdictLines(whole.stdout)))
		Expect(sharded).To(HaveLen(30))
	})
})

// verdictLines is each row of a verdict table as scenario, checks and
// verdict (no packets or time, which vary between live runs).
func verdictLines(table string) []string {
	var out []string
	for _, l := range strings.Split(table, "\n") {
		if f := strings.Fields(l); len(f) >= 6 && (f[1] == "offline" || f[1] == "live") {
			out = append(out, f[0]+" "+f[3]+" "+f[len(f)-1])
		}
	}
	return out
}

var _ = Describe("siglab run --shard", func() {
	DescribeTable("refuses a bad shard with one line and exit 2, before anything runs",
		func(env []string, says string, args ...string) {
			r := siglabEnv(env, append([]string{"run", "--offline"}, append(args, "fig2-syn")...)...)
			Expect(r.code).To(Equal(2))
			Expect(r.stdout).To(BeEmpty())
			Expect(r.stderr).To(ContainSubstring(says))
			Expect(strings.Count(r.stderr, "\n")).To(Equal(1))
		},
		Entry("K of 0 (K counts from 1)", nil, "K counts from 1 to N (4)", "--shard", "0/4"),
		Entry("K above N", nil, "K counts from 1 to N (4)", "--shard", "5/4"),
		Entry("no N", nil, "write K/N", "--shard", "3"),
		Entry("--shards disagreeing", nil, "disagree on the number of shards", "--shard", "1/4", "--shards", "3"),
		Entry("--shards outside a Job", nil, "say which shard with --shard K/N", "--shards", "3"),
		Entry("a Job's index without a count", []string{"JOB_COMPLETION_INDEX=0", "SIGLAB_SHARDS="}, "neither --shards nor SIGLAB_SHARDS"),
		Entry("a Job's index past the count", []string{"JOB_COMPLETION_INDEX=3", "SIGLAB_SHARDS=3"}, "K counts from 1 to N (3)"),
		Entry("a bad timings file", nil, "--timings", "--shard", "1/2", "--timings", "/nonexistent/summary.json"),
	)

	It("honours a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (from 0) with SIGLAB_SHARDS or --shards", func() {
		suite := smallSuite()
		want := siglab(append([]string{"run", "--offline", "--shard", "2/3"}, suite...)...)
		Expect(want.stderr).To(ContainSubstring("shard 2/3: "))
		fromEnv := siglabEnv([]string{"JOB_COMPLETION_INDEX=1", "SIGLAB_SHARDS=3"}, append([]string{"run", "--offline"}, suite...)...)
		Expect(fromEnv.stderr).To(ContainSubstring("shard 2/3: "))
		Expect(scenarioColumn(fromEnv.stdout)).To(Equal(scenarioColumn(want.stdout)))
		fromFlag := siglabEnv([]string{"JOB_COMPLETION_INDEX=1"}, append([]string{"run", "--offline", "--shards", "3"}, suite...)...)
		Expect(scenarioColumn(fromFlag.stdout)).To(Equal(scenarioColumn(want.stdout)))
	})

	It("runs as N concurrent processes whose merged report is the unsharded run's, apart from times", func() {
		suite := smallSuite()
		root := GinkgoT().TempDir()
		whole := siglab(append([]string{"run", "--offline", "--report", filepath.Join(root, "whole")}, suite...)...)
		Expect(whole.code).To(Equal(1), "the mini matrix fails one point on purpose: "+whole.stdout+whole.stderr)
		const n = 3
		dirs := make([]string, n)
		codes := make([]int, n)
		var wg sync.WaitGroup
		for k := range n {
			dirs[k] = filepath.Join(root, "shard", string(rune('1'+k)))
			wg.Go(func() {
				defer GinkgoRecover()
				codes[k] = siglab(append([]string{"run", "--offline", "--shard", string(rune('1'+k)) + "/3", "--report", dirs[k]}, suite...)...).code
			})
		}
		wg.Wait()
		Expect(codes).To(ContainElement(1)) // the failing point is in one of them
		out := filepath.Join(root, "merged")
		merged := siglab(append([]string{"report", "merge", out}, dirs...)...)
		Expect(merged.code).To(Equal(1), merged.stderr)
		Expect(merged.stderr).To(BeEmpty(), "no problem with the shards")
		Expect(timeless(merged.stdout)).To(Equal(timeless(whole.stdout)), "the same verdict table")
		for _, f := range []string{verifier.ReportJUnit, verifier.ReportMatrixJUnit} {
			Expect(withoutTimes(filepath.Join(out, f))).To(Equal(withoutTimes(filepath.Join(root, "whole", f))), f)
		}
		for _, f := range []string{verifier.ReportMatrixJSON, verifier.ReportMatrixMD} {
			Expect(os.ReadFile(filepath.Join(out, f))).To(Equal(must(os.ReadFile(filepath.Join(root, "whole", f)))), f)
		}
		Expect(summaryResults(filepath.Join(out, verifier.ReportSummary))).To(Equal(summaryResults(filepath.Join(root, "whole", verifier.ReportSummary))))
		Expect(filepath.Join(out, "mini[technique=fin,stack=irix,ports=top]", verifier.ReportVerdict)).To(BeARegularFile())
		Expect(filepath.Join(out, "index.html")).To(BeARegularFile())
		Expect(htmlreport.Links(out)).To(Succeed(), "every page's links resolve in the merged report")
	})
})

// timeless blanks the verdict table's TIME column (and the padding its
// width changes).
func timeless(table string) string {
	t := regexp.MustCompile(`\d+\.\d\ds`).ReplaceAllString(table, "")
	return regexp.MustCompile(` +`).ReplaceAllString(t, " ")
}

func must[T any](v T, err error) T {
	Expect(err).NotTo(HaveOccurred())
	return v
}

var _ = Describe("siglab report merge", func() {
	// shards runs the small suite as three shards and returns their
	// report directories.
	shards := func() []string {
		suite := smallSuite()
		root := GinkgoT().TempDir()
		var dirs []string
		for _, k := range []string{"1", "2", "3"} {
			d := filepath.Join(root, k)
			siglab(append([]string{"run", "--offline", "--shard", k + "/3", "--report", d}, suite...)...)
			dirs = append(dirs, d)
		}
		return dirs
	}

	It("balances shards by --timings from a run's summary.json, every scenario still in one shard", func() {
		suite := smallSuite()
		root := GinkgoT().TempDir()
		siglab(append([]string{"run", "--offline", "--report", filepath.Join(root, "whole")}, suite...)...)
		var all []string
		for _, k := range []string{"1", "2", "3"} {
			r := siglab(append([]string{"run", "--offline", "--shard", k + "/3", "--timings", filepath.Join(root, "whole", verifier.ReportSummary)}, suite...)...)
			all = append(all, scenarioColumn(r.stdout)...)
		}
		whole := siglab(append([]string{"run", "--offline"}, suite...)...)
		Expect(all).To(ConsistOf(scenarioColumn(whole.stdout)))
	})

	It("reports missing shards and what they held, exit 1", func() {
		dirs := shards()
		out := filepath.Join(GinkgoT().TempDir(), "m")
		r := siglab("report", "merge", out, dirs[0], dirs[2])
		Expect(r.code).To(Equal(1))
		Expect(r.stderr).To(MatchRegexp(`siglab: report merge: missing shards: 2/3 \(1 of 3\); \d+ of the suite's 17 scenarios are not in the merge`))
		Expect(filepath.Join(out, verifier.ReportJUnit)).To(BeARegularFile(), "what there is is merged")
	})

	It("reports a scenario reported twice with different results as a conflict, exit 1", func() {
		dirs := shards()
		// A second report of shard 1 in which its first scenario failed.
		again := filepath.Join(GinkgoT().TempDir(), "again")
		Expect(exec.Command("cp", "-r", dirs[0], again).Run()).To(Succeed())
		path := filepath.Join(again, verifier.ReportSummary)
		var s map[string]any
		Expect(json.Unmarshal(must(os.ReadFile(path)), &s)).To(Succeed())
		first := s["results"].([]any)[0].(map[string]any)
		first["status"] = "fail"
		Expect(os.WriteFile(path, must(json.Marshal(s)), 0o644)).To(Succeed())
		r := siglab("report", "merge", filepath.Join(GinkgoT().TempDir(), "m"), dirs[0], dirs[1], dirs[2], again)
		Expect(r.code).To(Equal(1))
		Expect(r.stderr).To(ContainSubstring("siglab: report merge: conflict: " + first["scenario"].(string) + " is pass"))
		Expect(r.stderr).To(ContainSubstring("but fail ("))
	})

	It("reports a shard of another suite, exit 1", func() {
		dirs := shards()
		other := filepath.Join(GinkgoT().TempDir(), "other")
		siglab("run", "--offline", "--shard", "1/3", "--report", other, "fig2-syn", "tech-fin", "tech-xmas")
		r := siglab("report", "merge", filepath.Join(GinkgoT().TempDir(), "m"), dirs[0], dirs[1], dirs[2], other)
		Expect(r.code).To(Equal(1))
		Expect(r.stderr).To(ContainSubstring("of another suite"))
	})

	DescribeTable("refuses what is not a shard's report with one line, exit 2",
		func(prepare func(dir string), says string) {
			dir := GinkgoT().TempDir()
			prepare(dir)
			r := siglab("report", "merge", filepath.Join(GinkgoT().TempDir(), "m"), dir)
			Expect(r.code).To(Equal(2))
			Expect(r.stderr).To(ContainSubstring(says))
			Expect(strings.Count(r.stderr, "\n")).To(Equal(1))
		},
		Entry("no summary.json", func(string) {}, "no such file or directory (give directories written by siglab run --report)"),
		Entry("not JSON", func(d string) { os.WriteFile(filepath.Join(d, "summary.json"), []byte("{"), 0o644) }, "not a run's summary"),
		Entry("no shard record", func(d string) { os.WriteFile(filepath.Join(d, "summary.json"), []byte(`{"results": []}`), 0o644) }, "no shard record"),
		Entry("a name that leaves the directory", func(d string) {
			os.WriteFile(filepath.Join(d, "summary.json"), []byte(`{"shard": {"index": 1, "count": 1, "suite_size": 1, "assigned": [{"scenario": "../x", "position": 0}]}}`), 0o644)
		}, `assigned scenario "../x"`),
	)
})
