package verifier

import (
	"encoding/json"
	"io"
	"time"
)

// ReportSummary is the JSON summary `siglab run --report DIR` writes at
// the top of DIR: the run's counts and one record per scenario.
const ReportSummary = "summary.json"

type summaryJSON struct {
	Started   time.Time             `json:"started"`
	Elapsed   float64               `json:"elapsed_seconds"`
	Scenarios int                   `json:"scenarios"`
	Counts    map[Status]int        `json:"counts"`
	ExitCode  int                   `json:"exit_code"`
	Results   []summaryScenarioJSON `json:"results"`
}

type summaryScenarioJSON struct {
	Scenario string  `json:"scenario"`
	File     string  `json:"file,omitempty"`
	Mode     string  `json:"mode"`
	Status   Status  `json:"status"`
	Checks   int     `json:"checks"`
	Passed   int     `json:"checks_passed"`
	Packets  int     `json:"packets"`
	Dropped  uint64  `json:"dropped"`
	Elapsed  float64 `json:"elapsed_seconds"`
	Error    string  `json:"error,omitempty"`
	Skipped  string  `json:"skipped,omitempty"`
}

// WriteSummary writes the run's JSON summary: the counts per status, the
// exit code the run ends with (ExitCode: 0 pass, 1 fail, 2 error, 3
// inconclusive), and per scenario its status, checks, packets and the
// sensor's drops.
func WriteSummary(w io.Writer, vs []Verdict, started time.Time, elapsed time.Duration) error {
	s := summaryJSON{Started: started.UTC(), Elapsed: elapsed.Seconds(), Scenarios: len(vs),
		Counts: map[Status]int{}, ExitCode: ExitCode(vs)}
	for _, v := range vs {
		st := v.Status()
		s.Counts[st]++
		r := summaryScenarioJSON{Scenario: v.Scenario, File: v.File, Mode: v.Mode, Status: st, Checks: len(v.Checks),
			Passed: len(v.Checks) - v.failed(), Packets: v.Packets, Dropped: v.Dropped, Elapsed: v.Elapsed.Seconds(), Skipped: v.Skipped}
		if v.Err != nil {
			r.Error = v.Err.Error()
		}
		s.Results = append(s.Results, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}
