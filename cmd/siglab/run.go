package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

type runCmd struct {
	Offline  bool     `help:"Run against the simulated network (no root needed)."`
	Report   string   `help:"Write per-scenario captures, findings and outputs under this directory." placeholder:"DIR"`
	Parallel int      `default:"4" help:"Scenarios run at once, each in its own test network (1: one after another)." placeholder:"N"`
	Progress bool     `help:"Print a line to stderr as each scenario finishes (default: when stderr is a terminal)."`
	Paths    []string `arg:"" optional:"" help:"Scenario files, directories or catalogue names (default: the whole catalogue)." name:"scenario"`
}

func (r *runCmd) Run(e *env) error {
	if !r.Offline {
		if err := liveOnly("run", "; use --offline"); err != nil {
			return err
		}
	}
	list, err := scenarios.ResolveAll(r.Paths...)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if r.Parallel < 1 {
		return usageErr("--parallel: %d: run at least one scenario at a time", r.Parallel)
	}
	started := time.Now()
	verdicts := r.runAll(e, list)
	if err := verifier.WriteTable(e.stdout, verdicts); err != nil {
		return err
	}
	if r.Report != "" {
		junit := filepath.Join(r.Report, verifier.ReportJUnit)
		if err := capture.WriteFileAtomic(junit, func(w io.Writer) error { return verifier.WriteJUnit(w, verdicts, started) }); err != nil {
			return &exitError{code: 2, err: err}
		}
		summary := filepath.Join(r.Report, verifier.ReportSummary)
		if err := capture.WriteFileAtomic(summary, func(w io.Writer) error {
			return verifier.WriteSummary(w, verdicts, started, time.Since(started))
		}); err != nil {
			return &exitError{code: 2, err: err}
		}
	}
	if e.ctx.Err() != nil {
		return &exitError{code: 130, err: fmt.Errorf("interrupted; test networks removed")}
	}
	return &exitError{code: verifier.ExitCode(verdicts)}
}

// runAll runs the scenarios, Parallel at a time, and returns their
// verdicts in list order. Each scenario builds its own network, so they
// do not meet; each keeps nmap's own timing. After an interrupt no new
// scenario starts; the ones running stop and remove their networks.
func (r *runCmd) runAll(e *env, list []*scenarios.Scenario) []verifier.Verdict {
	verdicts := make([]verifier.Verdict, len(list))
	ran := make([]bool, len(list))
	var mu sync.Mutex
	done := 0
	progress := r.Progress || isTerminal(os.Stderr)
	sem := make(chan struct{}, r.Parallel)
	var wg sync.WaitGroup
	for i, s := range list {
		sem <- struct{}{}
		if e.ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			v := r.runOne(e, s)
			mu.Lock()
			defer mu.Unlock()
			verdicts[i], ran[i] = v, true
			done++
			if progress {
				fmt.Fprintf(e.stderr, "[%d/%d] %s %s (%.1fs)\n", done, len(list), v.Scenario, v.Status(), v.Elapsed.Seconds())
			}
		}()
	}
	wg.Wait()
	out := verdicts[:0]
	for i, v := range verdicts {
		if ran[i] {
			out = append(out, v)
		}
	}
	return out
}

// isTerminal reports whether f is a terminal (a character device).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// runOne runs one scenario and turns any error into its verdict.
func (r *runCmd) runOne(e *env, s *scenarios.Scenario) verifier.Verdict {
	res, err := verifier.Run(e.ctx, s, r.Offline)
	if err != nil {
		mode := verifier.ModeLive
		if r.Offline {
			mode = verifier.ModeOffline
		}
		return verifier.Verdict{Scenario: s.Name, File: s.File, Mode: mode, Err: err}
	}
	if r.Report != "" {
		if err := res.WriteReport(r.Report); err != nil {
			res.Verdict.Err = fmt.Errorf("report: %w", err)
		}
	}
	return res.Verdict
}
