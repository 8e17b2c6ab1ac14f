package scenarios

import "slices"

// labels is the reference detector's vocabulary from the product
// contract. Expectations may only name these, so a typo fails at load
// time instead of passing forever as "absent".
var labels = []string{
	"scan.tcp-syn", "scan.tcp-connect", "scan.tcp-fin", "scan.tcp-xmas",
	"scan.tcp-null", "scan.tcp-ack", "scan.udp",
	"sweep.icmp-echo", "sweep.tcp-ack",
	"scan.ftp-bounce",
	"osdetect", "seqprobe",
	"tool.nmap-2.0x", "tool.nmap-modern", "tool.other",
	"campaign.random-scan", "campaign.exploits-plus", "campaign.sweep-then-scan",
	"evasion.decoy", "evasion.fragment",
}

// Labels returns the contract's finding labels.
func Labels() []string { return slices.Clone(labels) }

// KnownLabel reports whether l is one of the contract's labels.
func KnownLabel(l string) bool { return slices.Contains(labels, l) }

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
