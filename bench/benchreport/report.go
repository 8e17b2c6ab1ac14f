package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"
)

// results is bench/results.json.
type results struct {
	Date     string        `json:"date"`
	Machine  machine       `json:"machine"`
	Measures []measurement `json:"measurements"`
	Targets  []target      `json:"targets"`
	Notes    []string      `json:"notes,omitempty"`
}

// measurement is one quantity over its runs, with the ratio of the
// table's first tool to this one where the table compares tools.
type measurement struct {
	Section string    `json:"section"`
	Subject string    `json:"subject"`
	Tool    string    `json:"tool"`
	Metric  string    `json:"metric"`
	Runs    []float64 `json:"runs"`
	Median  float64   `json:"median"`
	// Ratio is first tool's median / this tool's (packets/s: above 1
	// means siglab is faster).
	Ratio *float64 `json:"ratio,omitempty"`
}

// report turns the raw file into OUT.json and OUT.md.
func report(rawPath, jsonPath, mdPath string) error {
	r, err := readRaw(rawPath)
	if err != nil {
		return err
	}
	res := results{Date: time.Now().UTC().Format("2006-01-02"), Machine: thisMachine(), Targets: judge(r), Notes: r.notes}
	for _, t := range tables {
		res.Measures = append(res.Measures, measurements(r, t)...)
	}
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(jsonPath, append(js, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(mdPath, []byte(markdown(r, res)), 0o644)
}

// measurements lists t's measured quantities in table order.
func measurements(r *raw, t table) []measurement {
	var out []measurement
	for _, tl := range t.tools {
		for _, c := range t.cols {
			k := key{t.section, t.subject, tl.id, c.metric}
			m, ok := r.median(k)
			if !ok {
				continue
			}
			ms := measurement{Section: t.section, Subject: t.subject, Tool: tl.id, Metric: c.metric, Runs: r.values[k], Median: m}
			if c.metric == t.ratioMetric {
				ms.Ratio = ratio(r, t, tl.id)
			}
			out = append(out, ms)
		}
	}
	return out
}

// ratio is t's first tool's median over id's, or with t.base set id's
// over base's; nil when either is absent, for the reference row itself
// and for noRatio rows.
func ratio(r *raw, t table, id string) *float64 {
	ref := t.refTool()
	if id == ref {
		return nil
	}
	for _, tl := range t.tools {
		if tl.id == id && tl.noRatio {
			return nil
		}
	}
	b, ok1 := r.median(key{t.section, t.subject, ref, t.ratioMetric})
	v, ok2 := r.median(key{t.section, t.subject, id, t.ratioMetric})
	if t.base != "" {
		b, v = v, b
	}
	if !ok1 || !ok2 || v == 0 {
		return nil
	}
	q := b / v
	return &q
}

// refTool is the row the others' ratios are taken against.
func (t table) refTool() string {
	if t.base != "" {
		return t.base
	}
	return t.tools[0].id
}

// num prints a count with thousands separators: 1,234,567.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 0, 64)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// cell shows a median: counts as integers, small values with a decimal.
func cell(v float64) string {
	if v < 100 {
		return fmt.Sprintf("%.1f", v)
	}
	return num(v)
}
