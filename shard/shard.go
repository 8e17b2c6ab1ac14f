package shard

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrBadShard is wrapped by every error about a shard's K/N, the
// environment that sets it, or a timings file.
var ErrBadShard = errors.New("bad shard")

// Environment variables FromEnv reads.
const (
	// EnvIndex is set by a Kubernetes Indexed Job: the pod's completion
	// index, 0 to completions-1.
	EnvIndex = "JOB_COMPLETION_INDEX"
	// EnvCount is the number of shards; the Job sets it to its
	// completions, since Kubernetes does not tell a pod that number.
	EnvCount = "SIGLAB_SHARDS"
)

// Spec is shard Index of Count, 1 <= Index <= Count.
type Spec struct {
	Index, Count int
}

// All is the whole suite as one shard: what an unsharded run is.
var All = Spec{Index: 1, Count: 1}

// String is K/N.
func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Parse reads K/N, K from 1 to N.
func Parse(s string) (Spec, error) {
	k, n, ok := strings.Cut(s, "/")
	if !ok {
		return Spec{}, fmt.Errorf("%w %q: write K/N, e.g. 3/8 (K from 1 to N)", ErrBadShard, s)
	}
	ki, kerr := strconv.Atoi(k)
	ni, nerr := strconv.Atoi(n)
	if kerr != nil || nerr != nil {
		return Spec{}, fmt.Errorf("%w %q: K and N are whole numbers, e.g. 3/8", ErrBadShard, s)
	}
	return check(Spec{ki, ni}, s)
}

// check refuses K outside 1..N.
func check(sp Spec, text string) (Spec, error) {
	switch {
	case sp.Count < 1:
		return Spec{}, fmt.Errorf("%w %q: N must be at least 1", ErrBadShard, text)
	case sp.Index < 1 || sp.Index > sp.Count:
		return Spec{}, fmt.Errorf("%w %q: K counts from 1 to N (%d)", ErrBadShard, text, sp.Count)
	}
	return sp, nil
}

// FromEnv is the shard of a process started by a Kubernetes Indexed
// Job: JOB_COMPLETION_INDEX+1 of count (a --shards flag; 0 when not
// given) or else of SIGLAB_SHARDS. ok is false when JOB_COMPLETION_INDEX
// is unset (not a Job's pod: the whole suite).
func FromEnv(getenv func(string) string, count int) (sp Spec, ok bool, err error) {
	idx := getenv(EnvIndex)
	if idx == "" {
		return Spec{}, false, nil
	}
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 {
		return Spec{}, false, fmt.Errorf("%w: %s=%q is not a completion index (0, 1, ...)", ErrBadShard, EnvIndex, idx)
	}
	if count == 0 {
		n := getenv(EnvCount)
		if n == "" {
			return Spec{}, false, fmt.Errorf("%w: %s=%s but neither --shards nor %s says how many shards (set it to the Job's completions)", ErrBadShard, EnvIndex, idx, EnvCount)
		}
		if count, err = strconv.Atoi(n); err != nil {
			return Spec{}, false, fmt.Errorf("%w: %s=%q is not a number of shards", ErrBadShard, EnvCount, n)
		}
	}
	sp, err = check(Spec{Index: i + 1, Count: count}, fmt.Sprintf("%s=%s of %d", EnvIndex, idx, count))
	return sp, err == nil, err
}

// nameHash is the stable hash shards are dealt by.
func nameHash(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// Assign returns each scenario's shard, 1 to n, by the index of names.
// timings (nil for none) give the scenarios' last durations: those
// missing count as the median of those given.
func Assign(names []string, n int, timings map[string]time.Duration) []int {
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	byHash := func(a, b int) int {
		return cmp.Or(cmp.Compare(nameHash(names[a]), nameHash(names[b])), cmp.Compare(names[a], names[b]))
	}
	out := make([]int, len(names))
	if len(timings) == 0 {
		slices.SortFunc(order, byHash)
		for rank, i := range order {
			out[i] = rank%n + 1
		}
		return out
	}
	dur := durations(names, timings)
	slices.SortFunc(order, func(a, b int) int { return cmp.Or(cmp.Compare(dur[b], dur[a]), byHash(a, b)) })
	load := make([]time.Duration, n)
	count := make([]int, n)
	for _, i := range order {
		// The least loaded shard; among equals the one with fewest
		// scenarios, so durations of 0 (an offline run's, rounded) still
		// spread by count.
		least := 0
		for s := range load {
			if load[s] < load[least] || (load[s] == load[least] && count[s] < count[least]) {
				least = s
			}
		}
		load[least] += dur[i]
		count[least]++
		out[i] = least + 1
	}
	return out
}

// durations is each scenario's duration, the median of the known ones
// standing in for the unknown (a new scenario).
func durations(names []string, timings map[string]time.Duration) []time.Duration {
	known := make([]time.Duration, 0, len(timings))
	for _, name := range names {
		if d, ok := timings[name]; ok {
			known = append(known, d)
		}
	}
	median := time.Duration(0)
	if len(known) > 0 {
		slices.Sort(known)
		median = known[len(known)/2]
	}
	out := make([]time.Duration, len(names))
	for i, name := range names {
		d, ok := timings[name]
		if !ok {
			d = median
		}
		out[i] = d
	}
	return out
}

// Select returns the indexes of names in shard sp, in suite order.
func Select(names []string, sp Spec, timings map[string]time.Duration) []int {
	var out []int
	for i, s := range Assign(names, sp.Count, timings) {
		if s == sp.Index {
			out = append(out, i)
		}
	}
	return out
}

// SuiteHash names a suite by its scenario names in order: sha256 of the
// names, each followed by a newline, in hex.
func SuiteHash(names []string) string {
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}
