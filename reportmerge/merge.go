package reportmerge

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/htmlreport"
	"github.com/siglab/siglab/verifier"
)

// ErrInput is wrapped by every error about a directory that is not a
// shard's report, or an output that cannot be written.
var ErrInput = errors.New("bad report directory")

// Result is what Merge made of its shards.
type Result struct {
	// Verdicts are the merged verdicts in suite order.
	Verdicts []verifier.Verdict
	// Problems are missing shards and scenarios, conflicts and foreign
	// shards, one line each; none when the shards make the whole suite.
	Problems []string
}

// shardReport is one input directory read.
type shardReport struct {
	dir     string
	summary verifier.Summary
	pos     map[string]int
}

// entry is one scenario's result and the shard it comes from.
type entry struct {
	pos    int
	result verifier.SummaryResult
	from   *shardReport
}

// Merge merges the shard report directories dirs into out.
func Merge(out string, dirs []string) (*Result, error) {
	shards, err := readAll(out, dirs)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	ref := shards[0].summary.Shard
	var same []*shardReport
	for _, s := range shards {
		if sh := s.summary.Shard; sh.SuiteHash != ref.SuiteHash || sh.Count != ref.Count {
			res.Problems = append(res.Problems, fmt.Sprintf("%s: shard %d/%d of another suite (%d scenarios, hash %.12s) than %s's (%d/%d, %d scenarios, hash %.12s): left out",
				s.dir, sh.Index, sh.Count, sh.SuiteSize, sh.SuiteHash, shards[0].dir, ref.Index, ref.Count, ref.SuiteSize, ref.SuiteHash))
			continue
		}
		same = append(same, s)
	}
	entries, problems := collect(same)
	if m := missingShards(same, ref.Count); m != "" {
		res.Problems = append(res.Problems, fmt.Sprintf("%s; %d of the suite's %d scenarios are not in the merge", m, ref.SuiteSize-len(entries), ref.SuiteSize))
	}
	res.Problems = append(res.Problems, problems...)
	if err := write(out, entries, same, res); err != nil {
		return nil, err
	}
	return res, nil
}

// readAll reads every directory's summary.json and checks it is a
// shard's.
func readAll(out string, dirs []string) ([]*shardReport, error) {
	absOut, _ := filepath.Abs(out)
	var shards []*shardReport
	for _, d := range dirs {
		if abs, _ := filepath.Abs(d); abs == absOut {
			return nil, fmt.Errorf("%w: %s is both an input and the output", ErrInput, d)
		}
		s, err := readShard(d)
		if err != nil {
			return nil, err
		}
		shards = append(shards, s)
	}
	if len(shards) == 0 {
		return nil, fmt.Errorf("%w: no shard directories to merge", ErrInput)
	}
	return shards, nil
}

// readShard reads one shard's summary.json.
func readShard(dir string) (*shardReport, error) {
	path := filepath.Join(dir, verifier.ReportSummary)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w (give directories written by siglab run --report)", ErrInput, dir, bare(err))
	}
	s := &shardReport{dir: dir, pos: map[string]int{}}
	if err := json.Unmarshal(data, &s.summary); err != nil {
		return nil, fmt.Errorf("%w: %s: not a run's summary: %v", ErrInput, path, err)
	}
	sh := s.summary.Shard
	if sh == nil {
		return nil, fmt.Errorf("%w: %s: no shard record (a report of a siglab before sharding?): run it again", ErrInput, path)
	}
	if sh.Count < 1 || sh.Index < 1 || sh.Index > sh.Count || sh.SuiteSize < 0 {
		return nil, fmt.Errorf("%w: %s: shard %d/%d of %d scenarios cannot be", ErrInput, path, sh.Index, sh.Count, sh.SuiteSize)
	}
	for _, a := range sh.Assigned {
		if a.Position < 0 || a.Position >= sh.SuiteSize || !dirName(a.Scenario) {
			return nil, fmt.Errorf("%w: %s: assigned scenario %q at %d is not in a suite of %d", ErrInput, path, a.Scenario, a.Position, sh.SuiteSize)
		}
		s.pos[a.Scenario] = a.Position
	}
	for _, r := range s.summary.Results {
		if _, ok := s.pos[r.Scenario]; !ok {
			return nil, fmt.Errorf("%w: %s: result for %q, which the shard was not given", ErrInput, path, r.Scenario)
		}
	}
	return s, nil
}

