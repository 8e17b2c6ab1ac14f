package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/siglab/siglab/scenarios"
)

type scenariosCmd struct{}

func (scenariosCmd) Run(e *env) error {
	list, err := scenarios.Catalogue()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Summary)
	}
	return tw.Flush()
}
