package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// ErrRaw is wrapped by errors in the raw measurement file.
var ErrRaw = errors.New("bad raw measurement")

// key names one measured quantity; its runs are the values.
type key struct{ section, subject, tool, metric string }

// raw is the script's measurements: numbers per key, in run order, and
// free-text notes (section "note") that go under the table unchanged.
type raw struct {
	values map[key][]float64
	notes  []string
}

// readRaw parses lines "section\tsubject\ttool\trun\tmetric\tvalue".
func readRaw(path string) (*raw, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := &raw{values: map[key][]float64{}}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if err := r.add(sc.Text()); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return r, sc.Err()
}

func (r *raw) add(line string) error {
	if strings.TrimSpace(line) == "" {
		return nil
	}
	f := strings.Split(line, "\t")
	if len(f) != 6 {
		return fmt.Errorf("%w: %d fields, want 6", ErrRaw, len(f))
	}
	if f[0] == "note" {
		r.notes = append(r.notes, f[5])
		return nil
	}
	v, err := strconv.ParseFloat(f[5], 64)
	if err != nil {
		return fmt.Errorf("%w: value %q is not a number", ErrRaw, f[5])
	}
	k := key{f[0], f[1], f[2], f[4]}
	r.values[k] = append(r.values[k], v)
	return nil
}

// median of k's runs; ok is false when k was not measured.
func (r *raw) median(k key) (m float64, ok bool) {
	return median(r.values[k])
}

// median is the middle value, or the mean of the two middle ones.
func median(vs []float64) (float64, bool) {
	if len(vs) == 0 {
		return 0, false
	}
	s := slices.Sorted(slices.Values(vs))
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}

// all reports whether k was measured and every run equals want (the
// live scans' "found exactly the open ports", 1 per run).
func (r *raw) all(k key, want float64) bool {
	vs := r.values[k]
	return len(vs) > 0 && !slices.ContainsFunc(vs, func(v float64) bool { return v != want })
}
