package verifier

import (
	"encoding/json"
	"errors"
	"io"
	"time"
)

// ReportSummary is the JSON summary `siglab run --report DIR` writes at
// the top of DIR: the run's counts and one record per scenario.
const ReportSummary = "summary.json"

// Summary is summary.json.
type Summary struct {
	Started   time.Time       `json:"started"`
	Elapsed   float64         `json:"elapsed_seconds"`
	Scenarios int             `json:"scenarios"`
	Counts    map[Status]int  `json:"counts"`
	ExitCode  int             `json:"exit_code"`
	Results   []SummaryResult `json:"results"`
	// Shard says which share of which suite the run was (1/1 for a
	// whole suite), so shards' reports can be merged and checked.
	Shard *ShardRecord `json:"shard,omitempty"`
}

// SummaryResult is one scenario's record in summary.json.
type SummaryResult struct {
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

// ShardRecord is summary.json's shard: the run's K/N, the whole suite's
// size and hash (package shard's SuiteHash), and the scenarios this
// shard was given with their places in the suite.
type ShardRecord struct {
	Index     int        `json:"index"`
	Count     int        `json:"count"`
	SuiteSize int        `json:"suite_size"`
	SuiteHash string     `json:"suite_hash"`
	Assigned  []Assigned `json:"assigned"`
}

// Assigned is one scenario given to a shard and its place (from 0) in
// the suite's order.
type Assigned struct {
	Scenario string `json:"scenario"`
	Position int    `json:"position"`
}

// WriteSummary writes the run's JSON summary: the counts per status, the
// exit code the run ends with (ExitCode: 0 pass, 1 fail, 2 error, 3
// inconclusive), and per scenario its status, checks, packets and the
// sensor's drops.
func WriteSummary(w io.Writer, vs []Verdict, started time.Time, elapsed time.Duration) error {
	return WriteSummaryShard(w, vs, started, elapsed, nil)
}

// WriteSummaryShard is WriteSummary with the run's shard record.
func WriteSummaryShard(w io.Writer, vs []Verdict, started time.Time, elapsed time.Duration, sh *ShardRecord) error {
	s := Summary{Started: started.UTC(), Elapsed: elapsed.Seconds(), Scenarios: len(vs),
		Counts: map[Status]int{}, ExitCode: ExitCode(vs), Results: []SummaryResult{}, Shard: sh}
	for _, v := range vs {
		st := v.Status()
		s.Counts[st]++
		r := SummaryResult{Scenario: v.Scenario, File: v.File, Mode: v.Mode, Status: st, Checks: len(v.Checks),
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

// Verdict rebuilds the verdict a result was written from, with checks
// (a scenario report's verdict.json; nil when it has none, as for a
// scenario that could not run): what reports merged from shards are
// written from.
func (r SummaryResult) Verdict(checks []Check) Verdict {
	v := Verdict{Scenario: r.Scenario, File: r.File, Mode: r.Mode, Checks: checks, Dropped: r.Dropped,
		Elapsed: time.Duration(r.Elapsed * float64(time.Second)), Packets: r.Packets, Skipped: r.Skipped}
	if r.Error != "" || r.Status == StatusError {
		v.Err = errors.New(r.Error)
	}
	return v
}

// ReadVerdictChecks reads the checks of a scenario report's verdict.json.
func ReadVerdictChecks(rd io.Reader) ([]Check, error) {
	var v verdictJSON
	if err := json.NewDecoder(rd).Decode(&v); err != nil {
		return nil, err
	}
	return v.Checks, nil
}
