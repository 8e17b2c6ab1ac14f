package detector

// A slow scanner's first probe looks like any one-packet source's, and a
// flood of new addresses evicts it from the probation list long before
// its second probe comes, minutes later; the protected list (sources.go)
// only shelters it from its second flow on. So an evicted source with a
// single flow leaves its flow behind in the ghost table, a fixed-size
// set-associative cache by address: when the address sends its next
// probe, its new state starts with that flow, and with the new probe's
// flow it is protected. The table holds ghostSets*ghostWays flows (about
// 3 MB, allocated with the first such eviction); a ghost is pushed out
// only by ghostWays later ghosts in its set (first in, first out), so it
// outlives thousands of other evictions: with 8192 sets of 4, 5000 more
// spare it with odds above 99%, 32768 more with odds of about 2 in 5.

const (
	ghostSetBits = 13
	ghostSets    = 1 << ghostSetBits
	ghostWays    = 4
)

// ghostTable keeps the ghost flows apart from their addresses, so that
// the look-up every new source makes, mostly in vain, reads one small
// tag set (the tags are 320 kB) rather than the flows.
type ghostTable struct {
	tags  []ghostTags
	flows []flow // ghostWays per set, in tag order
}

// ghostTags is one set's addresses; used has bit i set when way i holds
// a ghost; next is the way to overwrite next (the oldest: ghosts enter
// in eviction order).
type ghostTags struct {
	addrs      [ghostWays][4]byte
	used, next uint8
}

func (g *ghostTable) set(a [4]byte) int {
	k := uint64(a[0])<<24 | uint64(a[1])<<16 | uint64(a[2])<<8 | uint64(a[3]) + 1
	return int((k * 0x9e3779b97f4a7c15) >> (64 - ghostSetBits))
}

// put keeps s's single flow in place of its set's oldest ghost (or of
// an earlier ghost of the same address).
func (g *ghostTable) put(s *source) {
	if g.tags == nil {
		g.tags = make([]ghostTags, ghostSets)
		g.flows = make([]flow, ghostSets*ghostWays)
	}
	i := g.set(s.addr)
	t := &g.tags[i]
	w := int(t.next)
	for j := range ghostWays {
		if t.used&(1<<j) != 0 && t.addrs[j] == s.addr {
			w = j
			break
		}
	}
	if w == int(t.next) {
		t.next = uint8((w + 1) % ghostWays)
	}
	t.addrs[w] = s.addr
	t.used |= 1 << w
	g.flows[i*ghostWays+w] = *s.flows.at(0)
}

// take returns a's ghost flow, if any, and forgets it.
func (g *ghostTable) take(a [4]byte) (flow, bool) {
	if g.tags == nil {
		return flow{}, false
	}
	i := g.set(a)
	t := &g.tags[i]
	for j := range ghostWays {
		if t.used&(1<<j) != 0 && t.addrs[j] == a {
			t.used &^= 1 << j
			return g.flows[i*ghostWays+j], true
		}
	}
	return flow{}, false
}

// revive gives the new state s of a returning address its ghost flow,
// when it has one and the global flow cap has room.
func (ss *sources) revive(s *source) {
	f, ok := ss.ghosts.take(s.addr)
	if !ok || ss.flows >= ss.maxFlows {
		return
	}
	t := &s.flows
	f.idx = int32(t.n)
	t.index.put(f.packed(), f.idx)
	t.kinds |= 1 << f.kind
	t.push(f)
	ss.flows++
}
