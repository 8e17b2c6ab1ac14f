package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

type generateCmd struct {
	Scenario string `arg:"" help:"Scenario file or catalogue name."`
	Out      string `short:"o" required:"" help:"Where to write the pcap." placeholder:"OUT.pcap"`
	Seed     *int64 `help:"Override the scenario's seed." placeholder:"N"`
}

func (g *generateCmd) Run(e *env) error {
	list, err := scenarios.Resolve(g.Scenario)
	if err != nil {
		return usageErr("%v", err)
	}
	s := list[0]
	if g.Seed != nil {
		if *g.Seed < 0 {
			return usageErr("--seed: %d is negative", *g.Seed)
		}
		s.Seed = uint64(*g.Seed)
	}
	// Refuse before the output file exists.
	if err := verifier.CheckGenerate(s); err != nil {
		return usageErr("%v", err)
	}
	lessGC()
	var (
		res    *verifier.Generated
		genErr error
	)
	err = capture.WriteFileAtomic(g.Out, func(w io.Writer) error {
		// The file is written on another goroutine, and so another core
		// when there is one, while the simulation goes on: a full-range
		// capture's write calls are a fifth of the run.
		aw := capture.NewAsyncWriter(w)
		res, genErr = verifier.GeneratePcap(e.ctx, s, aw)
		if cerr := aw.Close(); genErr == nil && cerr != nil { // the file's error, named by WriteFileAtomic
			return fmt.Errorf("%w: %w", verifier.ErrOutput, cerr)
		}
		return genErr
	})
	switch {
	case genErr != nil && !errors.Is(genErr, verifier.ErrOutput):
		return usageErr("%v", genErr) // the scenario's, not the file's
	case err != nil:
		return usageErr("%v", err) // names the file
	}
	fmt.Fprint(e.stdout, res.Output)
	fmt.Fprintf(e.stderr, "siglab: wrote %d packets to %s\n", res.Packets, g.Out)
	return nil
}

// generateHeap is the heap `siglab generate` lets grow before it collects.
// A generation streams its capture to the file, so what it keeps is small
// (per-port scan state, the output text) while it allocates a little per
// packet: collecting only at this size means a million-packet run
// collects a few times instead of hundreds, at a footprint still modest
// for a workstation or a CI runner.
const generateHeap = 256 << 20

// lessGC turns the collector's pacing from "when the heap doubles" to
// "when it reaches generateHeap" for the rest of the process, unless the
// user set GOGC or GOMEMLIMIT, which then rule as usual.
func lessGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(generateHeap)
}
