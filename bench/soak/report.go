package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// machine is what the report quotes next to the figures.
type machine struct {
	CPU    string `json:"cpu"`
	NProc  int    `json:"nproc"`
	Memory string `json:"memory"`
	Kernel string `json:"kernel"`
	Go     string `json:"go"`
	Load   string `json:"load_at_start"`
}

func thisMachine() machine {
	m := machine{NProc: runtime.NumCPU(), Go: runtime.Version(), CPU: "unknown CPU", Memory: "unknown"}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.CPU = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		if kb, err := strconv.Atoi(strings.TrimSuffix(v, " kB")); err == nil {
			m.Memory = fmt.Sprintf("%.0f GB", float64(kb)/1024/1024)
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.Load = strings.Join(f[:3], " ")
		}
	}
	return m
}

// procField is the first "name: value" line's value in a /proc file.
func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// results is everything one soak measured, as bench/soak.json holds it.
type results struct {
	Date      time.Time    `json:"date"`
	Machine   machine      `json:"machine"`
	Runs      int          `json:"runs"`
	Parallel  int          `json:"parallel"`
	Scenarios int          `json:"catalogue_scenarios"`
	Phases    []phase      `json:"phases"`
	InProcess []inRun      `json:"in_process"`
	Processes []procRun    `json:"processes"`
	Stress    []stressRun  `json:"stress"`
	Checks    []check      `json:"checks"`
	OK        bool         `json:"ok"`
	Allowance allowanceDoc `json:"allowances"`
}

// phase is how long one part of the soak took.
type phase struct {
	Name    string  `json:"name"`
	Elapsed float64 `json:"elapsed_seconds"`
}

type allowanceDoc struct {
	RSSKB       int     `json:"rss_kb"`
	HeapKB      int     `json:"heap_kb"`
	StressBound float64 `json:"stress_bound_seconds"`
	CapKB       int     `json:"detector_cap_kb"`
}

func writeJSON(w io.Writer, r *results) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeMarkdown writes the report the README quotes.
func writeMarkdown(w io.Writer, r *results) error {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "# Soak and flood (`make soak`)\n\n")
	fmt.Fprintf(&b, "Measured %s on %s (%d CPUs, %s RAM, Linux %s, %s; load average %s at the start).\n\n",
		r.Date.UTC().Format("2006-01-02"), m.CPU, m.NProc, m.Memory, m.Kernel, m.Go, m.Load)
	verdict := "every check held"
	if !r.OK {
		verdict = "**some checks FAILED**"
	}
	fmt.Fprintf(&b, "%d scenarios of the live catalogue, %d times in one process (%d at a time) and in %d separate `siglab run` processes; then each stress scenario %s. Result: %s.\n\n",
		r.Scenarios, len(r.InProcess), r.Parallel, len(r.Processes), stressTimes(r.Stress), verdict)
	for _, p := range r.Phases {
		fmt.Fprintf(&b, "- %s: %.0f s\n", p.Name, p.Elapsed)
	}
	b.WriteString("\n")

	if n := len(r.InProcess); n > 0 {
		first, last := r.InProcess[0], r.InProcess[n-1]
		fmt.Fprintf(&b, "## In one process\n\nEach figure after a forced garbage collection.\n\n")
		fmt.Fprintf(&b, "| measure | before run 1 | after run 1 | after run %d |\n|---|---:|---:|---:|\n", last.Run)
		fmt.Fprintf(&b, "| open file descriptors | %d | %d | %d |\n", first.Start.FDs, first.End.FDs, last.End.FDs)
		fmt.Fprintf(&b, "| goroutines | %d | %d | %d |\n", first.Start.Goroutines, first.End.Goroutines, last.End.Goroutines)
		fmt.Fprintf(&b, "| resident memory (VmRSS), MB | %.1f | %.1f | %.1f |\n", mb(first.Start.RSSKB), mb(first.End.RSSKB), mb(last.End.RSSKB))
		fmt.Fprintf(&b, "| Go heap in use, MB | %.1f | %.1f | %.1f |\n\n", mb(first.Start.HeapKB), mb(first.End.HeapKB), mb(last.End.HeapKB))
		fmt.Fprintf(&b, "| run | wall s | fds after | goroutines after | RSS after MB | heap after MB | verdicts |\n|---:|---:|---:|---:|---:|---:|---|\n")
		for _, x := range r.InProcess {
			fmt.Fprintf(&b, "| %d | %.1f | %d | %d | %.1f | %.1f | %s |\n", x.Run, x.Elapsed, x.End.FDs, x.End.Goroutines, mb(x.End.RSSKB), mb(x.End.HeapKB), countVerdicts(x.Verdicts))
		}
		b.WriteString("\n")
	}
	if len(r.Processes) > 0 {
		fmt.Fprintf(&b, "## In separate processes (`siglab run`)\n\n| run | exit | wall s | peak RSS MB | verdicts | namespaces left |\n|---:|---:|---:|---:|---|---:|\n")
		for _, p := range r.Processes {
			fmt.Fprintf(&b, "| %d | %d | %.1f | %.1f | %s | %d |\n", p.Run, p.ExitCode, p.Elapsed, float64(p.PeakRSSKB)/1024, countVerdicts(p.Verdicts), len(p.Leftovers))
		}
		b.WriteString("\n")
	}
	if len(r.Stress) > 0 {
		fmt.Fprintf(&b, "## Flood and drops (scenarios/stress, one process per run)\n\n| scenario | run | packets captured | kernel drops | verdict | exit | wall s | peak RSS MB |\n|---|---:|---:|---:|---|---:|---:|---:|\n")
		for _, s := range r.Stress {
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %d | %.2f | %.1f |\n", s.Scenario, s.Run, s.Packets, s.Dropped, s.Verdict, s.ExitCode, s.Elapsed, float64(s.PeakRSSKB)/1024)
		}
		b.WriteString("\n")
	}
	b.WriteString("## Checks\n\n")
	for _, c := range r.Checks {
		mark := "PASS"
		if !c.OK {
			mark = "**FAIL**"
		}
		fmt.Fprintf(&b, "- %s %s: %s\n", mark, c.Name, c.Detail)
	}
	var probs []string
	for _, x := range r.InProcess {
		for _, p := range x.Problems {
			probs = append(probs, fmt.Sprintf("in-process run %d: %s", x.Run, p))
		}
	}
	for _, x := range r.Processes {
		for _, p := range x.Problems {
			probs = append(probs, fmt.Sprintf("process run %d: %s", x.Run, p))
		}
	}
	if len(probs) > 0 {
		b.WriteString("\nProblems reported by the runs:\n\n")
		for _, p := range probs {
			fmt.Fprintf(&b, "- %s\n", p)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// stressTimes says how often each stress scenario ran: "3 times".
func stressTimes(rs []stressRun) string {
	n := map[string]int{}
	for _, r := range rs {
		n[r.Scenario]++
	}
	counts := slices.Sorted(func(yield func(int) bool) {
		for _, c := range n {
			if !yield(c) {
				return
			}
		}
	})
	switch {
	case len(counts) == 0:
		return "not at all"
	case counts[0] == 1 && counts[len(counts)-1] == 1:
		return "once"
	case counts[0] == counts[len(counts)-1]:
		return fmt.Sprintf("%d times", counts[0])
	}
	return fmt.Sprintf("%d to %d times", counts[0], counts[len(counts)-1])
}
