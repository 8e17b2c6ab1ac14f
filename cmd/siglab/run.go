package main

import (
	"io"
	"path/filepath"
	"time"

	"context"
	"errors"
	"fmt"
	"github.com/siglab/siglab/verifier/capture"
	"os"

	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

type runCmd struct {
	Offline bool     `help:"Run against the simulated network (no root needed)."`
	Report  string   `help:"Write per-scenario captures, findings and outputs under this directory." placeholder:"DIR"`
	Paths   []string `arg:"" optional:"" help:"Scenario files, directories or catalogue names (default: the whole catalogue)." name:"scenario"`
}

func (r *runCmd) Run(e *env) error {
	list, err := resolveScenarios(r.Paths)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	var verdicts []verifier.Verdict
	started := time.Now()
	for _, s := range list {
		v := r.runOne(e, s)
		verdicts = append(verdicts, v)
		if errors.Is(e.ctx.Err(), context.Canceled) {
			break
		}
	}
	if err := verifier.WriteTable(e.stdout, verdicts); err != nil {
		return err
	}
	if r.Report != "" {
		junit := filepath.Join(r.Report, verifier.ReportJUnit)
		if err := capture.WriteFileAtomic(junit, func(w io.Writer) error { return verifier.WriteJUnit(w, verdicts, started) }); err != nil {
			return &exitError{code: 2, err: err}
		}
	}
	if e.ctx.Err() != nil {
		return &exitError{code: 130, err: fmt.Errorf("interrupted; test networks removed")}
	}
	return &exitError{code: verifier.ExitCode(verdicts)}
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
		if err := verifier.WriteReport(r.Report, res.Verdict, res.Capture, res.Findings, res.Output); err != nil {
			res.Verdict.Err = fmt.Errorf("report: %w", err)
		}
	}
	return res.Verdict
}

// resolveScenarios loads each argument as a file or directory when one
// exists by that name, else as a catalogue name; no argument means the
// whole catalogue.
func resolveScenarios(args []string) ([]*scenarios.Scenario, error) {
	if len(args) == 0 {
		return scenarios.Catalogue()
	}
	var out []*scenarios.Scenario
	for _, a := range args {
		if _, err := os.Stat(a); err == nil {
			ss, err := scenarios.Load(a)
			if err != nil {
				return nil, err
			}
			out = append(out, ss...)
			continue
		}
		s, err := scenarios.Find(a)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
