package detector

// source is everything the detector keeps about one sender address.
type source struct {
	addr ipAddr
	// list is the recency list the source is on (see sources).
	list uint8
	// seen is when the source last sent a probe or got an answer, in
	// Unix nanoseconds of capture time.
	seen int64
	// prev and next link the sources of one recency list from most to
	// least recently seen.
	prev, next *source
	// hold is how long the source must stay quiet before Expire lets it
	// go (slow.go), worked out once per quiet spell; 0 until then.
	hold int64

	flows flowTable
	// seq follows runs of SYNs with consecutive ISNs (seqprobe).
	seq seqTracker
	// os holds OS-detection attempts; nil until the first OS probe.
	os *osTracker
	// peers are other sources that sent this one's probes (decoys).
	peers peerSet
	// bounce is the FTP bounce state; nil until a PORT command names a
	// third host.
	bounce *bounceState
	// frags sums up the probes that arrived as IP fragments.
	frags fragStats
	// procs remembers other processes' source ports (campaigns).
	procs procRing
	// svc holds service probes and script requests (svcprobe.go); nil
	// until the first.
	svc *svcState
}

// reset empties s for reuse, keeping small allocations.
func (s *source) reset(keep int) {
	s.flows.reset(keep)
	s.seq = seqTracker{runs: s.seq.runs}
	if s.os != nil {
		s.os.reset()
	}
	s.peers.reset()
	s.bounce = nil
	s.frags = fragStats{}
	s.procs = procRing{}
	s.hold = 0
	s.svc = nil
}

// sources holds the per-source state: a map for lookup, two recency lists
// for eviction, and a free list so that, once the cap is reached, a new
// source reuses an evicted one's memory instead of allocating.
//
// The recency lists split the sources by what they would lose: a source
// with at most one flow (one probe, as every spoofed source of a flood,
// or a client's single connection) is on the probation list, a source
// with two flows or more (a scan under way, however slowly) on the
// protected one. Eviction takes the least recently seen probation source
// first, and a protected one only while protected sources hold more than
// three quarters of MaxSources (or nothing else is left), so that a flood
// of new addresses, however long, cannot push out a scanner that sends
// one probe every few minutes: the caps are unchanged, only the choice
// of victim.
type sources struct {
	// byAddr finds sources by address: IPv4 ones by their 32 bits (a
	// 4-byte key hashes faster than 16, on every packet), IPv6 ones
	// whole (allocated with the first).
	byAddr  map[uint32]*source
	byAddr6 map[ipAddr]*source
	// lists[probation] and lists[protected], each from head (most
	// recently seen) to tail; n counts each list's sources.
	lists [2]recency
	// ghosts keeps the flow of evicted one-flow sources (ghost.go).
	ghosts ghostTable
	free   []*source
	max    int
	// flows counts the flows of all sources, against maxFlows.
	flows, maxFlows int
	evicted         uint64
}

// recency is one list of sources by time last seen.
type recency struct {
	head, tail *source
	n          int
}

const (
	probation = 0
	protected = 1
)

// protectedFlows is how many flows make a source protected.
const protectedFlows = 2

// Recycled sources drop flow tables bigger than this, so that one huge
// scan's memory is returned rather than parked on the free list.
const keepFlowCap = 256

func newSources(max, maxFlows int) sources {
	return sources{byAddr: make(map[uint32]*source), max: max, maxFlows: maxFlows}
}

func (ss *sources) get(a ipAddr) *source {
	if a.is4() {
		return ss.byAddr[a.v4()]
	}
	return ss.byAddr6[a]
}

// n is how many sources there are.
func (ss *sources) n() int { return len(ss.byAddr) + len(ss.byAddr6) }

// all is every source, in no order.
func (ss *sources) all(yield func(*source) bool) {
	for _, s := range ss.byAddr {
		if !yield(s) {
			return
		}
	}
	for _, s := range ss.byAddr6 {
		if !yield(s) {
			return
		}
	}
}

