package detector

import (
	"slices"
	"time"
)

// Expire is the live counterpart of Findings: it returns the findings of
// every source that has been quiet (sent no probe, got no answer) for at
// least idle before now, in capture time, and then forgets those
// sources, returning their memory for reuse. A scanner that comes back
// later starts afresh. Sources still active are untouched; their
// findings come from a later Expire or Findings. Expired sources do not
// count as Stats.Evicted: nothing was lost.
//
// Call it between packets, e.g. every few seconds of capture time with
// the latest packet's timestamp as now. It walks only the quiet end of
// the recency list, so a call that expires nothing costs next to
// nothing.
func (d *Detector) Expire(now time.Time, idle time.Duration) []Finding {
	cutoff := now.Add(-idle).UnixNano()
	var quiet []*source
	for s := d.srcs.tail; s != nil && s.seen <= cutoff; s = s.prev {
		quiet = append(quiet, s)
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
