package verifier

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/scenarios"
)

// OutputDetector is Check.Detector for checks on nmap's own output.
const OutputDetector = "nmap"

// Check is one expectation of a scenario file and whether the run met it.
type Check struct {
	// Detector is the detector the expectation is about ("reference"),
	// or OutputDetector for nmap output checks.
	Detector string `json:"detector"`
	// Want is the expectation as written, e.g. "present scan.tcp-syn",
	// "present {label: osdetect, outcome: fingerprinted}" or
	// `contains "Interesting ports on"`.
	Want string `json:"want"`
	// Present: true when the finding (or text) must be reported, false
	// when it must not.
	Present bool `json:"present"`
	// Pos is "file:line" of the expectation.
	Pos string `json:"pos"`
	OK  bool   `json:"ok"`
	// Detail says in plain words why the check failed; "" when it passed.
	Detail string `json:"detail,omitempty"`
}

// CheckFindings checks one detector's findings against what the scenario
// file (file) says must and must not be present, in file order: present
// expectations first, then absent ones.
func CheckFindings(det string, file string, de scenarios.DetectorExpect, fs []detector.Finding) []Check {
	return checkFindings(det, file, de, fs, describe)
}

// checkFindings is CheckFindings with the way a finding is named in the
// explanations: an external detector's findings carry every field of its
// output, most of them noise in a sentence (describeP0f).
func checkFindings(det string, file string, de scenarios.DetectorExpect, fs []detector.Finding, describe func(detector.Finding) string) []Check {
	out := make([]Check, 0, len(de.Present)+len(de.Absent))
	for _, e := range de.Present {
		c := Check{Detector: det, Want: "present " + e.String(), Present: true, Pos: pos(file, e.Line)}
		if want, counted := countOf(e); counted {
			c.OK, c.Detail = checkCount(det, e, want, fs, describe)
			out = append(out, c)
			continue
		}
		c.OK = slices.ContainsFunc(fs, func(f detector.Finding) bool { return matches(e, f) })
		if !c.OK {
			c.Detail = missing(det, e, fs, describe)
		}
		out = append(out, c)
	}
	for _, e := range de.Absent {
		c := Check{Detector: det, Want: "absent " + e.String(), Pos: pos(file, e.Line), OK: true}
		if i := slices.IndexFunc(fs, func(f detector.Finding) bool { return matches(e, f) }); i >= 0 {
			c.OK = false
			c.Detail = unwanted(det, e, fs, i, describe)
		}
		out = append(out, c)
	}
	return out
}

// matches: same label, and every attribute the expectation names has the
// expected value (attributes it does not name may be anything). An
// expectation on a detector's fields (e.Key set) may leave the label out,
// and its count is not a field.
func matches(e scenarios.Expectation, f detector.Finding) bool {
	if e.Label != f.Label && (e.Key == "" || e.Label != "") {
		return false
	}
	for k, v := range e.Attrs {
		if e.Key != "" && k == scenarios.CountKey {
			continue
		}
		if got, _ := value(e, f, k); got != v {
			return false
		}
	}
	return true
}

// countOf is the number of records an expectation on a detector's fields
// asks for, if it asks.
func countOf(e scenarios.Expectation) (int, bool) {
	v, ok := e.Attrs[scenarios.CountKey]
	if !ok || e.Key == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// checkCount checks that exactly want records match e.
func checkCount(det string, e scenarios.Expectation, want int, fs []detector.Finding, describe func(detector.Finding) string) (bool, string) {
	n := 0
	for _, f := range fs {
		if matches(e, f) {
			n++
		}
	}
	if n == want {
		return true, ""
	}
	return false, fmt.Sprintf("%d matching records, expected %d; %s", n, want, reported(det, fs, describe))
}

// value is what an expectation's key names in a finding: its counts and
// scanner by these names (so `{label: scan.tcp-syn, ports: 25}` asks for
// exactly 25 ports), otherwise an attribute. For an expectation on a
// detector's fields every key is a field: scanlogd's ports is its list.
func value(e scenarios.Expectation, f detector.Finding, k string) (string, bool) {
	if e.Key != "" {
		v, ok := f.Attrs[k]
		return v, ok
	}
	switch k {
	case "packets":
		return strconv.Itoa(f.Packets), true
	case "ports":
		return strconv.Itoa(f.Ports), true
	case "targets":
		return strconv.Itoa(len(f.Targets)), true
	case "scanner":
		return f.Scanner.String(), true
	}
	v, ok := f.Attrs[k]
	return v, ok
}

// missing explains a present expectation that no finding met: first the
// near misses (same label, other attributes), then everything det said.
func missing(det string, e scenarios.Expectation, fs []detector.Finding, describe func(detector.Finding) string) string {
	var near []detector.Finding
	for _, f := range fs {
		if f.Label == e.Label {
			near = append(near, f)
		}
	}
	var parts []string
	for _, f := range near {
		who := cmp.Or(f.Label, "a record")
		if len(near) > 1 {
			who += " from " + scanner(f)
		}
		for _, d := range attrDiffs(e, f) {
			// Many findings of one scanner can miss the same way (p0f
			// logs every SYN); say it once.
			if line := who + " reported " + d; !slices.Contains(parts, line) {
				parts = append(parts, line)
			}
		}
	}
	if len(near) == 0 {
		parts = append(parts, related(e, fs)...)
	}
	return strings.Join(append(parts, reported(det, fs, describe)), "; ")
}

// related explains a missing label by what the detector concluded
// instead in the same family (tool.*, scan.*, ...), with its evidence:
// "instead tool.nmap-modern from 198.19.0.1: MSS 1460 on every scan SYN".
func related(e scenarios.Expectation, fs []detector.Finding) []string {
	family, _, _ := strings.Cut(e.Label, ".")
	var out []string
	for _, f := range fs {
		if fam, _, _ := strings.Cut(f.Label, "."); fam != family {
			continue
		}
		line := "instead " + f.Label + " from " + scanner(f)
		if len(f.Evidence) > 0 {
			line += ": " + strings.Join(f.Evidence[:min(2, len(f.Evidence))], ", ")
		}
		out = append(out, line)
	}
	return out
}

// attrDiffs lists, sorted by name, the expected attributes f does not
// have: "outcome=retried, expected fingerprinted".
func attrDiffs(e scenarios.Expectation, f detector.Finding) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(e.Attrs)) {
		if e.Key != "" && k == scenarios.CountKey {
			continue
		}
		want := e.Attrs[k]
		got, ok := value(e, f, k)
		switch {
		case !ok && want != "":
			out = append(out, fmt.Sprintf("no %s, expected %s", k, want))
		case got != want:
			out = append(out, fmt.Sprintf("%s=%s, expected %s", k, got, want))
		}
	}
	return out
}

