package fingerprint

import "strings"

// Merge prints the fingerprints of several OS detection attempts as one
// block, as nmap 2.01's mergeFPs() (osscan.c) did for its "No OS
// matches" notice. The attempts are walked side by side, one test of
// each per round, in attempt order; a test is printed unless the next
// attempt's test at the same place has the same name and agrees with it
// (every attribute of the earlier test that the later one has passes
// AVal_match() with the earlier value as the expression). So a test all
// attempts repeat is printed once, from the last attempt, and the rounds
// go on until every attempt's tests are used up. Each test ends in a
// newline, as in Fingerprint.String.
func Merge(fps []*Fingerprint) string {
	var b strings.Builder
	pos := make([]int, len(fps)) // each attempt's next test
	for {
		printed := false
		for i, fp := range fps {
			if fp == nil || pos[i] >= len(fp.Tests) {
				continue
			}
			t := &fp.Tests[pos[i]]
			if i == len(fps)-1 || !sameTest(t, fps[i+1], pos[i+1]) {
				t.write(&b)
				b.WriteByte('\n')
				printed = true
			}
			pos[i]++
		}
		if !printed {
			return b.String()
		}
	}
}

// sameTest reports whether next's test at index j repeats t, by
// mergeFPs()'s rule: the same name and AVal_match(t, next's test).
func sameTest(t *Test, next *Fingerprint, j int) bool {
	if next == nil || j >= len(next.Tests) {
		return false
	}
	u := &next.Tests[j]
	if u.Name != t.Name {
		return false
	}
	for _, a := range t.Attrs {
		v, ok := u.Value(a.Name)
		if !ok {
			continue
		}
		e, err := ParseExpr(a.Value)
		if err != nil || !e.Match(v) {
			return false
		}
	}
	return true
}
