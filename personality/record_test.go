package personality_test

import (
	"fmt"
	"strconv"
	"strings"
)

// record is one parsed nmap-os-fingerprints entry: its name and, per
// test, its attributes in order.
type record struct {
	name  string
	tests map[string][][2]string
}

func parseRecord(text string) record {
	r := record{tests: map[string][][2]string{}}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "FingerPrint"):
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "FingerPrint"), "#")
			r.name = strings.TrimSpace(name)
		default:
			test, rest, _ := strings.Cut(strings.TrimSuffix(line, ")"), "(")
			r.tests[test] = parseAttrs(rest)
		}
	}
	return r
}

func parseAttrs(s string) [][2]string {
	var out [][2]string
	for _, a := range strings.Split(s, "%") {
		k, v, _ := strings.Cut(a, "=")
		out = append(out, [2]string{k, v})
	}
	return out
}

// mismatches lists where an observed fingerprint fails a reference
// record under nmap 2.0x's all-or-nothing rule: a test the observation
// lacks is skipped, and so is an attribute it lacks; every other
// attribute must satisfy the reference's expression.
func (r record) mismatches(observed map[string]string) []string {
	var out []string
	for test, ref := range r.tests {
		line, ok := observed[test]
		if !ok {
			continue
		}
		got := map[string]string{}
		for _, a := range parseAttrs(line) {
			got[a[0]] = a[1]
		}
		for _, a := range ref {
			if v, ok := got[a[0]]; ok && !avalMatch(a[1], v) {
				out = append(out, fmt.Sprintf("%s(%s=%s) observed %s", test, a[0], a[1], v))
			}
		}
	}
	return out
}

// avalMatch is AVal_match: alternatives joined by | or terms joined by &;
// a term is a literal, + (non-zero), <hex or >hex.
func avalMatch(expr, v string) bool {
	if strings.Contains(expr, "&") {
		for _, t := range strings.Split(expr, "&") {
			if !termMatch(t, v) {
				return false
			}
		}
		return true
	}
	for _, t := range strings.Split(expr, "|") {
		if termMatch(t, v) {
			return true
		}
	}
	return false
}

func termMatch(t, v string) bool {
	n, err := strconv.ParseUint(v, 16, 64)
	switch {
	case t == "+":
		return err == nil && n != 0
	case strings.HasPrefix(t, "<") || strings.HasPrefix(t, ">"):
		lim, lerr := strconv.ParseUint(t[1:], 16, 64)
		if err != nil || lerr != nil {
			return false
		}
		return (t[0] == '<' && n < lim) || (t[0] == '>' && n > lim)
	}
	return t == v
}
