package verifier

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/render"
	"github.com/siglab/siglab/scenarios"
)

// ErrReportName is returned by WriteReport for a scenario name that is
// not a plain directory name (empty, ".", "..", or containing a
// separator), so a report can never land outside its directory.
var ErrReportName = errors.New("scenario name is not usable as a report directory")

// Report file names inside dir/<scenario>/.
const (
	ReportPcap     = "capture.pcap"
	ReportPcapNG   = "capture.pcapng" // with each sent packet's ground truth as a comment
	ReportRender   = "capture.txt"    // the tcpdump 3.4 style rendering
	ReportFindings = "findings.jsonl"
	ReportOutput   = "nmap.txt"
	ReportVerdict  = "verdict.json"
	ReportP0fLog   = "p0f.log" // p0f's own log (every detector under test writes <name>.log)
)

// verdictJSON is verdict.json: the verdict as a machine reads it.
type verdictJSON struct {
	Scenario string  `json:"scenario"`
	File     string  `json:"file,omitempty"`
	Mode     string  `json:"mode"`
	Status   Status  `json:"status"`
	Error    string  `json:"error,omitempty"`
	Packets  int     `json:"packets"`
	Dropped  uint64  `json:"dropped"`
	Elapsed  float64 `json:"elapsed_seconds"`
	Checks   []Check `json:"checks"`
}

// WriteReport writes dir/<scenario>/: capture.pcap, capture.pcapng (with
// the ground truth as packet comments) and capture.txt (the tcpdump-style
// rendering), all skipped when c is nil (e.g. after a setup error),
// findings.jsonl, nmap.txt and verdict.json. Each file is written
// atomically (capture.WriteFileAtomic: mode 0600, a temporary file from
// os.CreateTemp renamed into place, removed on error), so a reader never
// sees half of one, a full disk leaves no truncated or temporary file,
// and files of an earlier run of the same scenario are replaced whole.
// The directories are 0755 less the umask. A scenario directory this
// call made is removed again if an error leaves it empty.
func WriteReport(dir string, v Verdict, c *capture.Capture, findings []detector.Finding, nmapOutput string) (err error) {
	name := v.Scenario
	if name == "" || name == "." || name == ".." || filepath.Base(name) != name {
		return fmt.Errorf("%q: %w", name, ErrReportName)
	}
	sub := filepath.Join(dir, name)
	_, serr := os.Stat(sub)
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if errors.Is(serr, fs.ErrNotExist) {
		defer func() {
			if err != nil {
				os.Remove(sub) // only if empty
			}
		}()
	}
	if c != nil {
		if err := capture.WriteFileAtomic(filepath.Join(sub, ReportPcap), c.WritePcap); err != nil {
			return err
		}
		if err := capture.WriteFileAtomic(filepath.Join(sub, ReportPcapNG), c.WritePcapNG); err != nil {
			return err
		}
		if err := capture.WriteFileAtomic(filepath.Join(sub, ReportRender), func(w io.Writer) error {
			return render.Write(w, c, render.Options{})
		}); err != nil {
			return err
		}
	}
	if err := capture.WriteFileAtomic(filepath.Join(sub, ReportFindings), func(w io.Writer) error {
		return writeFindings(w, findings)
	}); err != nil {
		return err
	}
	if err := capture.WriteFileAtomic(filepath.Join(sub, ReportOutput), func(w io.Writer) error {
		_, err := io.WriteString(w, nmapOutput)
		return err
	}); err != nil {
		return err
	}
	return capture.WriteFileAtomic(filepath.Join(sub, ReportVerdict), func(w io.Writer) error {
		return writeVerdict(w, v)
	})
}

// WriteReport writes the run's report directory as the package's
// WriteReport does, plus each detector under test's own output as
// <detector>.log (p0f.log, scanlogd.log, suricata.log...) when it wrote
// something.
func (r *Result) WriteReport(dir string) error {
	if err := WriteReport(dir, r.Verdict, r.Capture, r.Findings, r.Output); err != nil {
		return err
	}
	for _, d := range r.Detectors {
		if d.Log == nil || d.Detector == scenarios.DetectorReference {
			continue
		}
		err := capture.WriteFileAtomic(filepath.Join(dir, r.Verdict.Scenario, d.Detector+".log"), func(w io.Writer) error {
			_, err := w.Write(d.Log)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// writeFindings writes one JSON object per line.
func writeFindings(w io.Writer, fs []detector.Finding) error {
	for _, f := range fs {
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}

// writeVerdict writes verdict.json, indented for people.
func writeVerdict(w io.Writer, v Verdict) error {
	j := verdictJSON{
		Scenario: v.Scenario, File: v.File, Mode: v.Mode, Status: v.Status(),
		Packets: v.Packets, Dropped: v.Dropped, Elapsed: v.Elapsed.Seconds(),
		Checks: v.Checks,
	}
	if j.Checks == nil {
		j.Checks = []Check{} // "checks": [] rather than null
	}
	if v.Err != nil {
		j.Error = v.Err.Error()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}
