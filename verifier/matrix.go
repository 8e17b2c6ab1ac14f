package verifier

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/scenarios"
)

// Report file names of the coverage matrix.
const (
	ReportMatrixMD    = "matrix.md"
	ReportMatrixJSON  = "matrix.json"
	ReportMatrixJUnit = "matrix.junit.xml"
)

// Cell outcomes of the coverage matrix.
const (
	CellMet      = "met"      // every expectation on the detector was met
	CellMissed   = "missed"   // at least one was not
	CellNotRun   = "not run"  // the detector could not run (not installed, failed)
	CellObserved = "observed" // no expectation on it; what it reported is shown
	CellSkipped  = "skipped"  // the scenario did not run in this mode
)

// Cell is one scenario × detector of the coverage matrix.
type Cell struct {
	Scenario string `json:"scenario"`
	Detector string `json:"detector"`
	Outcome  string `json:"outcome"`
	How      string `json:"how,omitempty"`
	// Checks and Failed count the scenario's expectations on the
	// detector and those not met.
	Checks int `json:"checks"`
	Failed int `json:"failed"`
	// Reported is what the detector reported, each thing once.
	Reported []string `json:"reported"`
	// Silent: the detector reported nothing while the reference
	// detector found a scan, a sweep or OS detection in the same run: a
	// blind spot, whatever the scenario expects of it.
	Silent bool `json:"silent,omitempty"`
	// Reasons explain each miss (the failed checks' details, with what
	// the detector's rules saw), why it did not run, or why it stayed
	// silent (what its rules saw).
	Reasons []string `json:"reasons,omitempty"`
}

// maxSilentReasons bounds the lines of a detector's rules quoted for its
// silence: the first say it.
const maxSilentReasons = 3

// scanFound reports whether the reference detector found something a
// scan detector is there to see.
func scanFound(fs []detector.Finding) bool {
	for _, f := range fs {
		for _, fam := range []string{"scan.", "sweep.", "osdetect", "campaign."} {
			if strings.HasPrefix(f.Label, fam) {
				return true
			}
		}
	}
	return false
}

// Cells returns the run's row of the matrix: one cell per detector that
// ran (RunWith with AllDetectors gives every detector of the set).
func (r *Result) Cells() []Cell {
	var out []Cell
	for _, d := range r.Detectors {
		c := Cell{Scenario: r.Verdict.Scenario, Detector: d.Detector, How: d.How, Reported: d.Reported()}
		if c.Reported == nil {
			c.Reported = []string{}
		}
		for _, ch := range r.Verdict.Checks {
			if ch.Detector != d.Detector {
				continue
			}
			c.Checks++
			if !ch.OK {
				c.Failed++
				c.Reasons = append(c.Reasons, fmt.Sprintf("%s (%s): %s", ch.Want, ch.Pos, ch.Detail))
			}
		}
		switch {
		case d.Err != "":
			c.Outcome, c.Reasons = CellNotRun, []string{d.Err}
		case c.Checks == 0:
			c.Outcome = CellObserved
		case c.Failed > 0:
			c.Outcome = CellMissed
		default:
			c.Outcome = CellMet
		}
		if d.Err == "" && d.Detector != scenarios.DetectorReference && len(d.Findings) == 0 && scanFound(r.Findings) {
			c.Silent = true
			if c.Failed == 0 { // a failed check's detail already quotes the rules
				c.Reasons = append(c.Reasons, d.Why[:min(len(d.Why), maxSilentReasons)]...)
			}
		}
		out = append(out, c)
	}
	return out
}

// Matrix is the coverage matrix of a run: scenarios in run order,
// detectors in first-seen order.
type Matrix struct {
	Scenarios []string `json:"scenarios"`
	Detectors []string `json:"detectors"`
	Cells     []Cell   `json:"cells"`
}

// NewMatrix builds the matrix from the rows of the scenarios that ran.
func NewMatrix(rows [][]Cell) Matrix {
	m := Matrix{Scenarios: []string{}, Detectors: []string{}, Cells: []Cell{}}
	for _, row := range rows {
		for _, c := range row {
			if !slices.Contains(m.Scenarios, c.Scenario) {
				m.Scenarios = append(m.Scenarios, c.Scenario)
			}
			if !slices.Contains(m.Detectors, c.Detector) {
				m.Detectors = append(m.Detectors, c.Detector)
			}
			m.Cells = append(m.Cells, c)
		}
	}
	return m
}

