package detector

import (
	"fmt"
	"slices"
	"time"
)

// Slow scans: nmap -T1 waits 15 s between probes, -T0 five minutes, and
// --scan-delay or a patient hand any time at all; a scan of a hundred
// ports at -T0 lasts more than eight hours. Nothing in the detector's
// thresholds is a rate, so a slow scan's ports count as a fast one's,
// provided the source's state lives long enough:
//   - Findings (DetectCapture, siglab detect) forgets nothing by time;
//     only the caps evict, and eviction takes sources with at most one
//     flow first (sources.go), whose flow waits in the ghost table for
//     the address's next probe (ghost.go), so a flood of new addresses
//     cannot push out a scanner between its probes;
//   - Expire, the live path, keeps a quiet source with findings for four
//     times its longest gap between new probes (at least its caller's
//     idle, at most Config.SlowHorizon), and a source with nothing to
//     report yet, or a single flow, for SlowHorizon, since its next probe
//     may be minutes or an hour away.
//
// A scan whose probes come at least slowGap apart (the median of the gaps
// between its new probes) says so: attrs median_gap and span, and a line
// "N probes over 3 h 12 min, one every 5 min".

// slowGap is the median gap between new probes from which a scan is
// called slow: nmap's own templates down to -T2 (0.4 s) send faster, so
// a second or more is -T1, -T0 or a chosen --scan-delay.
const slowGap = int64(time.Second)

// holdFactor times a source's longest gap between new probes is how long
// Expire waits for its next one. The longest, not the median: a scanner
// may send a few probes at a time (nmap's ping sends an echo request and
// an ACK to each host), and the median of its gaps is then the burst's.
const holdFactor = 4

// pace is the rhythm of a set of probes: how many new probes (flows), the
// median gap between their first packets, and the time from the first
// probe to the last packet.
type pace struct {
	probes       int
	median, span int64
}

// slowPaceOf returns fs's pace and whether it is slow. Fast sets return
// early: a median gap of slowGap or more means a mean of at least half
// that, so a smaller mean needs no sort.
func slowPaceOf(fs []*flow) (pace, bool) {
	if len(fs) < 2 {
		return pace{}, false
	}
	lo, hi, last := fs[0].first, fs[0].first, fs[0].last
	for _, f := range fs {
		lo, hi, last = min(lo, f.first), max(hi, f.first), max(last, f.last)
	}
	if 2*(hi-lo) < slowGap*int64(len(fs)-1) {
		return pace{}, false
	}
	firsts := make([]int64, len(fs))
	for i, f := range fs {
		firsts[i] = f.first
	}
	p := pace{probes: len(fs), median: medianGap(firsts), span: last - lo}
	return p, p.median >= slowGap
}

// medianGap sorts ts and returns the median of the gaps between
// successive times; ts has at least two.
func medianGap(ts []int64) int64 {
	slices.Sort(ts)
	gaps := make([]int64, len(ts)-1)
	for i := range gaps {
		gaps[i] = ts[i+1] - ts[i]
	}
	slices.Sort(gaps)
	return gaps[len(gaps)/2]
}

// judge sets s.hold, how long s must stay quiet before Expire lets it
// go (not counting Expire's idle), from fs, its findings now: with
// findings and two flows or more, holdFactor times the longest gap
// between its flows' first probes, at most SlowHorizon; otherwise
// SlowHorizon, as its pace is unknown or its scan may have only begun.
// Expire judges a source once per quiet spell: touch clears hold.
func (d *Detector) judge(s *source, fs []Finding) {
	hold := int64(d.cfg.SlowHorizon)
	if n := s.flows.n; n >= 2 && len(fs) > 0 {
		firsts := make([]int64, n)
		for i := range n {
			firsts[i] = s.flows.at(i).first
		}
		slices.Sort(firsts)
		longest := int64(0)
		for i := 1; i < n; i++ {
			longest = max(longest, firsts[i]-firsts[i-1])
		}
		hold = min(hold, holdFactor*longest)
	}
	s.hold = max(hold, 1)
}

// analyzePace adds the pace to the port scan and sweep findings of a
// slow source. It runs after the technique analyzers, reading the flows
// each one kept.
func analyzePace(a *analysis) {
	for i := range a.out {
		f := &a.out[i]
		p, ok := slowPaceOf(a.findingFlows(f.Label))
		if !ok {
			continue
		}
		if f.Attrs == nil {
			f.Attrs = map[string]string{}
		}
		f.Attrs["median_gap"] = roundDuration(p.median).String()
		f.Attrs["span"] = roundDuration(p.span).String()
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s over %s, one every %s (the median gap between new probes)",
			plural(p.probes, "probe"), humanDuration(p.span), humanDuration(p.median)))
	}
}

// findingFlows returns the flows a technique analyzer counted for its
// finding labelled label; nil for labels with no pace.
func (a *analysis) findingFlows(label string) []*flow {
	switch label {
	case labelSYNScan:
		fs, _ := a.halfOpen()
		return fs
	case labelConnect:
		return a.connect
	case labelUDP:
		return a.udp
	case labelSweepEcho:
		return a.echo
	case labelSweepACK:
		return a.ackPing
	}
	for _, k := range stealthKinds {
		if k.label == label {
			return a.stealth[k.kind]
		}
	}
	return nil
}

// roundDuration rounds ns for an attribute: tenths of a second below a
// minute, seconds above.
func roundDuration(ns int64) time.Duration {
	d := time.Duration(ns)
	if d < time.Minute {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// humanDuration says ns as an analyst would: "2.0 s", "15 s", "5 min",
// "4 min 30 s", "3 h 12 min", "2 d 1 h".
func humanDuration(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second).Seconds()))
	case d < time.Hour:
		d = d.Round(time.Second)
		return unitPair(int(d/time.Minute), "min", int(d%time.Minute/time.Second), "s")
	case d < 48*time.Hour:
		d = d.Round(time.Minute)
		return unitPair(int(d/time.Hour), "h", int(d%time.Hour/time.Minute), "min")
	}
	d = d.Round(time.Hour)
	return unitPair(int(d/(24*time.Hour)), "d", int(d%(24*time.Hour)/time.Hour), "h")
}

// unitPair gives "a ua b ub", leaving out a zero b.
func unitPair(a int, ua string, b int, ub string) string {
	if b == 0 {
		return fmt.Sprintf("%d %s", a, ua)
	}
	return fmt.Sprintf("%d %s %d %s", a, ua, b, ub)
}
