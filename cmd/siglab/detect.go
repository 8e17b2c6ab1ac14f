package main

import (
	"fmt"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/verifier/capture"
)

type detectCmd struct {
	Format string   `enum:"text,json,eve" default:"text" help:"Output format: text, json (one finding per line) or eve (Suricata eve.json alert records, one per line)."`
	Files  []string `arg:"" help:"pcap or pcapng files." name:"pcap"`
}

func (d *detectCmd) Run(e *env) error {
	for _, f := range d.Files {
		c, err := capture.ReadFile(f)
		if err != nil {
			return usageErr("%v", err)
		}
		fs := detector.DetectCapture(c)
		switch d.Format {
		case "json":
			err = detector.WriteJSONLines(e.stdout, fs)
		case "eve":
			err = detector.WriteEVE(e.stdout, fs)
		default:
			if len(d.Files) > 1 {
				fmt.Fprintf(e.stdout, "== %s ==\n", f)
			}
			err = detector.WriteText(e.stdout, fs)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
