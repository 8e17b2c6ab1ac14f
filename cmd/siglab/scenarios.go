package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/siglab/siglab/scenarios"
)

type scenariosCmd struct {
	Expand string `help:"List the scenarios a scenario or matrix file (or a directory of them) expands to, one name per line, in run order, instead of the catalogue." placeholder:"FILE" type:"path"`
}

func (c scenariosCmd) Run(e *env) error {
	if c.Expand != "" {
		list, err := scenarios.Load(c.Expand)
		if err != nil {
			return usageErr("--expand: %v", err)
		}
		for _, s := range list {
			fmt.Fprintln(e.stdout, s.Name)
		}
		return nil
	}
	// The names and summaries alone: nothing here needs the scenarios
	// parsed (a spec holds the index to the files).
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, s := range scenarios.Index() {
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Summary)
	}
	return tw.Flush()
}
