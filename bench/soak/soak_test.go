package main

import (
	"context"
	"io"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// table is `siglab run` output as it prints it.
const table = `SCENARIO              MODE  PACKETS  CHECKS  TIME   VERDICT
stress-fullrange-syn  live  98752    4/5     2.98s  inconclusive
stress-spoofed-flood  live  373741   3/4     7.49s  inconclusive
tech-fin              live  212      8/8     0.61s  pass
  stress-fullrange-syn: inconclusive: the sensor dropped 32327 packets
  stress-fullrange-syn: scenarios/stress/stress-fullrange-syn.yaml:40: expected present {label: scan.tcp-syn, open: 7, ports: 65535}: scan.tcp-syn reported open=3
  stress-spoofed-flood: inconclusive: the sensor dropped 36534 packets
1 passed, 0 failed, 2 inconclusive
`

var _ = Describe("reading siglab run's verdict table", func() {
	It("takes every row, and the drops from the reason lines", func() {
		rows, err := parseTable(table)
		Expect(err).NotTo(HaveOccurred())
		Expect(rows).To(Equal([]row{
			{Scenario: "stress-fullrange-syn", Packets: 98752, Checks: "4/5", Verdict: "inconclusive", Dropped: 32327},
			{Scenario: "stress-spoofed-flood", Packets: 373741, Checks: "3/4", Verdict: "inconclusive", Dropped: 36534},
			{Scenario: "tech-fin", Packets: 212, Checks: "8/8", Verdict: "pass"},
		}))
		Expect(verdicts(rows)).To(Equal(map[string]string{"stress-fullrange-syn": "inconclusive", "stress-spoofed-flood": "inconclusive", "tech-fin": "pass"}))
	})

	DescribeTable("refuses what is not a verdict table",
		func(out, says string) {
			_, err := parseTable(out)
			Expect(err).To(MatchError(ContainSubstring(says)))
		},
		Entry("an error line instead", "siglab: run: live test networks need root\n", "no verdict table"),
		Entry("nothing", "", "no verdict table"),
		Entry("a header and a summary only", "SCENARIO  MODE  PACKETS  CHECKS  TIME  VERDICT\n0 passed, 0 failed\n", "no rows"),
		Entry("drops of a scenario with no row", "SCENARIO  MODE  PACKETS  CHECKS  TIME  VERDICT\na  live  1  1/1  0.1s  pass\n  b: inconclusive: the sensor dropped 4 packets\n", "drops of b"),
		Entry("a row with a bad packet count", "SCENARIO  MODE  PACKETS  CHECKS  TIME  VERDICT\na  live  many  1/1  0.1s  pass\n", `packets "many"`),
	)
})

var _ = Describe("/proc sampling", func() {
	DescribeTable("reads a kB field of /proc/PID/status",
		func(status, field string, want int, says string) {
			got, err := statusKB(status, field)
			if says != "" {
				Expect(err).To(MatchError(ContainSubstring(says)))
				return
			}
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(want))
		},
		Entry("VmRSS", "Name:\tsoak\nVmHWM:\t   30000 kB\nVmRSS:\t   19612 kB\nThreads:\t7\n", "VmRSS", 19612, ""),
		Entry("a field that is not there", "Name:\tsoak\n", "VmRSS", 0, "no VmRSS line"),
		Entry("a field in other units", "VmRSS:\t 19 MB\n", "VmRSS", 0, `unexpected "19 MB"`),
	)

	It("samples this process: its descriptors, goroutines and memory", func() {
		before, err := takeSample()
		Expect(err).NotTo(HaveOccurred())
		Expect(before.FDs).To(BeNumerically(">=", 3))
		Expect(before.RSSKB).To(BeNumerically(">", 1000))
		f, err := os.Open("/proc/self/status")
		Expect(err).NotTo(HaveOccurred())
		stop := make(chan struct{})
		go func() { <-stop }()
		during, err := takeSample()
		Expect(err).NotTo(HaveOccurred())
		Expect(during.FDs).To(Equal(before.FDs+1), "the open file counts")
		Expect(during.Goroutines).To(Equal(before.Goroutines+1), "the waiting goroutine counts")
		f.Close()
		close(stop)
		Eventually(func() int { s, _ := takeSample(); return s.Goroutines }).Should(Equal(before.Goroutines))
	})
})

