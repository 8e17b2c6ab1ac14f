package rulelab

import (
	"time"

	"github.com/siglab/siglab/rules"
)

// Rate keywords, as Snort 2.9's manual gives them (Suricata's threshold
// and detection_filter read the same): counts are kept per track key
// (the source, the destination, both, or the rule) in windows of
// Seconds that open at a key's first match and close Seconds later.
//
//	limit:            alert on the first Count matches of each window
//	threshold:        alert on every Count-th match of a window
//	both:             alert once a window, on its Count-th match
//	detection_filter: alert on every match past the Count-th of a window

type rateKey struct{ a, b uint32 }

type rateWin struct {
	start time.Time
	count int
}

type rate struct {
	t   rules.Threshold
	dtf bool // detection_filter
	m   map[rateKey]*rateWin
	// best is the largest count any key reached in one window, for the
	// why of a rule whose matches never got through.
	best int
}

func newRate(t *rules.Threshold, dtf bool) *rate {
	return &rate{t: *t, dtf: dtf, m: make(map[rateKey]*rateWin)}
}

func (r *rate) key(p *pkt) rateKey {
	switch r.t.Track {
	case "by_src":
		return rateKey{a: p.src}
	case "by_dst":
		return rateKey{a: p.dst}
	case "by_both":
		return rateKey{a: p.src, b: p.dst}
	}
	return rateKey{}
}

// pass counts one match at t and says whether it alerts.
func (r *rate) pass(t time.Time, p *pkt) bool {
	k := r.key(p)
	w := r.m[k]
	if w == nil {
		w = &rateWin{}
		r.m[k] = w
	}
	if w.count == 0 || t.Sub(w.start) >= time.Duration(r.t.Seconds)*time.Second {
		w.start, w.count = t, 0
	}
	w.count++
	r.best = max(r.best, w.count)
	c := r.t.Count
	if r.dtf {
		return w.count > c
	}
	switch r.t.Type {
	case "limit":
		return w.count <= c
	case "threshold":
		if w.count >= c {
			// Every Count-th: the count starts again in the same window.
			w.count = 0
			return true
		}
		return false
	}
	return w.count == c // both
}
