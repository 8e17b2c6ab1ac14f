package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// check is one claim of the soak, held or not.
type check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

const (
	// rssAllowanceKB is how much resident memory may differ between the
	// end of the first in-process run and the end of the last, after a
	// forced collection: the Go runtime keeps some freed spans and its
	// own caches whatever the program holds, and the kernel counts
	// pages the allocator has touched. A leak of the size of one run's
	// captures (megabytes per run) would exceed it within a few runs.
	rssAllowanceKB = 4 << 10
	// heapAllowanceKB is the same for the live Go heap, which a
	// collection makes exact: only what is still referenced counts.
	heapAllowanceKB = 1 << 10
	// stressBound is how long a stress scenario may take, lab building
	// and teardown included: several times what they take here, so a
	// loaded machine does not fail it, and far below what a run stuck
	// waiting on a flooded link would take.
	stressBound = 30 * time.Second
	// detectorCapKB is the memory the README holds the reference
	// detector to (100 MB peak RSS on 10 million packets from a million
	// sources): a stress run, generator, sensor, capture and detector
	// in one process, must stay within it too.
	detectorCapKB = 100 << 10
)

// checkInProcess: descriptors and goroutines end every run where the
// first run ended, memory grows no more than the allowances from the
// first run's end to the last's, every run gives the first run's
// verdicts, and they are all passes.
func checkInProcess(runs []inRun) []check {
	if len(runs) == 0 {
		return nil
	}
	first, last := runs[0], runs[len(runs)-1]
	var cs []check
	fds, gos := true, true
	for _, r := range runs {
		fds = fds && r.End.FDs == first.End.FDs
		gos = gos && r.End.Goroutines == first.End.Goroutines
	}
	cs = append(cs,
		check{"in-process: open descriptors do not grow", fds,
			fmt.Sprintf("%d before run 1, %d after run 1, %d after run %d (after each run: %s)", first.Start.FDs, first.End.FDs, last.End.FDs, last.Run, series(runs, func(s sample) int { return s.FDs }))},
		check{"in-process: goroutines do not grow", gos,
			fmt.Sprintf("%d before run 1, %d after run 1, %d after run %d (after each run: %s)", first.Start.Goroutines, first.End.Goroutines, last.End.Goroutines, last.Run, series(runs, func(s sample) int { return s.Goroutines }))},
		check{"in-process: resident memory does not grow", last.End.RSSKB-first.End.RSSKB <= rssAllowanceKB,
			fmt.Sprintf("%.1f MB before run 1, %.1f MB after run 1, %.1f MB after run %d (allowance %.0f MB)", mb(first.Start.RSSKB), mb(first.End.RSSKB), mb(last.End.RSSKB), last.Run, mb(rssAllowanceKB))},
		check{"in-process: the Go heap does not grow", last.End.HeapKB-first.End.HeapKB <= heapAllowanceKB,
			fmt.Sprintf("%.1f MB before run 1, %.1f MB after run 1, %.1f MB after run %d (allowance %.0f MB)", mb(first.Start.HeapKB), mb(first.End.HeapKB), mb(last.End.HeapKB), last.Run, mb(heapAllowanceKB))},
	)
	var differ []string
	for _, r := range runs[1:] {
		if d := diff(first.Verdicts, r.Verdicts); d != "" {
			differ = append(differ, fmt.Sprintf("run %d: %s", r.Run, d))
		}
	}
	cs = append(cs, check{"in-process: every run gives the same verdicts", len(differ) == 0,
		orDetail(differ, fmt.Sprintf("%d runs, each %s", len(runs), countVerdicts(first.Verdicts)))})
	cs = append(cs, allPass("in-process", first.Verdicts))
	return cs
}