// runsOf makes in-process runs whose samples after each run are given
// as fds, goroutines and RSS in kB, every run passing scenarios a and b.
func runsOf(ends ...[3]int) []inRun {
	var rs []inRun
	for i, e := range ends {
		rs = append(rs, inRun{Run: i + 1, Start: sample{FDs: 9, Goroutines: 2, RSSKB: 15000, HeapKB: 3000},
			End:      sample{FDs: e[0], Goroutines: e[1], RSSKB: e[2], HeapKB: 4000},
			Verdicts: map[string]string{"a": "pass", "b": "pass"}})
	}
	return rs
}

// failed names the checks that did not hold.
func failed(cs []check) []string {
	var out []string
	for _, c := range cs {
		if !c.OK {
			out = append(out, c.Name)
		}
	}
	return out
}

var _ = Describe("the soak's checks", func() {
	DescribeTable("in one process",
		func(runs []inRun, bad []string) { Expect(failed(checkInProcess(runs))).To(ConsistOf(bad)) },
		Entry("flat", runsOf([3]int{10, 3, 19600}, [3]int{10, 3, 19400}, [3]int{10, 3, 20000}), nil),
		Entry("memory within the allowance", runsOf([3]int{10, 3, 19600}, [3]int{10, 3, 19600 + rssAllowanceKB}), nil),
		Entry("a descriptor leaked in a middle run", runsOf([3]int{10, 3, 19600}, [3]int{11, 3, 19600}, [3]int{10, 3, 19600}),
			[]string{"in-process: open descriptors do not grow"}),
		Entry("a goroutine leaked", runsOf([3]int{10, 3, 19600}, [3]int{10, 4, 19600}),
			[]string{"in-process: goroutines do not grow"}),
		Entry("memory past the allowance", runsOf([3]int{10, 3, 19600}, [3]int{10, 3, 19601 + rssAllowanceKB}),
			[]string{"in-process: resident memory does not grow"}),
		Entry("a scenario changed its verdict", func() []inRun {
			rs := runsOf([3]int{10, 3, 19600}, [3]int{10, 3, 19600})
			rs[1].Verdicts = map[string]string{"a": "pass", "b": "fail"}
			return rs
		}(), []string{"in-process: every run gives the same verdicts"}),
		Entry("a scenario failed every time", func() []inRun {
			rs := runsOf([3]int{10, 3, 19600})
			rs[0].Verdicts["b"] = "fail"
			return rs
		}(), []string{"in-process: every catalogue scenario passes"}),
	)

	It("hold the heap to its allowance", func() {
		rs := runsOf([3]int{10, 3, 19600}, [3]int{10, 3, 19600})
		rs[1].End.HeapKB += heapAllowanceKB + 1
		Expect(failed(checkInProcess(rs))).To(ConsistOf("in-process: the Go heap does not grow"))
	})

	want := map[string]string{"a": "pass", "b": "pass"}
	good := procRun{Run: 1, proc: proc{ExitCode: 0}, Verdicts: map[string]string{"a": "pass", "b": "pass"}}
	DescribeTable("in separate processes",
		func(p procRun, bad []string) {
			Expect(failed(checkProcesses([]procRun{good, p}, want))).To(ConsistOf(bad))
		},
		Entry("the same", good, nil),
		Entry("an exit code", procRun{Run: 2, proc: proc{ExitCode: 1}, Verdicts: want}, []string{"processes: every siglab run exits 0"}),
		Entry("a missing scenario", procRun{Run: 2, Verdicts: map[string]string{"a": "pass"}},
			[]string{"processes: every process gives the same verdicts as the in-process runs"}),
		Entry("a namespace left", procRun{Run: 2, proc: proc{Leftovers: []string{"siglab-42-1-scan"}}, Verdicts: want},
			[]string{"processes: no process leaves a namespace behind"}),
	)

	ok := stressRun{Scenario: "stress-x", Run: 1, proc: proc{ExitCode: 3, Elapsed: 2.5, PeakRSSKB: 70 << 10}, Verdict: "inconclusive", Dropped: 30000}
	DescribeTable("on the stress scenarios",
		func(change func(*stressRun), bad []string) {
			r := ok
			change(&r)
			Expect(failed(checkStress([]stressRun{ok, r}))).To(ConsistOf(bad))
		},
		Entry("as designed", func(*stressRun) {}, nil),
		Entry("no drops", func(r *stressRun) { r.Dropped = 0 }, []string{"stress: the sensor reports its kernel drops"}),
		Entry("a pass", func(r *stressRun) { r.Verdict, r.ExitCode = "pass", 0 },
			[]string{"stress: the verdict is inconclusive", "stress: siglab run exits 3 (inconclusive)"}),
		Entry("too slow", func(r *stressRun) { r.Elapsed = stressBound.Seconds() + 1 }, []string{"stress: the run ends in bounded time"}),
		Entry("too big", func(r *stressRun) { r.PeakRSSKB = detectorCapKB + 1 }, []string{"stress: memory stays within the detector's cap"}),
	)
})

