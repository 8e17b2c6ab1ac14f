package detector

import (
	"slices"
	"time"
)

// Expire is the live counterpart of Findings: it returns the findings of
// every source that has been quiet (sent no probe, got no answer) long
// enough before now, in capture time, and then forgets those sources,
// returning their memory for reuse. Long enough is at least idle, and
// for a slow source four times its median gap between new probes, at
// most Config.SlowHorizon; a source with fewer than two flows is kept
// for SlowHorizon (slow.go). So a scan sending one probe every five
// minutes is reported whole once it has ended, not cut into one-port
// pieces below every threshold. A scanner that comes back after that
// starts afresh. Sources still active or held are untouched; their
// findings come from a later Expire or Findings. Expired sources do not
// count as Stats.Evicted: nothing was lost.
//
// Call it between packets, e.g. every few seconds of capture time with
// the latest packet's timestamp as now. It walks only the quiet ends of
// the recency lists and works out a source's pace once per quiet spell,
// so a call that expires nothing costs little.
func (d *Detector) Expire(now time.Time, idle time.Duration) []Finding {
	at := now.UnixNano()
	cutoff := at - int64(idle)
	var quiet []*source
	for l := range d.srcs.lists {
		for s := d.srcs.lists[l].tail; s != nil && s.seen <= cutoff; s = s.prev {
			if at-s.seen >= max(int64(idle), d.holdOf(s)) {
				quiet = append(quiet, s)
			}
		}
	}
	if len(quiet) == 0 {
		return nil
	}
	slices.SortFunc(quiet, bySourceAddr)
	// Decoy groups span sources, quiet or not: build them from all.
	out := d.findingsOf(quiet, d.decoyGroups(d.sortedSources()))
	for _, s := range quiet {
		d.srcs.drop(s)
	}
	return out
}
