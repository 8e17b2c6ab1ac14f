package verifier

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/ownedtemp"
	"github.com/siglab/siglab/scenarios"
)

// Errors of declared engines.
var (
	// ErrEngineMissing: the engine's program is not on PATH.
	ErrEngineMissing = errors.New("not installed")
	// ErrEngineFailed: the engine ran and failed, or its output could
	// not be read.
	ErrEngineFailed = errors.New("engine failed")
)

// engineTempPrefix starts the name of runEngine's temporary directory:
// "siglab-engine-<pid>-<random>", for CleanTemp.
const engineTempPrefix = "siglab-engine-"

// runEngine gets a declared detector's output on c: it runs the
// detector's command on c written as a pcap file (placeholders
// substituted, no shell) and reads its output file or its standard
// output, or reads the declared output file as it is. The output is
// returned raw (for the report) and as findings in the engine's own
// vocabulary.
func runEngine(ctx context.Context, spec scenarios.DetectorSpec, c *capture.Capture) (log []byte, fs []detector.Finding, err error) {
	if spec.Command == nil {
		if log, err = os.ReadFile(spec.Output); err != nil {
			return nil, nil, fmt.Errorf("%w: %s: %w", ErrEngineFailed, spec.Name, err)
		}
		fs, err = parseEngine(spec, log)
		return log, fs, err
	}
	bin, err := exec.LookPath(spec.Command[0])
	if err != nil {
		hint := ""
		if spec.Install != "" {
			hint = " (" + spec.Install + ")"
		}
		return nil, nil, fmt.Errorf("%s: %s is %w%s", spec.Name, spec.Command[0], ErrEngineMissing, hint)
	}
	dir, err := ownedtemp.Mkdir(engineTempPrefix)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrEngineFailed, err)
	}
	defer os.RemoveAll(dir)
	pcap, outdir := filepath.Join(dir, "capture.pcap"), filepath.Join(dir, "out")
	if err := os.Mkdir(outdir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrEngineFailed, err)
	}
	if err := capture.WriteFileAtomic(pcap, c.WritePcap); err != nil {
		return nil, nil, fmt.Errorf("%w: write capture: %w", ErrEngineFailed, err)
	}
	fill := strings.NewReplacer(scenarios.PlaceholderPcap, pcap, scenarios.PlaceholderOutdir, outdir,
		scenarios.PlaceholderRules, spec.Rules)
	args := make([]string, len(spec.Command)-1)
	for i, a := range spec.Command[1:] {
		args[i] = fill.Replace(a)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w: %s", ErrEngineFailed, spec.Name, err, lastLine(stderr.String()))
	}
	log = stdout.Bytes()
	if spec.Output != "" {
		if log, err = os.ReadFile(fill.Replace(spec.Output)); err != nil {
			return nil, nil, fmt.Errorf("%w: %s wrote no %s: %w", ErrEngineFailed, spec.Name, spec.Output, err)
		}
	}
	fs, err = parseEngine(spec, log)
	return log, fs, err
}

// parseEngine reads an engine's output in its declared format.
func parseEngine(spec scenarios.DetectorSpec, log []byte) ([]detector.Finding, error) {
	if spec.LabelBased() { // p0f's log: the only label-based format
		recs, err := ParseP0fLog(bytes.NewReader(log))
		fs := make([]detector.Finding, len(recs))
		for i, r := range recs {
			fs[i] = r.Finding()
		}
		return fs, err
	}
	recs, err := spec.Format.Parse(bytes.NewReader(log))
	if err != nil {
		err = fmt.Errorf("%w: %s output (%s): %w", ErrEngineFailed, spec.Name, spec.Format.Name, err)
	}
	return recordFindings(recs), err
}

// scannerFields are the fields that name a record's source, in the
// formats' own words (eve and Snort, scanlogd, psad, Zeek).
var scannerFields = []string{"src_ip", "source", "src", "id.orig_h"}

// recordFindings turns records into the findings the checks read: the
// label is the format's key field, the attributes every field.
func recordFindings(recs []external.Record) []detector.Finding {
	fs := make([]detector.Finding, len(recs))
	for i, r := range recs {
		f := detector.Finding{Label: r.Label, Attrs: r.Fields, Packets: 1}
		for _, k := range scannerFields {
			if a, err := netip.ParseAddr(r.Fields[k]); err == nil {
				f.Scanner = a
				break
			}
		}
		fs[i] = f
	}
	return fs
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return l
	}
	return "no message on stderr"
}

// describeRecord renders a record for a failure message and the matrix:
// its key value and, when the format has one, its message
// (`2009582 "ET SCAN NMAP -sS window 1024"`); a record without either
// (psad's scan lines, a scanlogd line) by the fields that say what the
// detector concluded (`danger_level=2 flags=URG PSH FIN scan_type=-sX`).
func describeRecord(f detector.Finding) string {
	var parts []string
	if f.Label != "" {
		parts = append(parts, f.Label)
	}
	for _, k := range []string{"signature", "msg"} {
		if m := f.Attrs[k]; m != "" {
			return strings.Join(append(parts, strconv.Quote(m)), " ")
		}
	}
	for _, k := range verdictFields {
		if v := f.Attrs[k]; v != "" && v != f.Label {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, " ")
}

// verdictFields are the fields of psad's and scanlogd's records that say
// what they concluded, in the order a sentence names them.
var verdictFields = []string{"note", "source", "target", "port_count", "flags", "danger_level", "scan_type"}
