package main

import (
	"context"
	"fmt"
	"path/filepath"
)

// stressRun is one run of a stress scenario as its own siglab process.
type stressRun struct {
	Scenario string `json:"scenario"`
	File     string `json:"file"`
	Run      int    `json:"run"`
	proc
	Verdict string `json:"verdict"`
	Packets int    `json:"packets"`
	Dropped uint64 `json:"dropped"`
}

// stress runs each stress scenario file n times.
func stress(ctx context.Context, bin string, files []string, n int, log func(string, ...any)) ([]stressRun, error) {
	var out []stressRun
	for _, f := range files {
		for i := 1; i <= n; i++ {
			p, err := runSiglab(ctx, bin, "run", f)
			if err != nil {
				return out, err
			}
			if err := ctx.Err(); err != nil {
				return out, err
			}
			r := stressRun{File: f, Run: i, proc: p}
			rows, err := parseTable(p.Stdout)
			if err == nil && len(rows) != 1 {
				err = fmt.Errorf("%d rows in the verdict table, want 1", len(rows))
			}
			if err != nil {
				return out, fmt.Errorf("%s: %w (exit %d, stderr: %q)", f, err, p.ExitCode, p.Stderr)
			}
			r.Scenario, r.Verdict, r.Packets, r.Dropped = rows[0].Scenario, rows[0].Verdict, rows[0].Packets, rows[0].Dropped
			out = append(out, r)
			log("stress %s %d/%d: %s, %d dropped, exit %d, %.2fs, peak RSS %.1f MB", filepath.Base(f), i, n,
				r.Verdict, r.Dropped, r.ExitCode, r.Elapsed, float64(r.PeakRSSKB)/1024)
		}
	}
	return out, nil
}
