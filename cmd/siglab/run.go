package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/htmlreport"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

type runCmd struct {
	Offline     bool     `help:"Run against the simulated network (no root needed)."`
	Report      string   `help:"Write per-scenario captures, findings and outputs under this directory." placeholder:"DIR"`
	Parallel    int      `default:"4" help:"Scenarios run at once, each in its own test network (1: one after another)." placeholder:"N"`
	Screenshots bool     `help:"With --report: PNGs of the report's index and of a scenario page (the first failed, else the first) in DIR/screenshots, taken with headless Chromium."`
	Progress    bool     `help:"Print a line to stderr as each scenario finishes (default: when stderr is a terminal)."`
	Detectors   string   `help:"Detectors file declaring the engines scenarios' expect: sections name (default: detectors.yaml next to the scenario files)." placeholder:"FILE" type:"path"`
	Shard       string   `help:"Run shard K of N (K from 1 to N): a deterministic, balanced share of the suite; every scenario is in exactly one shard. Default: shard JOB_COMPLETION_INDEX+1 (a Kubernetes Indexed Job's 0-based index) of --shards or SIGLAB_SHARDS when it is set, else the whole suite." placeholder:"K/N"`
	Shards      int      `help:"The number of shards N when the shard comes from JOB_COMPLETION_INDEX (default: SIGLAB_SHARDS)." placeholder:"N"`
	Timings     string   `help:"Balance the shards by the durations recorded in this summary.json (a run's --report DIR/summary.json, or a merged one), longest first." placeholder:"FILE" type:"path"`
	Paths       []string `arg:"" optional:"" help:"Scenario files, directories or catalogue names (default: the whole catalogue)." name:"scenario"`

	// rows collects each scenario's row of the coverage matrix when
	// every detector runs (--report, or the matrix command).
	rows [][]verifier.Cell
	all  bool
}

// resolve loads the scenarios with the --detectors file, if given.
func (r *runCmd) resolve() ([]*scenarios.Scenario, error) {
	var dets *scenarios.DetectorSet
	if r.Detectors != "" {
		var err error
		if dets, err = scenarios.LoadDetectors(r.Detectors); err != nil {
			return nil, err
		}
	}
	return scenarios.ResolveAllWith(dets, r.Paths...)
}

func (r *runCmd) Run(e *env) error {
	r.all = r.all || r.Report != ""
	list, err := r.prepare("run")
	if err != nil {
		return err
	}
	list, rec, err := r.shardOf(e, list)
	if err != nil {
		return err
	}
	started := time.Now()
	verdicts, rerr := r.runAll(e, list)
	if rerr != nil {
		return usageErr("--report: %v; the run stopped (every file written is whole)", rerr)
	}
	if err := verifier.WriteTable(e.stdout, verdicts); err != nil {
		return err
	}
	if r.Report != "" {
		junit := filepath.Join(r.Report, verifier.ReportJUnit)
		if err := capture.WriteFileAtomic(junit, func(w io.Writer) error { return verifier.WriteJUnit(w, verdicts, started) }); err != nil {
			return usageErr("--report: %v", err)
		}
		summary := filepath.Join(r.Report, verifier.ReportSummary)
		if err := capture.WriteFileAtomic(summary, func(w io.Writer) error {
			return verifier.WriteSummaryShard(w, verdicts, started, time.Since(started), rec)
		}); err != nil {
			return usageErr("--report: %v", err)
		}
		m := verifier.NewMatrix(r.rows)
		if err := writeMatrix(r.Report, m, started); err != nil {
			return usageErr("--report: %v", err)
		}
		if err := htmlreport.WriteIndex(r.Report, verdicts, m, started); err != nil {
			return usageErr("--report: %v", err)
		}
		if r.Screenshots {
			if err := screenshots(e, r.Report, verdicts); err != nil {
				return &exitError{code: 2, err: fmt.Errorf("--screenshots: %w", err)}
			}
		}
	}
	if e.ctx.Err() != nil {
		return &exitError{code: 130, err: fmt.Errorf("interrupted; test networks removed")}
	}
	return &exitError{code: verifier.ExitCode(verdicts)}
}

// prepare is what run and matrix do before anything runs: refuse a live
// run off Linux, load the scenarios (with the --detectors file), check
// --parallel and preflight. cmd names the command in the live-only error.
func (r *runCmd) prepare(cmd string) ([]*scenarios.Scenario, error) {
	if !r.Offline {
		if err := liveOnly(cmd, "; use --offline"); err != nil {
			return nil, err
		}
	}
	list, err := r.resolve()
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	if r.Parallel < 1 {
		return nil, usageErr("--parallel: %d: run at least one scenario at a time", r.Parallel)
	}
	if err := r.preflight(list); err != nil {
		return nil, err
	}
	return list, nil
}

// preflight refuses, before anything runs, what would make every
// scenario fail alike or leave a report half made: a scenario that
// cannot run (a target outside the lab, an nmap command line 2.02 did
// not take; its file:line), a live run this process cannot build
// networks for (no root, no CAP_NET_ADMIN, no TUN device, a read-only
// /run), a report directory it cannot write. Each is one line.
func (r *runCmd) preflight(list []*scenarios.Scenario) error {
	for _, s := range list {
		if err := verifier.Validate(s); err != nil {
			return usageErr("%v", err)
		}
	}
	if !r.Offline {
		if err := netns.CheckLive(); err != nil {
			return usageErr("run: %v; use --offline", err)
		}
	}
	if r.Screenshots {
		if r.Report == "" {
			return usageErr("--screenshots: needs --report DIR")
		}
		if _, err := htmlreport.FindBrowser(); err != nil {
			return usageErr("--screenshots: %v", err)
		}
	}
	if r.Report != "" {
		if err := reportDir(r.Report); err != nil {
			return usageErr("--report %s: %v", r.Report, err)
		}
	}
	return nil
}

