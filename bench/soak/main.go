package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// errUsage is wrapped by bad flags and by a machine that cannot build
// labs; main exits 2 on it.
var errUsage = errors.New("usage")

// errChecks is returned when the soak ran and a check failed.
var errChecks = errors.New("soak: a check failed")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	runs, procs, stressRuns, parallel int
	siglab, jsonOut, mdOut, stressDir string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.runs, "runs", 20, "in-process runs of the live catalogue")
	fs.IntVar(&c.procs, "procs", -1, "separate `siglab run` processes (default: -runs)")
	fs.IntVar(&c.stressRuns, "stress-runs", 3, "runs of each stress scenario")
	fs.IntVar(&c.parallel, "parallel", 4, "scenarios at a time in the in-process runs, as siglab run's default")
	fs.StringVar(&c.siglab, "siglab", "bin/siglab", "the siglab binary the processes run")
	fs.StringVar(&c.stressDir, "stress", "scenarios/stress", "the stress scenarios' directory")
	fs.StringVar(&c.jsonOut, "json", "bench/soak.json", "where the measurements go")
	fs.StringVar(&c.mdOut, "md", "bench/soak.md", "where the report goes")
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if c.procs < 0 {
		c.procs = c.runs
	}
	switch {
	case c.runs < 0 || c.stressRuns < 0:
		return c, fmt.Errorf("%w: -runs and -stress-runs must be 0 or more", errUsage)
	case c.parallel < 1:
		return c, fmt.Errorf("%w: -parallel %d: at least one scenario at a time", errUsage, c.parallel)
	case c.runs == 0 && c.procs == 0 && c.stressRuns == 0:
		return c, fmt.Errorf("%w: nothing to run (-runs, -procs and -stress-runs are all 0)", errUsage)
	}
	return c, nil
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if err := verifier.CheckLive(); err != nil {
		return fmt.Errorf("%w: %v (make soak needs root)", errUsage, err)
	}
	if c.procs > 0 || c.stressRuns > 0 {
		if _, err := os.Stat(c.siglab); err != nil {
			return fmt.Errorf("%w: -siglab: %v (make build makes it)", errUsage, err)
		}
	}
	list, err := scenarios.Catalogue()
	if err != nil {
		return err
	}
	stressFiles, err := filepath.Glob(filepath.Join(c.stressDir, "*.yaml"))
	if err != nil || (c.stressRuns > 0 && len(stressFiles) == 0) {
		return fmt.Errorf("%w: -stress %s: no *.yaml files", errUsage, c.stressDir)
	}
	log := func(format string, a ...any) {
		fmt.Fprintf(stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, a...)...)
	}
	res := &results{Date: time.Now(), Machine: thisMachine(), Runs: c.runs, Parallel: c.parallel, Scenarios: len(list),
		Allowance: allowanceDoc{RSSKB: rssAllowanceKB, HeapKB: heapAllowanceKB, StressBound: stressBound.Seconds(), CapKB: detectorCapKB}}

	timed := func(name string, f func() error) error {
		began := time.Now()
		err := f()
		res.Phases = append(res.Phases, phase{Name: name, Elapsed: time.Since(began).Seconds()})
		return err
	}
	err = timed(fmt.Sprintf("%d in-process runs of the catalogue", c.runs), func() (err error) {
		res.InProcess, err = inProcess(ctx, list, c.runs, c.parallel, log)
		return err
	})
	if err == nil {
		err = timed(fmt.Sprintf("%d siglab run processes", c.procs), func() (err error) {
			res.Processes, err = processes(ctx, c.siglab, c.procs, log)
			return err
		})
	}
	if err == nil {
		err = timed(fmt.Sprintf("the stress scenarios, %d runs each", c.stressRuns), func() (err error) {
			if c.stressRuns > 0 {
				res.Stress, err = stress(ctx, c.siglab, stressFiles, c.stressRuns, log)
			}
			return err
		})
	}
	if err != nil {
		return err // interrupted, or a process that could not start: no report from half a soak
	}
	var want map[string]string
	if len(res.InProcess) > 0 {
		want = res.InProcess[0].Verdicts
	}
	res.Checks = append(append(checkInProcess(res.InProcess), checkProcesses(res.Processes, want)...), checkStress(res.Stress)...)
	res.Checks = append(res.Checks, checkDaemons(strayDaemons()))
	res.OK = true
	for _, ch := range res.Checks {
		res.OK = res.OK && ch.OK
		mark := "ok  "
		if !ch.OK {
			mark = "FAIL"
		}
		log("%s %s: %s", mark, ch.Name, ch.Detail)
	}
	if err := capture.WriteFileAtomicPerm(c.jsonOut, 0o644, func(w io.Writer) error { return writeJSON(w, res) }); err != nil {
		return err
	}
	if err := capture.WriteFileAtomicPerm(c.mdOut, 0o644, func(w io.Writer) error { return writeMarkdown(w, res) }); err != nil {
		return err
	}
	log("wrote %s and %s", c.jsonOut, c.mdOut)
	if !res.OK {
		return errChecks
	}
	return nil
}
