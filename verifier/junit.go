package verifier

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// ReportJUnit is the JUnit XML file `siglab run --report DIR` writes at the
// top of DIR, for CI systems that show test results.
const ReportJUnit = "junit.xml"

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the verdicts as one JUnit test suite, one test case
// per scenario: failed checks (and inconclusive runs) are failures, runs
// that could not happen are errors, live-only scenarios offline are
// skipped. JUnit has no inconclusive outcome, so an inconclusive run is a
// failure of type "inconclusive" whose message gives the drops; the
// run's exit code (3, ExitInconclusive) and summary.json keep it apart
// from a failed check. Each failure's text lists every check that missed, as the
// verdict table does.
func WriteJUnit(w io.Writer, vs []Verdict, started time.Time) error {
	suite := junitSuite{Name: "siglab", Tests: len(vs), Timestamp: started.UTC().Format(time.RFC3339)}
	var total time.Duration
	for _, v := range vs {
		total += v.Elapsed
		c := junitCase{Classname: "siglab." + v.Mode, Name: v.Scenario, Time: seconds3(v.Elapsed)}
		var b strings.Builder
		writeReasons(&b, v)
		switch v.Status() {
		case StatusFail:
			suite.Failures++
			c.Failure = &junitProblem{Message: fmt.Sprintf("%d of %d checks failed", v.failed(), len(v.Checks)), Type: "expectation", Text: b.String()}
		case StatusInconclusive:
			suite.Failures++
			c.Failure = &junitProblem{Message: fmt.Sprintf("inconclusive: the sensor dropped %d packets", v.Dropped), Type: "inconclusive", Text: b.String()}
		case StatusError:
			suite.Errors++
			c.Error = &junitProblem{Message: v.Err.Error(), Type: "setup", Text: b.String()}
		case StatusSkip:
			suite.Skipped++
			c.Skipped = &junitProblem{Message: v.Skipped}
		}
		c.SystemOut = fmt.Sprintf("%s: %d packets captured, %d dropped, %d/%d checks passed", v.File, v.Packets, v.Dropped, len(v.Checks)-v.failed(), len(v.Checks))
		suite.Cases = append(suite.Cases, c)
	}
	suite.Time = seconds3(total)
	doc := junitSuites{Name: "siglab", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors,
		Skipped: suite.Skipped, Time: suite.Time, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds3(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