// reportDir makes the report directory and checks a file can be made in
// it, leaving none.
func reportDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return bareErr(err)
	}
	f, err := os.CreateTemp(dir, ".siglab-probe-*")
	if err != nil {
		return bareErr(err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// bareErr drops a path error's operation and path (the caller names the
// option and the directory).
func bareErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// runAll runs the scenarios, Parallel at a time, and returns their
// verdicts in list order. Each scenario builds its own network, so they
// do not meet; each keeps nmap's own timing. After an interrupt no new
// scenario starts; the ones running stop and remove their networks.
// A report that cannot be written (a full disk) stops the run the same
// way, and no other report is written after it; it is the error.
func (r *runCmd) runAll(e *env, list []*scenarios.Scenario) ([]verifier.Verdict, error) {
	ctx, stop := context.WithCancel(e.ctx)
	defer stop()
	verdicts := make([]verifier.Verdict, len(list))
	rows := make([][]verifier.Cell, len(list))
	ran := make([]bool, len(list))
	var (
		mu     sync.Mutex
		failed error // the first report that could not be written
	)
	report := func(res *verifier.Result) error {
		mu.Lock()
		defer mu.Unlock()
		if failed != nil {
			return failed
		}
		if failed = writeReport(r.Report, res); failed != nil {
			stop()
		}
		return failed
	}
	done := 0
	progress := r.Progress || isTerminal(os.Stderr)
	sem := make(chan struct{}, r.Parallel)
	var wg sync.WaitGroup
	for i, s := range list {
		sem <- struct{}{}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			v, row, err := r.runOne(ctx, s, report)
			mu.Lock()
			defer mu.Unlock()
			if err != nil || failed != nil {
				return // the run stopped: no verdict of it counts
			}
			verdicts[i], ran[i], rows[i] = v, true, row
			done++
			if progress {
				fmt.Fprintf(e.stderr, "[%d/%d] %s %s (%.1fs)\n", done, len(list), v.Scenario, v.Status(), v.Elapsed.Seconds())
			}
		}()
	}
	wg.Wait()
	if failed != nil {
		return nil, failed
	}
	out := verdicts[:0]
	for i, v := range verdicts {
		if ran[i] {
			out = append(out, v)
			r.rows = append(r.rows, rows[i])
		}
	}
	return out, nil
}

// isTerminal reports whether f is a terminal (a character device).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// runOne runs one scenario and turns any error of the run into its
// verdict; with --report it writes the report through report, whose
// error it returns.
func (r *runCmd) runOne(ctx context.Context, s *scenarios.Scenario, report func(*verifier.Result) error) (verifier.Verdict, []verifier.Cell, error) {
	res, err := verifier.RunWith(ctx, s, verifier.Options{Offline: r.Offline, AllDetectors: r.all})
	if err != nil {
		mode := verifier.ModeLive
		if r.Offline {
			mode = verifier.ModeOffline
		}
		return verifier.Verdict{Scenario: s.Name, File: s.File, Mode: mode, Err: err}, nil, nil
	}
	if r.Report != "" {
		if err := report(res); err != nil {
			return res.Verdict, nil, err
		}
	}
	return res.Verdict, res.Cells(), nil
}

// screenshots saves the PNGs of the index and of one scenario page with
// a picture (the first that failed or was inconclusive, else the first)
// and names them on stderr.
func screenshots(e *env, dir string, verdicts []verifier.Verdict) error {

	name := ""
	for _, v := range verdicts {
		if _, err := os.Stat(filepath.Join(dir, v.Scenario, htmlreport.Picture)); err != nil {
			continue
		}
		if name == "" {
			name = v.Scenario
		}
		if st := v.Status(); st == verifier.StatusFail || st == verifier.StatusInconclusive {
			name = v.Scenario // the first page worth a look
			break
		}
	}
	if name == "" {
		return errors.New("no scenario page with a picture to show")
	}
	path, err := htmlreport.FindBrowser()
	if err != nil {
		return err
	}
	b, err := htmlreport.Start(e.ctx, path)
	if err != nil {
		return err
	}
	defer b.Close()
	paths, err := htmlreport.Screenshots(b, dir, name)
	for _, p := range paths {
		fmt.Fprintf(e.stderr, "screenshot: %s\n", p)
	}
	return err
}

// writeReport writes a scenario's report files, then its HTML page.
func writeReport(dir string, res *verifier.Result) error {
	if err := res.WriteReport(dir); err != nil {
		return err
	}
	return htmlreport.WriteScenario(dir, res)
}

// writeMatrix writes the coverage matrix under dir as Markdown, JSON and
// JUnit, each file whole or absent.
func writeMatrix(dir string, m verifier.Matrix, started time.Time) error {
	for name, write := range map[string]func(io.Writer) error{
		verifier.ReportMatrixMD:    m.WriteMarkdown,
		verifier.ReportMatrixJSON:  m.WriteJSON,
		verifier.ReportMatrixJUnit: func(w io.Writer) error { return m.WriteJUnit(w, started) },
	} {
		if err := capture.WriteFileAtomic(filepath.Join(dir, name), write); err != nil {
			return err
		}
	}
	return nil
}
