package main

import (
	"fmt"

	"github.com/siglab/siglab/verifier"
	"github.com/siglab/siglab/verifier/capture"
)

type generateCmd struct {
	Scenario string `arg:"" help:"Scenario file or catalogue name."`
	Out      string `short:"o" required:"" help:"Where to write the pcap." placeholder:"OUT.pcap"`
	Seed     *int64 `help:"Override the scenario's seed." placeholder:"N"`
}

func (g *generateCmd) Run(e *env) error {
	list, err := resolveScenarios([]string{g.Scenario})
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
	res, err := verifier.Generate(e.ctx, s)
	if err != nil {
		return usageErr("%v", err)
	}
	if err := capture.WriteFileAtomic(g.Out, res.Capture.WritePcap); err != nil {
		return usageErr("%v", err)
	}
	fmt.Fprint(e.stdout, res.Output)
	fmt.Fprintf(e.stderr, "siglab: wrote %d packets to %s\n", len(res.Capture.Packets), g.Out)
	return nil
}