// checkProcesses: every process exits 0, leaves no namespace and gives
// the verdicts want (the first in-process run's, or its own first's).
func checkProcesses(procs []procRun, want map[string]string) []check {
	if len(procs) == 0 {
		return nil
	}
	if want == nil {
		want = procs[0].Verdicts
	}
	var codes, differ, left []string
	for _, p := range procs {
		if p.ExitCode != 0 {
			codes = append(codes, fmt.Sprintf("run %d exited %d", p.Run, p.ExitCode))
		}
		if d := diff(want, p.Verdicts); d != "" {
			differ = append(differ, fmt.Sprintf("run %d: %s", p.Run, d))
		}
		if len(p.Leftovers) > 0 {
			left = append(left, fmt.Sprintf("run %d: %s", p.Run, strings.Join(p.Leftovers, " ")))
		}
	}
	return []check{
		{"processes: every siglab run exits 0", len(codes) == 0, orDetail(codes, fmt.Sprintf("%d processes, exit code 0 each", len(procs)))},
		{"processes: every process gives the same verdicts as the in-process runs", len(differ) == 0,
			orDetail(differ, fmt.Sprintf("%d processes, each %s", len(procs), countVerdicts(want)))},
		{"processes: no process leaves a namespace behind", len(left) == 0, orDetail(left, "none left")},
	}
}

// checkStress: every stress run reports drops, is inconclusive, exits 3,
// ends within stressBound and peaks within detectorCapKB.
func checkStress(runs []stressRun) []check {
	if len(runs) == 0 {
		return nil
	}
	var drops, verdict, code, slow, big []string
	for _, r := range runs {
		id := fmt.Sprintf("%s run %d", r.Scenario, r.Run)
		if r.Dropped == 0 {
			drops = append(drops, id+": no drops")
		}
		if r.Verdict != "inconclusive" {
			verdict = append(verdict, id+": "+r.Verdict)
		}
		if r.ExitCode != 3 {
			code = append(code, fmt.Sprintf("%s: exit %d", id, r.ExitCode))
		}
		if r.Elapsed > stressBound.Seconds() {
			slow = append(slow, fmt.Sprintf("%s: %.1fs", id, r.Elapsed))
		}
		if r.PeakRSSKB > detectorCapKB {
			big = append(big, fmt.Sprintf("%s: %.1f MB", id, float64(r.PeakRSSKB)/1024))
		}
	}
	n := len(runs)
	return []check{
		{"stress: the sensor reports its kernel drops", len(drops) == 0, orDetail(drops, fmt.Sprintf("%d runs, drops in each", n))},
		{"stress: the verdict is inconclusive", len(verdict) == 0, orDetail(verdict, fmt.Sprintf("%d runs, inconclusive each", n))},
		{"stress: siglab run exits 3 (inconclusive)", len(code) == 0, orDetail(code, fmt.Sprintf("%d runs, exit code 3 each", n))},
		{"stress: the run ends in bounded time", len(slow) == 0, orDetail(slow, fmt.Sprintf("%d runs, each under %v", n, stressBound))},
		{"stress: memory stays within the detector's cap", len(big) == 0, orDetail(big, fmt.Sprintf("%d runs, each under %d MB peak RSS", n, detectorCapKB>>10))},
	}
}

// allPass checks the catalogue passed: its scenarios expect to.
func allPass(where string, vs map[string]string) check {
	var not []string
	for _, name := range slices.Sorted(maps.Keys(vs)) {
		if vs[name] != "pass" {
			not = append(not, name+": "+vs[name])
		}
	}
	return check{where + ": every catalogue scenario passes", len(not) == 0 && len(vs) > 0, orDetail(not, fmt.Sprintf("%d of %d pass", len(vs), len(vs)))}
}

// diff says how got's verdicts differ from want's ("" when they agree).
func diff(want, got map[string]string) string {
	var d []string
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if g, ok := got[name]; !ok {
			d = append(d, name+" missing")
		} else if g != want[name] {
			d = append(d, fmt.Sprintf("%s %s, not %s", name, g, want[name]))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[name]; !ok {
			d = append(d, name+" extra")
		}
	}
	return strings.Join(d, "; ")
}

// series lists one figure after each run: "41 41 41".
func series(runs []inRun, f func(sample) int) string {
	parts := make([]string, len(runs))
	for i, r := range runs {
		parts[i] = fmt.Sprint(f(r.End))
	}
	return strings.Join(parts, " ")
}

func orDetail(problems []string, fine string) string {
	if len(problems) > 0 {
		return strings.Join(problems, "; ")
	}
	return fine
}
