package detector

import (
	"slices"
	"time"
)

// Expire is the live counterpart of Findings: it returns the findings of
// every source that has been quiet (sent no probe, got no answer) long
// enough before now, in capture time, and then forgets those sources,
// returning their memory for reuse. Long enough is at least idle; for a
// source with findings, four times its longest gap between new probes,
// at most Config.SlowHorizon; for a source with nothing to report yet,
// or fewer than two flows, SlowHorizon, since its next probe may be
// minutes or an hour away (slow.go). So a scan sending one probe every
// five minutes is reported once, whole, after it has ended, not cut into
// one-port pieces below every threshold. A scanner that comes back after
// that starts afresh. Sources still active or held are untouched; their
// findings come from a later Expire or Findings. Expired sources do not
// count as Stats.Evicted: nothing was lost.
//
// Call it between packets, e.g. every few seconds of capture time with
// the latest packet's timestamp as now. It walks only the quiet ends of
// the recency lists and judges a source once per quiet spell, so a call
// that expires nothing and finds no newly quiet source costs little.
func (d *Detector) Expire(now time.Time, idle time.Duration) []Finding {
	at := now.UnixNano()
	cutoff := at - int64(idle)
	var judge, quiet []*source
	for l := range d.srcs.lists {
		for s := d.srcs.lists[l].tail; s != nil && s.seen <= cutoff; s = s.prev {
			switch {
			case s.hold == 0:
				judge = append(judge, s)
			case at-s.seen >= max(int64(idle), s.hold):
				quiet = append(quiet, s)
			}
		}
	}
	if len(judge) == 0 && len(quiet) == 0 {
		return nil
	}
	// Decoy groups span sources, quiet or not: build them from all.
	groups := d.decoyGroups(d.sortedSources())
	for _, s := range judge {
		d.judge(s, d.findingsOf([]*source{s}, groups))
		if at-s.seen >= max(int64(idle), s.hold) {
			quiet = append(quiet, s)
		}
	}
	if len(quiet) == 0 {
		return nil
	}
	slices.SortFunc(quiet, bySourceAddr)
	out := d.findingsOf(quiet, groups)
	for _, s := range quiet {
		d.srcs.drop(s)
	}
	return out
}