// dirName reports whether a scenario name is a plain directory name, so
// nothing read from a report can point outside it.
func dirName(name string) bool {
	return name != "" && name != "." && name != ".." && filepath.Base(name) == name && !strings.ContainsRune(name, '\\')
}

// missingShards names the shards 1..count none of the directories is.
func missingShards(shards []*shardReport, count int) string {
	have := map[int]bool{}
	for _, s := range shards {
		have[s.summary.Shard.Index] = true
	}
	var missing []string
	for k := 1; k <= count; k++ {
		if !have[k] {
			missing = append(missing, fmt.Sprintf("%d/%d", k, count))
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("missing shards: %s (%d of %d)", strings.Join(missing, ", "), len(missing), count)
}

// collect gathers the results in suite order, reporting scenarios
// reported twice with different outcomes and scenarios given to a shard
// that it did not report.
func collect(shards []*shardReport) ([]entry, []string) {
	var problems []string
	byName := map[string]entry{}
	assigned := map[string]int{}
	for _, s := range shards {
		for name, p := range s.pos {
			assigned[name] = p
		}
		for _, r := range s.summary.Results {
			e := entry{pos: s.pos[r.Scenario], result: r, from: s}
			prev, dup := byName[r.Scenario]
			if !dup {
				byName[r.Scenario] = e
				continue
			}
			if outcome(prev.result) != outcome(r) {
				problems = append(problems, fmt.Sprintf("conflict: %s is %s in %s but %s in %s (kept the first)",
					r.Scenario, outcome(prev.result), prev.from.dir, outcome(r), s.dir))
			}
		}
	}
	var missing []string
	for name := range assigned {
		if _, ok := byName[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.SortFunc(missing, func(a, b string) int { return assigned[a] - assigned[b] })
		shown := missing[:min(len(missing), 5)]
		problems = append(problems, fmt.Sprintf("missing scenarios: %d given to a shard but not reported (a shard cut short?): %s%s",
			len(missing), strings.Join(shown, ", "), map[bool]string{true: ", ...", false: ""}[len(missing) > 5]))
	}
	entries := make([]entry, 0, len(byName))
	for _, e := range byName {
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b entry) int { return a.pos - b.pos })
	return entries, problems
}

// outcome is what must agree between two reports of one scenario.
func outcome(r verifier.SummaryResult) string {
	s := fmt.Sprintf("%s (%d/%d checks, mode %s", r.Status, r.Passed, r.Checks, r.Mode)
	if r.Error != "" {
		s += ", error " + r.Error
	}
	return s + ")"
}

// write reads every verdict and matrix row first, so a bad input
// leaves nothing written, then writes out: each scenario's directory,
// then the run's files.
func write(out string, entries []entry, shards []*shardReport, res *Result) error {
	rows, haveMatrix, err := read(entries, res)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInput, out, bare(err))
	}
	for _, e := range entries {
		if err := copyTree(filepath.Join(e.from.dir, e.result.Scenario), filepath.Join(out, e.result.Scenario)); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrInput, e.result.Scenario, err)
		}
	}
	started, ended := span(shards)
	return writeFiles(out, res.Verdicts, rows, haveMatrix, mergedRecord(shards), started, ended)
}

// read rebuilds the entries' verdicts into res and gathers their rows
// of the coverage matrix; haveMatrix is whether any shard wrote one.
func read(entries []entry, res *Result) (rows [][]verifier.Cell, haveMatrix bool, err error) {
	cells := map[*shardReport]map[string][]verifier.Cell{}
	for _, e := range entries {
		v, err := verdict(e)
		if err != nil {
			return nil, false, err
		}
		if v.Status() != e.result.Status {
			return nil, false, fmt.Errorf("%w: %s: summary.json says %s is %s, but its %s (checks) makes it %s",
				ErrInput, e.from.dir, e.result.Scenario, e.result.Status, verifier.ReportVerdict, v.Status())
		}
		res.Verdicts = append(res.Verdicts, v)
		m, ok := cells[e.from]
		if !ok {
			if m, ok, err = readCells(e.from.dir); err != nil {
				return nil, false, err
			}
			cells[e.from] = m
			haveMatrix = haveMatrix || ok
		}
		if row := m[e.result.Scenario]; row != nil {
			rows = append(rows, row)
		}
	}
	return rows, haveMatrix, nil
}

