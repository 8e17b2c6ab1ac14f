package scenarios

import (
	"slices"
	"sync"

	"github.com/siglab/siglab/detector"
)

// labels is the reference detector's vocabulary, in the contract's order.
// It is taken from the detector's label table rather than listed here, so
// expectations can name exactly the labels the detector reports and eve
// output carries: a typo fails at load time instead of passing forever
// as "absent", and a new label is expectable as soon as it is reported.
var labels = sync.OnceValue(func() []string { return labelNames(detector.Labels()) })

// labelNames returns the names of the rows of t, in order.
func labelNames(t []detector.LabelInfo) []string {
	ns := make([]string, len(t))
	for i, l := range t {
		ns[i] = l.Name
	}
	return ns
}

// Labels returns the contract's finding labels.
func Labels() []string { return slices.Clone(labels()) }

// KnownLabel reports whether l is one of the contract's labels.
func KnownLabel(l string) bool {
	_, ok := detector.LookupLabel(l)
	return ok
}

// nearestLabel returns the label of vocab within two edits of l, for a
// "did you mean" hint, or "" when none is that close.
func nearestLabel(vocab []string, l string) string {
	if len(l) > 64 { // no label is that long; spare the quadratic work
		return ""
	}
	best, bestDist := "", 3
	for _, k := range vocab {
		if d := editDistance(l, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	row := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			row[j] = min(prev[j]+1, row[j-1]+1, prev[j-1]+cost)
		}
		prev, row = row, prev
	}
	return prev[len(b)]
}
