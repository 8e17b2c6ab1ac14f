package main

import (
	"fmt"

	"github.com/siglab/siglab/netns"
)

type labCmd struct {
	Clean labCleanCmd `cmd:"" help:"Remove test networks left behind by siglab processes that are gone (e.g. after SIGKILL)."`
}

type labCleanCmd struct {
	All bool `help:"Also remove the networks of siglab processes still running."`
}

func (c *labCleanCmd) Run(e *env) error {
	removed, err := netns.Clean(c.All)
	for _, r := range removed {
		fmt.Fprintf(e.stdout, "removed %s\n", r)
	}
	if err != nil {
		return err
	}
	if len(removed) == 0 {
		fmt.Fprintln(e.stdout, "nothing to clean")
	}
	return nil
}