// mergedRecord is the merged report's shard record: the whole suite as
// 1/1, with every scenario any shard was given, so merging it again
// still finds those that are missing.
func mergedRecord(shards []*shardReport) *verifier.ShardRecord {
	rec := &verifier.ShardRecord{Index: 1, Count: 1, Assigned: []verifier.Assigned{}}
	if len(shards) == 0 {
		return rec
	}
	ref := shards[0].summary.Shard
	rec.SuiteSize, rec.SuiteHash = ref.SuiteSize, ref.SuiteHash
	seen := map[string]bool{}
	for _, s := range shards {
		for _, a := range s.summary.Shard.Assigned {
			if !seen[a.Scenario] {
				seen[a.Scenario] = true
				rec.Assigned = append(rec.Assigned, a)
			}
		}
	}
	slices.SortFunc(rec.Assigned, func(a, b verifier.Assigned) int { return a.Position - b.Position })
	return rec
}

// span is when the first shard started and the last ended.
func span(shards []*shardReport) (time.Time, time.Time) {
	var first, last time.Time
	for _, s := range shards {
		st := s.summary.Started
		end := st.Add(time.Duration(s.summary.Elapsed * float64(time.Second)))
		if first.IsZero() || st.Before(first) {
			first = st
		}
		if end.After(last) {
			last = end
		}
	}
	return first, last
}

// verdict rebuilds an entry's verdict, with its checks from the
// scenario's verdict.json when it has one.
func verdict(e entry) (verifier.Verdict, error) {
	path := filepath.Join(e.from.dir, e.result.Scenario, verifier.ReportVerdict)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return e.result.Verdict(nil), nil
	}
	if err != nil {
		return verifier.Verdict{}, fmt.Errorf("%w: %s: %w", ErrInput, path, bare(err))
	}
	defer f.Close()
	checks, err := verifier.ReadVerdictChecks(f)
	if err != nil {
		return verifier.Verdict{}, fmt.Errorf("%w: %s: not a verdict: %v", ErrInput, path, err)
	}
	return e.result.Verdict(checks), nil
}

// readCells reads a shard's matrix.json as cells by scenario; ok is
// false when the shard wrote none.
func readCells(dir string) (map[string][]verifier.Cell, bool, error) {
	path := filepath.Join(dir, verifier.ReportMatrixJSON)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string][]verifier.Cell{}, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("%w: %s: %w", ErrInput, path, bare(err))
	}
	var m verifier.Matrix
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, false, fmt.Errorf("%w: %s: not a coverage matrix: %v", ErrInput, path, err)
	}
	out := map[string][]verifier.Cell{}
	for _, c := range m.Cells {
		out[c.Scenario] = append(out[c.Scenario], c)
	}
	return out, true, nil
}

// writeFiles writes the merged run's files, the index last, as a run does.
func writeFiles(out string, vs []verifier.Verdict, rows [][]verifier.Cell, haveMatrix bool, rec *verifier.ShardRecord, started, ended time.Time) error {
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{verifier.ReportJUnit, func(w io.Writer) error { return verifier.WriteJUnit(w, vs, started) }},
		{verifier.ReportSummary, func(w io.Writer) error { return verifier.WriteSummaryShard(w, vs, started, ended.Sub(started), rec) }},
	}
	m := verifier.NewMatrix(rows)
	if haveMatrix {
		files = append(files, []struct {
			name  string
			write func(io.Writer) error
		}{
			{verifier.ReportMatrixMD, m.WriteMarkdown},
			{verifier.ReportMatrixJSON, m.WriteJSON},
			{verifier.ReportMatrixJUnit, func(w io.Writer) error { return m.WriteJUnit(w, started) }},
		}...)
	}
	for _, f := range files {
		if err := capture.WriteFileAtomic(filepath.Join(out, f.name), f.write); err != nil {
			return fmt.Errorf("%w: %w", ErrInput, err)
		}
	}
	if err := htmlreport.WriteIndex(out, vs, m, started); err != nil {
		return fmt.Errorf("%w: %w", ErrInput, err)
	}
	return nil
}

// copyTree puts src's files under dst: hard links where the file system
// allows, copies elsewhere. A missing src (a scenario that could not
// run has no directory) is nothing to copy.
func copyTree(src, dst string) error {
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case !d.Type().IsRegular():
			return nil // a report holds regular files only
		}
		os.Remove(target) // an earlier merge's file is replaced
		if os.Link(path, target) == nil {
			return nil
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return capture.WriteFileAtomic(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// bare drops a path error's operation and path (the caller names them).
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
