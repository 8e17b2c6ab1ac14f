package detector

import (
	"bytes"
	"net/netip"
	"slices"
	"strings"
)

// analysis is one source's findings in the making. Analyzers run in
// order on it; a later one may read an earlier one's result, as the tool
// labels need the scan they identify.
type analysis struct {
	cfg     *Config
	src     *source
	scanner netip.Addr
	// syn is the SYN scan analyzer's result, nil when there is no scan.
	syn *synScan
	out []Finding
}

// An analyzer turns tracked state into zero or more findings.
type analyzer func(a *analysis)

// analyzers run in this order for every source.
var analyzers = []analyzer{
	analyzeSYNScan,
	analyzeNmap20x,
}

// Findings returns the findings for everything seen so far: one per label
// per scanner, ordered by scanner address, then label. It may be called
// at any point between packets and does not change the state.
func (d *Detector) Findings() []Finding {
	srcs := make([]*source, 0, len(d.srcs.byAddr))
	for _, s := range d.srcs.byAddr {
		srcs = append(srcs, s)
	}
	slices.SortFunc(srcs, func(a, b *source) int { return bytes.Compare(a.addr[:], b.addr[:]) })
	var out []Finding
	for _, s := range srcs {
		a := analysis{cfg: &d.cfg, src: s, scanner: netip.AddrFrom4(s.addr)}
		for _, run := range analyzers {
			run(&a)
		}
		slices.SortStableFunc(a.out, func(x, y Finding) int { return strings.Compare(x.Label, y.Label) })
		out = append(out, a.out...)
	}
	return out
}
