package main

import (
	"fmt"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

type captureCmd struct {
	Scenario string   `required:"" help:"Scenario (file or catalogue name) whose network to build; only its network is used." placeholder:"SCENARIO"`
	Out      string   `short:"o" required:"" help:"Where to write the sensor's capture." placeholder:"OUT.pcap"`
	Command  []string `arg:"" passthrough:"" help:"The tool and its arguments, run in the scanner namespace; {host} stands for a host's address, {host6} for its IPv6 address." name:"command"`
}

// Run captures another tool's traffic in a siglab test network: today's
// nmap, masscan or hping3, side by side with the replayed nmap 2.02.
func (c *captureCmd) Run(e *env) error {
	if err := liveOnly("capture", ""); err != nil {
		return err
	}
	list, err := scenarios.Resolve(c.Scenario)
	if err != nil {
		return usageErr("%v", err)
	}
	argv := c.Command
	if len(argv) > 0 && argv[0] == "--" {
		argv = argv[1:]
	}
	capt, err := verifier.RunExternal(e.ctx, list[0], argv, e.stdout, e.stderr)
	if capt != nil {
		if werr := capture.WriteFileAtomic(c.Out, capt.WritePcap); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return usageErr("%v", err)
	}
	fmt.Fprintf(e.stderr, "siglab: wrote %d packets to %s (%d dropped)\n", len(capt.Packets), c.Out, capt.Dropped)
	return nil
}
