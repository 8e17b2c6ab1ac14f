package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/verifier/capture"
)

type detectCmd struct {
	Format string   `enum:"text,json,eve" default:"text" help:"Output format: text, json (one finding per line) or eve (Suricata eve.json alert records, one per line)."`
	Files  []string `arg:"" help:"pcap or pcapng files." name:"pcap"`
}

func (d *detectCmd) Run(e *env) error {
	for _, f := range d.Files {
		fs, readErr := detectFile(f)
		if fs == nil && readErr != nil {
			return usageErr("%v", readErr)
		}
		var err error
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
		if readErr != nil { // findings from the packets before the damage, then the error
			return usageErr("%v", readErr)
		}
	}
	return nil
}

// detectFile streams a capture through the detector one packet at a time,
// so memory stays the detector's own whatever the file's size. A capture
// damaged part way gives the findings of the packets before the damage
// and the error naming the packet.
func detectFile(path string) ([]detector.Finding, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := capture.Open(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	d := detector.New(detector.Config{})
	lt := src.LinkType()
	for n := 1; ; n++ {
		data, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return d.Findings(), nil
		}
		if err != nil {
			return d.Findings(), fmt.Errorf("%s: packet %d: %w (findings are from the %d packets before it)", path, n, err, n-1)
		}
		if ip, err := capture.IPv4(lt, data); err == nil {
			d.Packet(ci.Timestamp, ip)
		}
	}
}
