package detector

import (
	"fmt"
	"strings"
	"time"
)

// ts converts a stored capture time back to a time.Time, in UTC so that
// output does not depend on the machine's zone.
func ts(ns int64) time.Time { return time.Unix(0, ns).UTC() }

// seconds renders a span the way an analyst reads traces: milliseconds
// resolution, microseconds when the span is shorter than that.
func seconds(ns int64) string {
	if ns > 0 && ns < int64(time.Millisecond) {
		return fmt.Sprintf("%.6f s", float64(ns)/1e9)
	}
	return fmt.Sprintf("%.3f s", float64(ns)/1e9)
}

// plural returns "1 port", "2 ports", "2 addresses".
func plural(n int, word string) string {
	switch {
	case n == 1:
		return fmt.Sprintf("%d %s", n, word)
	case strings.HasSuffix(word, "s"):
		return fmt.Sprintf("%d %ses", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// portCount is one "N ports ..." evidence line, said only when N > 0.
type portCount struct {
	n    int
	says string // what those ports did, after "N ports"
}

// portLines appends "N port(s) says" to ev for each count above zero.
func portLines(ev []string, cs ...portCount) []string {
	for _, c := range cs {
		if c.n > 0 {
			ev = append(ev, plural(c.n, "port")+" "+c.says)
		}
	}
	return ev
}

// all reports whether pred holds for every flow of fs.
func all(fs []*flow, pred func(*flow) bool) bool {
	for _, f := range fs {
		if !pred(f) {
			return false
		}
	}
	return true
}

// count returns for how many flows of fs pred holds.
func count(fs []*flow, pred func(*flow) bool) int {
	n := 0
	for _, f := range fs {
		if pred(f) {
			n++
		}
	}
	return n
}