var _ = Describe("the report", func() {
	It("quotes the figures at the start and end, every run and every check", func() {
		r := &results{Date: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), Machine: machine{CPU: "AMD EPYC", NProc: 2, Memory: "24 GB", Kernel: "6.18", Go: "go1.26.8", Load: "1.0 1.0 1.0"},
			Runs: 2, Parallel: 4, Scenarios: 2, InProcess: runsOf([3]int{10, 3, 19600}, [3]int{10, 3, 19500}),
			Stress: []stressRun{{Scenario: "stress-x", Run: 1, proc: proc{ExitCode: 3, Elapsed: 2.5, PeakRSSKB: 70 << 10}, Verdict: "inconclusive", Dropped: 30000}}}
		r.Checks = checkInProcess(r.InProcess)
		r.OK = true
		var b strings.Builder
		Expect(writeMarkdown(&b, r)).To(Succeed())
		md := b.String()
		Expect(md).To(ContainSubstring("Measured 2026-12-07 on AMD EPYC (2 CPUs, 24 GB RAM, Linux 6.18, go1.26.8"))
		Expect(md).To(ContainSubstring("then each stress scenario once. Result: every check held."))
		Expect(md).To(ContainSubstring("| open file descriptors | 9 | 10 | 10 |"))
		Expect(md).To(ContainSubstring("| goroutines | 2 | 3 | 3 |"))
		Expect(md).To(ContainSubstring("| resident memory (VmRSS), MB | 14.6 | 19.1 | 19.0 |"))
		Expect(md).To(ContainSubstring("| 2 | 0.0 | 10 | 3 | 19.0 | 3.9 | 2 pass |"))
		Expect(md).To(ContainSubstring("| stress-x | 1 | 0 | 30000 | inconclusive | 3 | 2.50 | 70.0 |"))
		Expect(md).To(ContainSubstring("- PASS in-process: open descriptors do not grow: 9 before run 1, 10 after run 1, 10 after run 2"))
		Expect(writeJSON(io.Discard, r)).To(Succeed())
	})
})

var _ = Describe("the command line", func() {
	DescribeTable("refuses bad flags with errUsage",
		func(args []string, says string) {
			err := run(context.Background(), args, io.Discard)
			Expect(err).To(MatchError(errUsage))
			Expect(err).To(MatchError(ContainSubstring(says)))
		},
		Entry("a stray argument", []string{"now"}, `unexpected argument "now"`),
		Entry("negative runs", []string{"-runs", "-1"}, "0 or more"),
		Entry("no scenario at a time", []string{"-parallel", "0"}, "-parallel 0"),
		Entry("nothing to do", []string{"-runs", "0", "-stress-runs", "0"}, "nothing to run"),
		Entry("an unknown flag", []string{"-fast"}, "flag provided but not defined: -fast"),
	)
})

var _ = Describe("the daemon check", func() {
	DescribeTable("fails on any detector daemon left running",
		func(stray []string, ok bool, says string) {
			c := checkDaemons(stray)
			Expect(c.OK).To(Equal(ok))
			Expect(c.Detail).To(ContainSubstring(says))
		},
		Entry("none", nil, true, "none of scanlogd, ulogd, psad"),
		Entry("a scanlogd", []string{"scanlogd 4242"}, false, "still running: scanlogd 4242"),
	)
})