// reported lists what det reported, each label once per attribute set.
func reported(det string, fs []detector.Finding, describe func(detector.Finding) string) string {
	if len(fs) == 0 {
		return det + " reported nothing"
	}
	var seen []string
	for _, f := range fs {
		if s := describe(f); !slices.Contains(seen, s) {
			seen = append(seen, s)
		}
	}
	return det + " reported: " + strings.Join(seen, ", ")
}

// unwanted explains an absent expectation that fs[i] (and maybe more)
// met: which finding, from which scanner, and why the detector said so.
func unwanted(det string, e scenarios.Expectation, fs []detector.Finding, i int, describe func(detector.Finding) string) string {
	f := fs[i]
	why := "with no evidence"
	if len(f.Evidence) > 0 {
		why = "because: " + f.Evidence[0]
	}
	s := fmt.Sprintf("%s reported %s from %s %s", det, describe(f), scanner(f), why)
	more := 0
	for _, g := range fs[i+1:] {
		if matches(e, g) {
			more++
		}
	}
	if more > 0 {
		s += fmt.Sprintf(" (and %d more such findings)", more)
	}
	return s
}

// describe renders a finding's label with its attributes sorted by name:
// "osdetect (generation=nmap-1, outcome=retried)".
func describe(f detector.Finding) string {
	if len(f.Attrs) == 0 {
		return f.Label
	}
	kv := make([]string, 0, len(f.Attrs))
	for _, k := range slices.Sorted(maps.Keys(f.Attrs)) {
		kv = append(kv, k+"="+f.Attrs[k])
	}
	return f.Label + " (" + strings.Join(kv, ", ") + ")"
}

func scanner(f detector.Finding) string {
	if !f.Scanner.IsValid() {
		return "an unknown scanner"
	}
	return f.Scanner.String()
}

// pos is "file:line", or just the file when the line is unknown.
func pos(file string, line int) string {
	if line <= 0 {
		return file
	}
	return fmt.Sprintf("%s:%d", file, line)
}

// CheckOutput checks that nmap's output contains every string the
// scenario file (file) lists under nmap_output.contains.
func CheckOutput(file string, oe scenarios.OutputExpect, output string) []Check {
	out := make([]Check, 0, len(oe.Contains))
	for i, s := range oe.Contains {
		line := oe.Line
		if i < len(oe.Lines) {
			line = oe.Lines[i]
		}
		c := Check{Detector: OutputDetector, Want: fmt.Sprintf("contains %q", s), Present: true, Pos: pos(file, line)}
		c.OK = strings.Contains(output, s)
		if !c.OK {
			c.Detail = notInOutput(s, output)
		}
		out = append(out, c)
	}
	return out
}

// notInOutput explains a missing string, pointing at the output line most
// like it (a wrong port number or state is the usual cause).
func notInOutput(want, output string) string {
	if strings.TrimSpace(output) == "" {
		return "nmap printed nothing"
	}
	lines := strings.Split(strings.TrimRight(output, "\n"), "\n")
	msg := fmt.Sprintf("not in nmap's output (%d lines)", len(lines))
	if best := closest(want, lines); best != "" {
		msg += fmt.Sprintf("; the most similar line is %q", best)
	}
	return msg
}

// Bounds on the similarity search, so a 65535-port verbose output cannot
// make a failure report slow.
const (
	maxCompareLines = 20000
	maxCompareLen   = 256
	minCommon       = 4
)

// closest returns the line sharing the longest run of characters with
// want, or "" when no line shares at least minCommon.
func closest(want string, lines []string) string {
	want = want[:min(len(want), maxCompareLen)]
	row := make([]int, maxCompareLen+1)
	prev := make([]int, maxCompareLen+1)
	best, bestLen := "", minCommon-1
	for _, l := range lines[:min(len(lines), maxCompareLines)] {
		if n := longestCommon(want, l[:min(len(l), maxCompareLen)], prev, row); n > bestLen {
			best, bestLen = l, n
		}
	}
	return strings.TrimSpace(best)
}

// longestCommon is the length of the longest common substring of a and b;
// prev and row are scratch rows of at least len(b)+1.
func longestCommon(a, b string, prev, row []int) int {
	clear(prev)
	longest := 0
	for i := 0; i < len(a); i++ {
		clear(row)
		for j := 0; j < len(b); j++ {
			if a[i] == b[j] {
				row[j+1] = prev[j] + 1
				longest = max(longest, row[j+1])
			}
		}
		prev, row = row, prev
	}
	return longest
}
