package detector

// A slow scanner's first probe looks like any one-packet source's, and a
// flood of new addresses evicts it from the probation list long before
// its second probe comes, minutes later; the protected list (sources.go)
// only shelters it from its second flow on. So an evicted source with a
// single flow leaves its flow behind in the ghost table: when the
// address sends its next probe, its new state starts with that flow, and
// with the new probe's flow it is protected. The table holds the last
// ghostFlows such flows (about 4 MB, allocated with the first such
// eviction); a ghost is pushed out by the ghostFlows-th later one, or
// sooner by ghostWays later ones in its index set, so it outlives
// thousands of other evictions: 5000 spare it with odds above 99%, 32768
// with odds of about 2 in 5.

const (
	ghostSetBits = 13
	ghostSets    = 1 << ghostSetBits
	ghostWays    = 4
	ghostFlows   = ghostSets * ghostWays
	// ghostFilterBits is log2 of the filter's bits (32 kB).
	ghostFilterBits = 18
)

// ghostTable keeps ghost flows in a ring, in eviction order, so keeping
// one is a write next to the last, and finds them by address through a
// set-associative index (8192 sets of 4 ring positions). Every new source
// asks it for a ghost, mostly in vain, so a bit filter by address (32
// kB, rebuilt from the index every ghostFlows ghosts) answers most of
// those questions without reading the index.
type ghostTable struct {
	ring []flow
	// addrs is the address of each ring position's ghost.
	addrs []ipAddr
	index []ghostSet
	// filter has a bit set for every ghost's address hash since the
	// last rebuild.
	filter []uint64
	// pos is the next ghost's number, from 1 (0 marks an empty way);
	// ghost p lives at ring[p%ghostFlows] until ghost p+ghostFlows.
	pos     uint32
	rebuild int
}

// ghostSet is one index set: the ways' address tags (ipAddr.fold; the
// ring's addrs say which address it is) and ring numbers. 32 bytes: the
// whole addresses made the index 2.5 times as big and its lookups slower.
type ghostSet struct {
	tags [ghostWays]uint32
	pos  [ghostWays]uint32
}

// ghostHash returns a's index set and filter bit.
func ghostHash(a ipAddr) (set int, bit uint64) {
	k := (uint64(a.fold()) + 1) * 0x9e3779b97f4a7c15
	return int(k >> (64 - ghostSetBits)), k >> (64 - ghostSetBits - ghostFilterBits) & (1<<ghostFilterBits - 1)
}

// live reports whether ghost number p is still in the ring.
func (g *ghostTable) live(p uint32) bool { return p != 0 && g.pos-p <= ghostFlows }

// put keeps s's single flow as the newest ghost, filed in place of its
// index set's oldest (or of an earlier ghost of the same address).
func (g *ghostTable) put(s *source) {
	if g.ring == nil {
		g.ring = make([]flow, ghostFlows)
		g.addrs = make([]ipAddr, ghostFlows)
		g.index = make([]ghostSet, ghostSets)
		g.filter = make([]uint64, 1<<ghostFilterBits/64)
		g.pos = 1
	}
	p := g.pos
	if g.pos++; g.pos == 0 {
		g.pos = 1
	}
	g.ring[p%ghostFlows] = *s.flows.at(0)
	g.addrs[p%ghostFlows] = s.addr
	i, bit := ghostHash(s.addr)
	set := &g.index[i]
	tag := s.addr.fold()
	w := 0
	for j, q := range set.pos {
		if !g.live(q) || set.tags[j] == tag && g.addrs[q%ghostFlows] == s.addr {
			w = j // empty, gone from the ring, or this address's
			break
		}
		if g.pos-q > g.pos-set.pos[w] {
			w = j // older
		}
	}
	set.tags[w], set.pos[w] = tag, p
	g.filter[bit/64] |= 1 << (bit % 64)
	if g.rebuild++; g.rebuild == ghostFlows {
		g.refilter()
	}
}

// refilter rebuilds the filter from the live ghosts, so that ghosts gone
// leave no bits behind.
func (g *ghostTable) refilter() {
	g.rebuild = 0
	clear(g.filter)
	for i := range g.index {
		set := &g.index[i]
		for _, q := range set.pos {
			if g.live(q) {
				_, bit := ghostHash(g.addrs[q%ghostFlows])
				g.filter[bit/64] |= 1 << (bit % 64)
			}
		}
	}
}

// take returns a's ghost flow, if any, and forgets it.
func (g *ghostTable) take(a ipAddr) (flow, bool) {
	if g.ring == nil {
		return flow{}, false
	}
	i, bit := ghostHash(a)
	if g.filter[bit/64]&(1<<(bit%64)) == 0 {
		return flow{}, false
	}
	set := &g.index[i]
	tag := a.fold()
	for j, q := range set.pos {
		if set.tags[j] == tag && g.live(q) && g.addrs[q%ghostFlows] == a {
			set.pos[j] = 0
			return g.ring[q%ghostFlows], true
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
