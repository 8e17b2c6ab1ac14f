package verifier

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Status is a scenario's verdict.
type Status string

// The four verdicts, and skip. ExitCode ranks them error, fail,
// inconclusive, pass.
const (
	StatusPass         Status = "pass"
	StatusFail         Status = "fail"
	StatusInconclusive Status = "inconclusive"
	StatusError        Status = "error"
	// StatusSkip is a live-only scenario in an offline run.
	StatusSkip Status = "skip"
)

// Verdict is the outcome of one scenario run.
type Verdict struct {
	Scenario string
	File     string
	// Mode is "live" or "offline".
	Mode   string
	Checks []Check
	// Dropped counts packets the sensor's kernel dropped; any drop makes
	// the verdict inconclusive, because a missing packet can hide a finding.
	Dropped uint64
	// Err is set when the scenario could not be run to the end.
	Err     error
	Elapsed time.Duration
	// Packets is the number of packets the sensor captured.
	Packets int
	// Skipped says why the scenario was not run ("" when it was).
	Skipped string
}

// Status is error when the run failed, inconclusive when the sensor
// dropped packets (never pass with drops), fail when a check failed, and
// pass otherwise.
func (v Verdict) Status() Status {
	switch {
	case v.Skipped != "":
		return StatusSkip
	case v.Err != nil:
		return StatusError
	case v.Dropped > 0:
		return StatusInconclusive
	case v.failed() > 0:
		return StatusFail
	}
	return StatusPass
}

func (v Verdict) failed() int {
	n := 0
	for _, c := range v.Checks {
		if !c.OK {
			n++
		}
	}
	return n
}

// WriteTable prints one aligned row per verdict, then one line per failed
// check, per error and per inconclusive run, then the summary line.
func WriteTable(w io.Writer, vs []Verdict) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tMODE\tPACKETS\tCHECKS\tTIME\tVERDICT")
	for _, v := range vs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d/%d\t%s\t%s\n", v.Scenario, v.Mode, v.Packets,
			len(v.Checks)-v.failed(), len(v.Checks), seconds(v.Elapsed), v.Status())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var b strings.Builder
	for _, v := range vs {
		writeReasons(&b, v)
	}
	b.WriteString(summary(vs))
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// writeReasons explains a verdict that is not a pass.
func writeReasons(b *strings.Builder, v Verdict) {
	if v.Skipped != "" {
		fmt.Fprintf(b, "  %s: skipped: %s\n", v.Scenario, v.Skipped)
	}
	if v.Err != nil {
		fmt.Fprintf(b, "  %s: error: %v\n", v.Scenario, v.Err)
	}
	if v.Dropped > 0 {
		fmt.Fprintf(b, "  %s: inconclusive: the sensor dropped %d packets\n", v.Scenario, v.Dropped)
	}
	for _, c := range v.Checks {
		if !c.OK {
			fmt.Fprintf(b, "  %s: %s: expected %s: %s\n", v.Scenario, c.Pos, c.Want, c.Detail)
		}
	}
}

// summary is "N passed, N failed", plus inconclusive and error counts
// when there are any.
func summary(vs []Verdict) string {
	n := map[Status]int{}
	for _, v := range vs {
		n[v.Status()]++
	}
	s := fmt.Sprintf("%d passed, %d failed", n[StatusPass], n[StatusFail])
	if n[StatusInconclusive] > 0 {
		s += fmt.Sprintf(", %d inconclusive", n[StatusInconclusive])
	}
	if n[StatusError] > 0 {
		s += fmt.Sprintf(", %d errors", n[StatusError])
	}
	if n[StatusSkip] > 0 {
		s += fmt.Sprintf(", %d skipped", n[StatusSkip])
	}
	return s
}

// seconds renders a duration the same way in every row: "1.25s".
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2fs", d.Seconds())
}

// The exit codes of a run (`siglab run`), by ExitCode.
const (
	ExitPass         = 0 // every scenario passed (or was skipped)
	ExitFail         = 1 // a scenario failed a check
	ExitError        = 2 // a scenario could not be run (usage and setup errors exit 2 too)
	ExitInconclusive = 3 // no failure, no error, but a scenario was inconclusive
)

// ExitCode sums a run's verdicts up in one code. An error wins (2): the
// run did not do what was asked, so nothing else it says can be trusted
// whole. Then a failure (1): a scenario that ran with a complete capture
// and missed an expectation is a definite answer about the detector,
// which another scenario's dropped packets do not weaken. Inconclusive
// (3) comes last and has a code of its own, distinct from pass and fail:
// the sensor lost packets, so the run proves neither, and a pipeline
// should rerun it (a quieter machine, a larger receive buffer) rather
// than call the detector broken or fine.
func ExitCode(vs []Verdict) int {
	code := ExitPass
	for _, v := range vs {
		switch v.Status() {
		case StatusError:
			return ExitError
		case StatusFail:
			code = ExitFail
		case StatusInconclusive:
			if code == ExitPass {
				code = ExitInconclusive
			}
		}
	}
	return code
}
