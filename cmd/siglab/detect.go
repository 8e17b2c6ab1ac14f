package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
)

type detectCmd struct {
	Format     string   `enum:"text,json,eve" default:"text" help:"Output format: text, json (one finding per line) or eve (Suricata eve.json alert records, one per line)."`
	MaxSources int      `name:"max-sources" default:"65536" help:"Sources the detector keeps state for at once; the least recently seen is evicted beyond it (each costs a few hundred bytes)." placeholder:"N"`
	Files      []string `arg:"" help:"pcap or pcapng files." name:"pcap"`
}

func (d *detectCmd) Run(e *env) error {
	if d.MaxSources < 1 {
		return usageErr("--max-sources: %d is not a positive number", d.MaxSources)
	}
	tuneGC()
	for _, f := range d.Files {
		fs, st, readErr := detectFile(f, detector.Config{MaxSources: d.MaxSources})
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
		if note := boundsNote(f, st); note != "" {
			fmt.Fprintln(e.stderr, note)
		}
		if readErr != nil { // findings from the packets before the damage, then the error
			return usageErr("%v", readErr)
		}
	}
	return nil
}

// boundsNote is one line on stderr when the detector dropped state to
// stay within its bounds, so that "no findings" on a capture of a
// million spoofed sources is not read as "nothing there"; "" otherwise.
func boundsNote(path string, st detector.Stats) string {
	var lost []string
	if st.Evicted > 0 {
		lost = append(lost, fmt.Sprintf("evicted a source's state %d times (raise --max-sources to keep more)", st.Evicted))
	}
	if st.Untracked > 0 {
		lost = append(lost, fmt.Sprintf("refused %d probes beyond its flow caps", st.Untracked))
	}
	if st.FragmentsLost > 0 {
		lost = append(lost, fmt.Sprintf("lost %d unfinished fragmented packets", st.FragmentsLost))
	}
	if len(lost) == 0 {
		return ""
	}
	return fmt.Sprintf("siglab: %s: findings may be incomplete: the detector %s", path, strings.Join(lost, ", "))
}

// tuneGC trades memory the detector does not need for time: the
// collector runs at 5x the live heap instead of 2x, which saves about a
// tenth of a full-range scan's detection time, under a soft limit of 64
// MiB. The detector's own bound sits below it (a 10-million-packet flood
// from a million spoofed sources keeps about 45 MB live with 16-byte
// addresses, and the limit then costs a handful of collections more),
// and the process's other memory (code, read buffers, runtime) adds
// about 15 MB, so peak RSS stays near 80 MB, under the 100 MB target;
// at 80 MiB it reached 97 MB. GOGC and GOMEMLIMIT, when set, win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64 << 20)
	}
}

// detectFile streams a capture through the detector one packet at a time,
// so memory stays the detector's own whatever the file's size. A capture
// damaged part way gives the findings of the packets before the damage
// and the error naming the packet.
func detectFile(path string, cfg detector.Config) ([]detector.Finding, detector.Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, detector.Stats{}, err
	}
	defer f.Close()
	src, err := capture.Open(f)
	if err != nil {
		return nil, detector.Stats{}, fmt.Errorf("%s: %w", path, err)
	}
	d := detector.New(cfg)
	lt := src.LinkType()
	for n := 1; ; n++ {
		data, ci, err := src.ZeroCopyReadPacketData() // Packet keeps nothing of it
		if errors.Is(err, io.EOF) {
			return d.Findings(), d.Stats(), nil
		}
		if err != nil {
			return d.Findings(), d.Stats(), fmt.Errorf("%s: packet %d: %w (findings are from the %d packets before it)", path, n, err, n-1)
		}
		if ip := detector.IPPacket(lt, data); ip != nil {
			d.Packet(ci.Timestamp, ip)
		}
	}
}
