package detector

import (
	"fmt"
	"net/netip"
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

// plural returns "1 port", "2 ports".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func addr4(a [4]byte) netip.Addr { return netip.AddrFrom4(a) }

// modal returns the most frequent value of key over fs and how often it
// occurs; ties go to the smaller value so that output is deterministic.
func modal[T ~uint8 | ~uint16 | ~uint32](fs []*flow, key func(*flow) T) (T, int) {
	counts := make(map[T]int, 4)
	var best T
	n := 0
	for _, f := range fs {
		v := key(f)
		counts[v]++
		if c := counts[v]; c > n || (c == n && v < best) {
			best, n = v, c
		}
	}
	return best, n
}
