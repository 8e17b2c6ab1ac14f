package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/siglab/siglab/netns"
)

// proc is one finished siglab process.
type proc struct {
	PID       int     `json:"pid"`
	ExitCode  int     `json:"exit_code"`
	Elapsed   float64 `json:"elapsed_seconds"`
	PeakRSSKB int64   `json:"peak_rss_kb"`
	Stdout    string  `json:"-"`
	Stderr    string  `json:"stderr,omitempty"`
	// Leftovers are the process's namespaces still pinned after it
	// exited: none, or it leaked.
	Leftovers []string `json:"leftovers,omitempty"`
}

// runSiglab runs the siglab binary with args to the end. An interrupt of
// ctx reaches it as SIGINT, on which it removes its labs; only if it is
// still running 30 s later is it killed.
func runSiglab(ctx context.Context, bin string, args ...string) (proc, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return proc{}, err
	}
	err := cmd.Wait()
	p := proc{PID: cmd.Process.Pid, Elapsed: time.Since(began).Seconds(), Stdout: so.String(), Stderr: strings.TrimSpace(se.String())}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		p.ExitCode = ee.ExitCode()
	case err != nil:
		return p, err
	}
	p.PeakRSSKB = peakRSSKB(cmd.ProcessState)
	p.Leftovers = namespacesOf(p.PID)
	return p, nil
}

// namespacesOf lists the namespace pins under /run/netns of the labs of
// process pid (named siglab-PID-...).
func namespacesOf(pid int) []string {
	ents, err := os.ReadDir("/run/netns")
	if err != nil {
		return nil // no /run/netns: nothing is pinned
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), netns.Prefix+strconv.Itoa(pid)+"-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// procRun is one `siglab run` of the whole catalogue as a process.
type procRun struct {
	Run int `json:"run"`
	proc
	Verdicts map[string]string `json:"verdicts"`
	Problems []string          `json:"problems,omitempty"`
}

// processes runs `siglab run` (the whole catalogue, live) n times.
func processes(ctx context.Context, bin string, n int, log func(string, ...any)) ([]procRun, error) {
	var out []procRun
	for i := 1; i <= n; i++ {
		p, err := runSiglab(ctx, bin, "run")
		if err != nil {
			return out, err
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		r := procRun{Run: i, proc: p}
		if rows, err := parseTable(p.Stdout); err != nil {
			r.Problems = []string{err.Error()}
		} else {
			r.Verdicts = verdicts(rows)
			r.Problems = reasonLines(p.Stdout)
		}
		out = append(out, r)
		log("process run %d/%d: exit %d, %.1fs, %s, peak RSS %.1f MB", i, n, p.ExitCode, p.Elapsed,
			countVerdicts(r.Verdicts), float64(p.PeakRSSKB)/1024)
	}
	return out, nil
}

// reasonLines are the indented lines of `siglab run`'s table.
func reasonLines(out string) []string {
	var lines []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "  ") {
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	return lines
}