// cell returns scenario × detector, if it ran.
func (m Matrix) cell(scenario, det string) (Cell, bool) {
	i := slices.IndexFunc(m.Cells, func(c Cell) bool { return c.Scenario == scenario && c.Detector == det })
	if i < 0 {
		return Cell{}, false
	}
	return m.Cells[i], true
}

// Misses counts the cells that missed or did not run.
func (m Matrix) Misses() int {
	n := 0
	for _, c := range m.Cells {
		if c.Outcome == CellMissed || c.Outcome == CellNotRun {
			n++
		}
	}
	return n
}

// WriteMarkdown writes the matrix as a Markdown table (one row per
// scenario, one column per detector: the outcome and a short list of
// what the detector reported), then one line per miss with its reason.
func (m Matrix) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| scenario | " + strings.Join(m.Detectors, " | ") + " |\n")
	b.WriteString("|---|" + strings.Repeat("---|", len(m.Detectors)) + "\n")
	for _, s := range m.Scenarios {
		b.WriteString("| " + s + " |")
		for _, d := range m.Detectors {
			c, ok := m.cell(s, d)
			if !ok {
				b.WriteString(" |")
				continue
			}
			b.WriteString(" " + mdEscape(cellText(c)) + " |")
		}
		b.WriteByte('\n')
	}
	var reasons []string
	for _, c := range m.Cells {
		for _, r := range c.Reasons {
			what := c.Outcome
			if c.Silent {
				what += ", silent"
			}
			reasons = append(reasons, fmt.Sprintf("- **%s × %s** (%s): %s", c.Scenario, c.Detector, what, mdEscape(r)))
		}
	}
	if len(reasons) > 0 {
		b.WriteString("\nWhy each miss happened (expectations not met, detectors that did not run, and detectors silent on a scan, a sweep or OS detection the reference detector found):\n\n" + strings.Join(reasons, "\n") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maxCellItems bounds what a Markdown cell lists of a detector's report.
const maxCellItems = 3

// cellText is a cell's Markdown text: "met 2/2: scan.tcp-syn, ...".
func cellText(c Cell) string {
	head := c.Outcome
	if c.Checks > 0 {
		head = fmt.Sprintf("%s %d/%d", c.Outcome, c.Checks-c.Failed, c.Checks)
	}
	if c.Outcome == CellNotRun {
		return head
	}
	if len(c.Reported) == 0 && c.Silent {
		return head + ": nothing (silent on the scan)"
	}
	if len(c.Reported) == 0 {
		return head + ": nothing"
	}
	items := c.Reported[:min(len(c.Reported), maxCellItems)]
	s := head + ": " + strings.Join(items, ", ")
	if more := len(c.Reported) - len(items); more > 0 {
		s += fmt.Sprintf(" (+%d)", more)
	}
	return s
}

// mdEscape keeps a text inside one table cell.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// WriteJSON writes the matrix as indented JSON.
func (m Matrix) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// WriteJUnit writes one test case per scenario × detector (class: the
// scenario, name: the detector): a miss is a failure, a detector that
// did not run an error, a cell without expectations passes with what the
// detector reported as its output.
func (m Matrix) WriteJUnit(w io.Writer, started time.Time) error {
	suite := junitSuite{Name: "siglab coverage matrix", Time: "0", Timestamp: started.UTC().Format(time.RFC3339)}
	for _, c := range m.Cells {
		tc := junitCase{Name: c.Detector, Classname: c.Scenario, Time: "0", SystemOut: cellText(c)}
		switch c.Outcome {
		case CellMissed:
			tc.Failure = &junitProblem{Message: fmt.Sprintf("%d of %d expectations not met", c.Failed, c.Checks), Type: "missed",
				Text: strings.Join(c.Reasons, "\n")}
			suite.Failures++
		case CellNotRun:
			tc.Error = &junitProblem{Message: "detector did not run", Type: "not-run", Text: strings.Join(c.Reasons, "\n")}
			suite.Errors++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	all := junitSuites{Name: suite.Name, Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Time: "0", Suites: []junitSuite{suite}}
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
