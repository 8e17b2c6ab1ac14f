package shard

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"time"
)

// timingsFile is what ReadTimings takes from a summary.json (`siglab
// run --report DIR` writes DIR/summary.json; `siglab report merge` a
// whole suite's): each result's scenario and elapsed seconds.
type timingsFile struct {
	Results *[]struct {
		Scenario string   `json:"scenario"`
		Elapsed  *float64 `json:"elapsed_seconds"`
	} `json:"results"`
}

// ReadTimings reads the scenarios' durations from a run's summary.json.
func ReadTimings(path string) (map[string]time.Duration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: timings: %w", ErrBadShard, err)
	}
	var f timingsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%w: timings %s: not a summary.json: %v", ErrBadShard, path, err)
	}
	if f.Results == nil {
		return nil, fmt.Errorf("%w: timings %s: no results: give the summary.json of a run's report", ErrBadShard, path)
	}
	out := make(map[string]time.Duration, len(*f.Results))
	for i, r := range *f.Results {
		if r.Scenario == "" || r.Elapsed == nil || *r.Elapsed < 0 || math.IsNaN(*r.Elapsed) || *r.Elapsed > 1e6 {
			return nil, fmt.Errorf("%w: timings %s: result %d has no scenario or no elapsed_seconds a run could take", ErrBadShard, path, i+1)
		}
		out[r.Scenario] = time.Duration(*r.Elapsed * float64(time.Second))
	}
	return out, nil
}
