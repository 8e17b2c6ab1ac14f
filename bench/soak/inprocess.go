package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// inRun is one in-process run of the catalogue.
type inRun struct {
	Run      int               `json:"run"`
	Elapsed  float64           `json:"elapsed_seconds"`
	Start    sample            `json:"start"`
	End      sample            `json:"end"`
	Verdicts map[string]string `json:"verdicts"`
	// Problems are the verdict table's reason lines (failed checks,
	// drops, errors): empty when every scenario passed.
	Problems []string `json:"problems,omitempty"`
}

// inProcess runs the catalogue runs times in this process, sampling
// before and after each run; progress goes to log.
func inProcess(ctx context.Context, list []*scenarios.Scenario, runs, parallel int, log func(string, ...any)) ([]inRun, error) {
	var out []inRun
	for i := 1; i <= runs; i++ {
		start, err := takeSample()
		if err != nil {
			return out, err
		}
		began := time.Now()
		vs := runCatalogue(ctx, list, parallel)
		elapsed := time.Since(began)
		if err := ctx.Err(); err != nil {
			return out, err
		}
		end, err := takeSample()
		if err != nil {
			return out, err
		}
		r := inRun{Run: i, Elapsed: elapsed.Seconds(), Start: start, End: end, Verdicts: map[string]string{}, Problems: problems(vs)}
		for _, v := range vs {
			r.Verdicts[v.Scenario] = string(v.Status())
		}
		out = append(out, r)
		log("in-process run %d/%d: %.1fs, %s; fds %d->%d, goroutines %d->%d, RSS %.1f->%.1f MB",
			i, runs, r.Elapsed, countVerdicts(r.Verdicts), start.FDs, end.FDs, start.Goroutines, end.Goroutines,
			mb(start.RSSKB), mb(end.RSSKB))
	}
	return out, nil
}

// runCatalogue runs the scenarios live, parallel at a time, as `siglab
// run` does, and returns their verdicts in list order; a run that fails
// to happen is an error verdict, as `siglab run` reports it.
func runCatalogue(ctx context.Context, list []*scenarios.Scenario, parallel int) []verifier.Verdict {
	out := make([]verifier.Verdict, len(list))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, s := range list {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			res, err := verifier.Run(ctx, s, false)
			if err != nil {
				out[i] = verifier.Verdict{Scenario: s.Name, File: s.File, Mode: verifier.ModeLive, Err: err}
				return
			}
			out[i] = res.Verdict
		}()
	}
	wg.Wait()
	return out
}

// problems are the verdict table's reason lines for vs.
func problems(vs []verifier.Verdict) []string {
	var b strings.Builder
	if err := verifier.WriteTable(&b, vs); err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "  ") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

// countVerdicts sums a verdict map up: "28 pass" or "27 pass, 1 fail".
func countVerdicts(m map[string]string) string {
	n := map[string]int{}
	for _, v := range m {
		n[v]++
	}
	var parts []string
	for _, st := range []string{"pass", "fail", "inconclusive", "error", "skip"} {
		if n[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[st], st))
		}
	}
	if len(parts) == 0 {
		return "no scenarios"
	}
	return strings.Join(parts, ", ")
}

func mb(kb int) float64 { return float64(kb) / 1024 }
