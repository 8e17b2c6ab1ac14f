package main

import (
	"errors"
	"fmt"

	"github.com/siglab/siglab/reportmerge"
	"github.com/siglab/siglab/verifier"
)

type reportCmd struct {
	Merge reportMergeCmd `cmd:"" help:"Merge shards' report directories (siglab run --shard K/N --report DIR) into one: JUnit, summary JSON, coverage matrix, HTML index and every scenario's directory. Exit 1 when shards are missing or conflict."`
}

type reportMergeCmd struct {
	Out  string   `arg:"" help:"The merged report's directory." name:"out" type:"path"`
	Dirs []string `arg:"" help:"The shards' report directories." name:"dir" type:"path"`
}

// Run merges the shards, prints the merged verdict table and each
// problem, and exits 1 for missing or conflicting shards, else as a run
// of the whole suite would (verifier.ExitCode).
func (c *reportMergeCmd) Run(e *env) error {
	res, err := reportmerge.Merge(c.Out, c.Dirs)
	if errors.Is(err, reportmerge.ErrInput) {
		return usageErr("report merge: %v", err)
	}
	if err != nil {
		return err
	}
	if err := verifier.WriteTable(e.stdout, res.Verdicts); err != nil {
		return err
	}
	for _, p := range res.Problems {
		fmt.Fprintf(e.stderr, "siglab: report merge: %s\n", p)
	}
	if len(res.Problems) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("report merge: %d problems; %s holds what the shards given make", len(res.Problems), c.Out)}
	}
	return &exitError{code: verifier.ExitCode(res.Verdicts)}
}