func (ss *sources) put(s *source) {
	switch {
	case s.addr.is4():
		ss.byAddr[s.addr.v4()] = s
	case ss.byAddr6 == nil:
		ss.byAddr6 = map[ipAddr]*source{s.addr: s}
	default:
		ss.byAddr6[s.addr] = s
	}
}

func (ss *sources) del(s *source) {
	if s.addr.is4() {
		delete(ss.byAddr, s.addr.v4())
	} else {
		delete(ss.byAddr6, s.addr)
	}
}

// add creates state for a, evicting a source when the cap is reached.
// The new source is not linked into a recency list until touch.
func (ss *sources) add(a ipAddr) *source {
	for ss.n() >= ss.max {
		v := ss.victim(nil)
		if v == nil {
			break
		}
		ss.evict(v)
	}
	var s *source
	if n := len(ss.free); n > 0 {
		s, ss.free = ss.free[n-1], ss.free[:n-1]
	} else {
		s = &source{}
	}
	s.addr = a
	ss.put(s)
	ss.revive(s)
	return s
}

// victim returns the source to evict next, never but: the least recently
// seen probation source, unless protected sources hold more than three
// quarters of the cap; nil when there is none.
func (ss *sources) victim(but *source) *source {
	order := [2]int{probation, protected}
	if 4*ss.lists[protected].n > 3*ss.max {
		order = [2]int{protected, probation}
	}
	for _, l := range order {
		if t := ss.lists[l].tail; t != nil && t != but {
			return t
		}
		if t := ss.lists[l].tail; t != nil && t.prev != nil {
			return t.prev
		}
	}
	return nil
}

// touch marks s as just seen: it sent a packet, or got an answer to a
// probe. Recency, not age, decides eviction, so a scanner that is still
// at work survives a flood of one-packet spoofed sources. s stays on its
// list; protect moves it to the protected one.
func (ss *sources) touch(s *source, at int64) {
	s.seen, s.hold = at, 0
	if ss.lists[s.list].head == s {
		return
	}
	ss.link(s, s.list)
}

// protect moves s, just seen, to the head of the protected list: it has
// reached protectedFlows flows.
func (ss *sources) protect(s *source) {
	if s.list != protected {
		ss.link(s, protected)
	}
}

// link puts s at the head of list l, taking it off its own first.
func (ss *sources) link(s *source, l uint8) {
	ss.unlink(s)
	s.list = l
	r := &ss.lists[l]
	s.next = r.head
	if r.head != nil {
		r.head.prev = s
	}
	r.head = s
	if r.tail == nil {
		r.tail = s
	}
	r.n++
}

// unlink takes s off its list, if it is on one.
func (ss *sources) unlink(s *source) {
	r := &ss.lists[s.list]
	if s.prev == nil && r.head != s {
		return // not linked
	}
	if s.prev != nil {
		s.prev.next = s.next
	} else {
		r.head = s.next
	}
	if s.next != nil {
		s.next.prev = s.prev
	} else {
		r.tail = s.prev
	}
	s.prev, s.next = nil, nil
	r.n--
}

// evict drops s's state to make room, counting the loss; a source with
// one flow leaves it as a ghost.
func (ss *sources) evict(s *source) {
	ss.evicted++
	if s.flows.n == 1 {
		ss.ghosts.put(s)
	}
	ss.drop(s)
}

// drop forgets s and parks its memory on the free list.
func (ss *sources) drop(s *source) {
	ss.unlink(s)
	ss.del(s)
	ss.flows -= s.flows.n
	s.reset(keepFlowCap)
	s.seen, s.list = 0, probation
	ss.free = append(ss.free, s)
}

// reserveFlow makes room for one more flow of s under the global cap,
// evicting least recently seen sources other than s. It reports whether
// the flow may be added.
func (ss *sources) reserveFlow(s *source) bool {
	for ss.flows >= ss.maxFlows {
		v := ss.victim(s)
		if v == nil {
			break
		}
		ss.evict(v)
	}
	if ss.flows >= ss.maxFlows {
		return false
	}
	ss.flows++
	return true
}
