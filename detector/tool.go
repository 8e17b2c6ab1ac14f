package detector

import (
	"fmt"
	"net/netip"
	"slices"
)

// toolEvidence gathers, rule by rule, what makes one tool label: the
// probes that match, whether any rule was strong enough to fire on its
// own, and the analyst's lines, each once.
type toolEvidence struct {
	fired    bool
	fs       []*flow
	seen     flowSet
	osProbes int
	osPorts  map[uint16]bool
	targets  map[ipAddr]bool
	first    int64
	last     int64
	window   uint16
	ttl      uint8
	ev       []string
}

// fire marks the label as found and counts fs towards it.
func (t *toolEvidence) fire(fs ...*flow) {
	t.fired = true
	t.include(fs...)
}

// include counts fs towards the label, should it fire.
func (t *toolEvidence) include(fs ...*flow) {
	if t.targets == nil {
		t.targets = map[ipAddr]bool{}
	}
	t.fs = slices.Grow(t.fs, len(fs))
	var last ipAddr
	for i, f := range fs {
		if !t.seen.add(f) {
			continue
		}
		t.fs = append(t.fs, f)
		if i == 0 || f.target != last { // runs share a target: one map write per run
			t.targets[f.target], last = true, f.target
		}
		t.span(f.first, f.first)
	}
}

// attempt counts an OS-detection attempt towards the label.
func (t *toolEvidence) attempt(at osAttempt) {
	t.span(at.first, at.last)
	t.osProbes += int(at.probes)
	t.targets[at.target] = true
	if t.osPorts == nil {
		t.osPorts = map[uint16]bool{}
	}
	for _, p := range []uint16{at.openPort, at.closedPort} {
		if p != 0 {
			t.osPorts[p] = true
		}
	}
}

// span widens the finding's time span; only first tries count, as they
// are what the tool kept alike.
func (t *toolEvidence) span(first, last int64) {
	if t.targets == nil {
		t.targets = map[ipAddr]bool{}
	}
	if t.first == 0 || first < t.first {
		t.first = first
	}
	t.last = max(t.last, last)
}

// setWT records the window and TTL of the first rule that knows them.
func (t *toolEvidence) setWT(w uint16, ttl uint8) {
	if t.window == 0 {
		t.window = w
	}
	if t.ttl == 0 {
		t.ttl = ttl
	}
}

func (t *toolEvidence) add(lines ...string) {
	for _, l := range lines {
		if !slices.Contains(t.ev, l) {
			t.ev = append(t.ev, l)
		}
	}
}

func (t *toolEvidence) finding(label string, scanner netip.Addr) Finding {
	f := Finding{
		Label: label, Scanner: scanner, First: ts(t.first), Last: ts(t.last),
		Packets: len(t.fs) + t.osProbes, Evidence: t.ev,
	}
	var ports portSet
	for _, fl := range t.fs {
		ports.add(fl.port)
	}
	for p := range t.osPorts {
		ports.add(p)
	}
	f.Ports = ports.n
	for a := range t.targets {
		f.Targets = append(f.Targets, netAddr(a))
	}
	slices.SortFunc(f.Targets, netip.Addr.Compare)
	return f
}

// ttlVaries describes TTLs that change from probe to probe, "" when they
// do not: today's nmap draws a TTL (37..59) per packet.
func ttlVaries(fs []*flow) string {
	n := distinct(fs, func(f *flow) uint8 { return f.ttl })
	if n < 2 && !slices.ContainsFunc(fs, func(f *flow) bool { return f.has(ttlChanged) }) {
		return ""
	}
	lo, hi := ttlRange(fs)
	return fmt.Sprintf("TTL varies from probe to probe (%d values, %d..%d at the sensor): today's nmap draws one per packet", n, lo, hi)
}

// oneISNPerTarget reports whether, for most probes, the seq is the one
// most common among the probes to the same target.
func oneISNPerTarget(fs []*flow) bool {
	same := 0
	for _, run := range splitByTarget(fs) {
		_, n := modal(run, func(f *flow) uint32 { return f.seq })
		if n >= 2 {
			same += n
		}
	}
	return 2*same > len(fs)
}
