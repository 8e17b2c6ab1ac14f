package detector

import (
	"fmt"
	"strconv"
	"time"
)

const labelNmap20x = "tool.nmap-2.0x"

// analyzeNmap20x recognises nmap 2.0x (1998-99) behind a SYN scan by what
// its send_tcp_raw kept constant: no TCP options (40-byte SYNs), ack 0,
// a window of 1024*((TTL%4)+1) shared by every probe of the process, and
// one ISN per target host on every first-try probe (sequences[0]),
// usually from one source port. Today's nmap sends an MSS option, so
// probes with options never match.
func analyzeNmap20x(a *analysis) {
	if a.syn == nil {
		return
	}
	g := isnGroups(a.syn.byTarget)
	if g.probes() < a.cfg.MinScanPorts || !nmap20xShape(g.all) {
		return
	}
	first, last := firstTries(g.all)
	f := Finding{
		Label:   labelNmap20x,
		Scanner: a.scanner,
		First:   first,
		Last:    last,
		// Only the first try of each port counts: that is what shares
		// the ISN; retransmissions carry the next ones.
		Packets: len(g.all),
		Ports:   distinctPorts(g.all),
	}
	for _, t := range g.targets {
		f.Targets = append(f.Targets, addr4(t.flows[0].target))
	}
	w := g.all[0].window
	loTTL, hiTTL := ttlRange(g.all)
	f.Attrs = map[string]string{
		"version": "2.0x",
		"window":  strconv.Itoa(int(w)),
		"ttl":     strconv.Itoa(int(hiTTL)),
	}
	f.Evidence = []string{
		"no TCP options (40-byte SYNs)",
		fmt.Sprintf("window %d on every probe", w),
		"ack 0 on every probe",
	}
	f.Evidence = append(f.Evidence, g.isnLines()...)
	f.Evidence = append(f.Evidence, sportLine(g.all), ttlLine(loTTL, hiTTL, w))
	a.out = append(a.out, f)
}

// isnGroup is, for one target, the first-try probes sharing its most
// common ISN, and how many probes went to that target in all.
type isnGroup struct {
	flows []*flow
	of    int
}

type isnGroupSet struct {
	targets []isnGroup
	all     []*flow
}

func (g isnGroupSet) probes() int { return len(g.all) }

// isnGroups finds, per target, the ISN repeated across the probes. A
// target counts when at least two probes, and more than half of all its
// probes, carry it: nmap 2.0x draws one ISN per host, and its OS-detection
// probes (other ISNs, other flags) are the minority.
func isnGroups(byTarget [][]*flow) isnGroupSet {
	var gs isnGroupSet
	for _, run := range byTarget {
		var plain []*flow
		for _, f := range run {
			if f.flags == flagSYN {
				plain = append(plain, f)
			}
		}
		seq, n := modal(plain, func(f *flow) uint32 { return f.seq })
		if n < 2 || 2*n <= len(run) {
			continue
		}
		g := isnGroup{of: len(run)}
		for _, f := range plain {
			if f.seq == seq {
				g.flows = append(g.flows, f)
			}
		}
		gs.targets = append(gs.targets, g)
		gs.all = append(gs.all, g.flows...)
	}
	return gs
}

// nmap20xShape checks the features send_tcp_raw fixed for every probe.
func nmap20xShape(fs []*flow) bool {
	w := fs[0].window
	if w != 1024 && w != 2048 && w != 3072 && w != 4096 {
		return false
	}
	for _, f := range fs {
		if f.optLen != 0 || f.ipLen != 40 || f.ack != 0 || f.window != w {
			return false
		}
	}
	return true
}

func (g isnGroupSet) isnLines() []string {
	var ev []string
	for i, t := range g.targets {
		if i == maxTargetLines {
			ev = append(ev, fmt.Sprintf("one ISN per host on %d more targets", len(g.targets)-i))
			break
		}
		f := t.flows[0]
		if len(t.flows) == t.of {
			ev = append(ev, fmt.Sprintf("all probes carry ISN %d (%s to %s)", f.seq, plural(t.of, "SYN"), addr4(f.target)))
		} else {
			ev = append(ev, fmt.Sprintf("%d of %d probes to %s carry ISN %d", len(t.flows), t.of, addr4(f.target), f.seq))
		}
	}
	return ev
}

// sportLine describes the source ports; nmap 2.0x sends every first try
// from its per-run base port.
func sportLine(fs []*flow) string {
	p, n := modal(fs, func(f *flow) uint16 { return f.sport })
	switch {
	case n == len(fs):
		return fmt.Sprintf("fixed source port %d on %s", p, plural(n, "SYN"))
	case 2*n > len(fs):
		return fmt.Sprintf("source port %d on %d of %d SYNs", p, n, len(fs))
	default:
		return fmt.Sprintf("source ports vary (%d on at most %d of %d SYNs)", p, n, len(fs))
	}
}

// firstTries returns the times of the first and last first-try probe.
func firstTries(fs []*flow) (first, last time.Time) {
	lo, hi := fs[0].first, fs[0].first
	for _, f := range fs {
		lo, hi = min(lo, f.first), max(hi, f.first)
	}
	return ts(lo), ts(hi)
}

func ttlRange(fs []*flow) (lo, hi uint8) {
	lo, hi = fs[0].ttl, fs[0].ttl
	for _, f := range fs {
		lo, hi = min(lo, f.ttl), max(hi, f.ttl)
	}
	return lo, hi
}

// nmap 2.0x's sender TTLs: 51..64 in 2.01, 37..59 in 2.05.
const minSenderTTL, maxSenderTTL = 37, 64

// ttlLine relates the TTL seen at the sensor to the window: nmap 2.0x
// sent W = 1024*((TTL%4)+1), so the sender's TTL is fixed mod 4 and the
// hop count is whatever brings the sensor's TTL up to it. The smallest
// fitting sender TTL is given as the example; no hop count is required.
func ttlLine(lo, hi uint8, w uint16) string {
	seen := fmt.Sprintf("TTL %d at the sensor", hi)
	if lo != hi {
		seen = fmt.Sprintf("TTL %d-%d at the sensor", lo, hi)
	}
	k := int(w/1024) - 1
	tie := fmt.Sprintf("nmap 2.0x ties window %d to a sender TTL ≡ %d mod 4", w, k)
	s := max(int(hi), minSenderTTL)
	for s%4 != k {
		s++
	}
	if s > maxSenderTTL {
		return fmt.Sprintf("%s; %s, but no sender TTL nmap 2.0x picks (%d..%d) fits", seen, tie, minSenderTTL, maxSenderTTL)
	}
	return fmt.Sprintf("%s; %s (e.g. %d at %s)", seen, tie, s, plural(s-int(hi), "hop"))
}
