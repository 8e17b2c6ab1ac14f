package detector

import (
	"net/netip"
	"slices"
	"strings"
)

// analysis is one source's findings in the making. Analyzers run in
// order on it; a later one may read an earlier one's result, as the tool
// labels need the techniques they identify.
type analysis struct {
	cfg     *Config
	src     *source
	scanner netip.Addr
	// decoy is the decoy group this source leads, if any.
	decoy *decoyGroup
	// idle is the detector's idle-scan table (idle.go); moved says a
	// finding of this source went to another scanner (an idle scan's).
	idle  *idleTable
	moved bool

	// Technique results, nil when the technique was not found.
	syn     *synScan
	connect []*flow
	stealth map[probeKind][]*flow
	udp     []*flow
	echo    []*flow // sweep.icmp-echo's probes
	ackPing []*flow // sweep.tcp-ack's probes
	os      []osTarget
	out     []Finding

	// The source's half-open SYN flows, sorted (see halfOpen).
	halfOpenFlows []*flow
	completed     int
	halfOpenDone  bool
	// byKind caches flowsOf per kind: sorting a big scan's flows once
	// instead of once per analyzer.
	byKind   [kindLast + 1][]*flow
	kindDone uint32
	// isns caches isnGroups of the SYN scan, which two analyzers read.
	isns *isnGroupSet
}

// An analyzer turns tracked state into zero or more findings.
type analyzer func(a *analysis)

// analyzers run in this order for every source: techniques first, then
// the tool labels that read them.
var analyzers = []analyzer{
	analyzeSYNScan,
	analyzeConnect,
	analyzeStealth,
	analyzeCustomScan,
	analyzeUDP,
	analyzeIPProto,
	analyzeSCTP,
	analyzeSweeps,
	analyzeHostSweeps,
	analyzeBounce,
	analyzeOSDetect,
	analyzeSeqProbe,
	analyzeFragments,
	analyzeDecoy,
	analyzeCampaigns,
	analyzeNmap20x,
	analyzeNmapModern,
	analyzeOtherTool,
	analyzeIdle,
	analyzePace,
	analyzeServiceProbes,
}

// Findings returns the findings for everything seen so far: one per label
// per scanner (osdetect: per target), ordered by scanner address, then
// label. It may be called at any point between packets and does not
// change the state.
func (d *Detector) Findings() []Finding {
	srcs := d.sortedSources()
	return d.findingsOf(srcs, d.decoyGroups(srcs))
}

// sortedSources returns every source with state, by address.
func (d *Detector) sortedSources() []*source {
	srcs := make([]*source, 0, d.srcs.n())
	for s := range d.srcs.all {
		srcs = append(srcs, s)
	}
	slices.SortFunc(srcs, bySourceAddr)
	return srcs
}

func bySourceAddr(a, b *source) int { return a.addr.compare(b.addr) }

// findingsOf runs the analyzers on srcs, sorted by address; groups are
// the decoy groups of all sources.
func (d *Detector) findingsOf(srcs []*source, groups map[ipAddr]*decoyGroup) []Finding {
	var out []Finding
	moved := false
	for _, s := range srcs {
		a := analysis{cfg: &d.cfg, src: s, scanner: netAddr(s.addr), decoy: groups[s.addr], idle: d.idle}
		for _, run := range analyzers {
			run(&a)
		}
		slices.SortStableFunc(a.out, func(x, y Finding) int { return strings.Compare(x.Label, y.Label) })
		out = append(out, a.out...)
		moved = moved || a.moved
	}
	if moved {
		out = regroup(out)
	}
	return out
}

// regroup restores the order by scanner, then label, after an analyzer
// gave a finding to another scanner, keeping one tool label per scanner
// (the first; osdetect stays per target, scan.idle per zombie).
func regroup(out []Finding) []Finding {
	slices.SortStableFunc(out, func(x, y Finding) int {
		if c := x.Scanner.Compare(y.Scanner); c != 0 {
			return c
		}
		return strings.Compare(x.Label, y.Label)
	})
	return slices.CompactFunc(out, func(x, y Finding) bool {
		return x.Scanner == y.Scanner && x.Label == y.Label && strings.HasPrefix(x.Label, "tool.")
	})
}

// isnGroups is isnGroups(a.syn.byTarget), computed once. Callers check
// a.syn first: it is set only when analyzeSYNScan found a scan.
func (a *analysis) isnGroups() isnGroupSet {
	if a.isns == nil {
		g := isnGroups(a.syn.byTarget)
		a.isns = &g
	}
	return *a.isns
}

// flowsOf is flowsOf(a.src, k), computed once per kind. The slice is
// clipped, so a caller's append copies rather than writing into the
// cache; callers must not reorder it.
func (a *analysis) flowsOf(k probeKind) []*flow {
	if a.kindDone&(1<<k) == 0 {
		a.byKind[k] = slices.Clip(flowsOf(a.src, k))
		a.kindDone |= 1 << k
	}
	return a.byKind[k]
}

// flowsOf returns s's flows of kind k, sorted by target and port, leaving
// out data connections an FTP server made for a bounce scan (a bounce
// flow's relayed bit only says the server was seen connecting).
func flowsOf(s *source, k probeKind) []*flow {
	if s.flows.kinds&(1<<k) == 0 {
		return nil
	}
	n := 0
	for i := range s.flows.n {
		if s.flows.at(i).kind == k {
			n++
		}
	}
	fs := make([]*flow, 0, n)
	for i := range s.flows.n {
		f := s.flows.at(i)
		if f.kind == k && (k == kindBounce || !f.has(relayed)) {
			fs = append(fs, f)
		}
	}
	sortByTargetPort(fs)
	return fs
}

// targetsOf returns the distinct targets of fs, sorted.
func targetsOf(fs []*flow) []netip.Addr {
	var ts []netip.Addr
	seen := map[ipAddr]bool{}
	for _, f := range fs {
		if !seen[f.target] {
			seen[f.target] = true
			ts = append(ts, netAddr(f.target))
		}
	}
	slices.SortFunc(ts, netip.Addr.Compare)
	return ts
}
