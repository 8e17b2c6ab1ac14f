package scanlogd

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/siglab/siglab/capture"
)

// Explain says, in scanlogd's terms, what its rules make of c for a
// scanlogd on a machine that owns targets (Simulate over Delivered): per
// source, each scan it logs, or else its heaviest entry and why it stays
// under the threshold, then the packets that did not count and why. For
// example:
//
//	scanlogd: 198.18.0.2 to 198.18.1.2: weight 18 < 21 (6 ports, 6 below 1024; largest gap 0.000 s): no line
//	scanlogd: 198.18.0.2: not counted: 6 to a port counted already
func Explain(c *capture.Capture, targets []netip.Addr) []string {
	m := Simulate(Delivered(c, targets))
	var out []string
	for _, src := range m.Sources {
		out = append(out, m.explainSource(src)...)
	}
	if len(out) == 0 {
		out = append(out, "scanlogd: no TCP packet to "+addrList(targets))
	}
	return out
}

func (m *Model) explainSource(src netip.Addr) []string {
	var out []string
	var heaviest *Entry
	for i := range m.Entries {
		e := &m.Entries[i]
		if e.Source != src {
			continue
		}
		if e.Logged {
			out = append(out, e.sentence())
		} else if heaviest == nil || e.Weight > heaviest.Weight {
			heaviest = e
		}
	}
	if len(out) == 0 && heaviest != nil {
		out = append(out, heaviest.sentence())
	}
	if ig := m.Ignored[src]; len(ig) > 0 {
		reasons := make([]string, 0, len(ig))
		for why, n := range ig {
			reasons = append(reasons, fmt.Sprintf("%d %s", n, why))
		}
		slices.Sort(reasons)
		out = append(out, fmt.Sprintf("scanlogd: %s: not counted: %s", src, strings.Join(reasons, ", ")))
	}
	return out
}

// sentence says what became of one entry.
func (e *Entry) sentence() string {
	to := e.Target.String()
	if e.Others {
		to += " and others"
	}
	cmp := "<"
	if e.Logged {
		cmp = ">="
	}
	s := fmt.Sprintf("scanlogd: %s to %s: weight %d %s %d (%d ports, %d below 1024; largest gap %.3f s)",
		e.Source, to, e.Weight, cmp, Threshold, e.Ports, e.Privileged, e.MaxGap.Seconds())
	switch {
	case e.Logged && e.Suppressed:
		s += fmt.Sprintf(": the flood guard holds the line back (more than %d scans within %v)", LogCount, LogDelay)
	case e.Logged:
		s += ": logs a line"
	default:
		s += ": no line"
	}
	if e.Restarts > 0 {
		s += fmt.Sprintf("; a gap over %v had ended %d earlier count(s) of this source", Delay, e.Restarts)
	}
	if e.Borderline {
		s += fmt.Sprintf("; a gap within %v of %v decided it, which scanlogd's clock can decide either way", Tick, Delay)
	}
	return s
}

func addrList(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
