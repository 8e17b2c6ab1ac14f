package main

import (
	"errors"
	"time"

	"github.com/siglab/siglab/verifier"
)

type matrixCmd struct {
	Offline   bool     `help:"Run against the simulated network (no root needed; scanlogd and psad need root either way)."`
	Out       string   `help:"Also write matrix.md, matrix.json and matrix.junit.xml under this directory." placeholder:"DIR"`
	Parallel  int      `default:"4" help:"Scenarios run at once, each in its own test network." placeholder:"N"`
	Detectors string   `help:"Detectors file declaring more engines (default: detectors.yaml next to the scenario files)." placeholder:"FILE" type:"path"`
	Paths     []string `arg:"" optional:"" help:"Scenario files, directories or catalogue names (default: the whole catalogue)." name:"scenario"`
}

// Run runs the scenarios with every detector (the reference detector,
// p0f, scanlogd, psad and every declared engine) and prints the coverage
// matrix as Markdown: what each reported, whether it met the scenario's
// expectations, and why each miss happened. Exit code 1 when a detector
// missed an expectation or could not run.
func (m *matrixCmd) Run(e *env) error {
	r := &runCmd{Offline: m.Offline, Parallel: m.Parallel, Detectors: m.Detectors, Paths: m.Paths, all: true}
	list, err := r.prepare("matrix")
	if err != nil {
		return err
	}
	if m.Out != "" {
		if err := reportDir(m.Out); err != nil {
			return usageErr("--out %s: %v", m.Out, err)
		}
	}
	started := time.Now()
	if _, err := r.runAll(e, list); err != nil {
		return usageErr("%v", err)
	}
	mx := verifier.NewMatrix(r.rows)
	if err := mx.WriteMarkdown(e.stdout); err != nil {
		return err
	}
	if m.Out != "" {
		if err := writeMatrix(m.Out, mx, started); err != nil {
			return usageErr("--out: %v", err)
		}
	}
	if e.ctx.Err() != nil {
		return &exitError{code: 130, err: errors.New("interrupted; test networks removed")}
	}
	if mx.Misses() > 0 {
		return &exitError{code: 1}
	}
	return nil
}
