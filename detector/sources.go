package detector

// source is everything the detector keeps about one sender address.
type source struct {
	addr [4]byte
	// seen is when the source last sent a probe or got an answer, in
	// Unix nanoseconds of capture time.
	seen int64
	// prev and next link the sources from most to least recently seen.
	prev, next *source

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
	s.peers.n = 0
	s.bounce = nil
	s.frags = fragStats{}
	s.procs = procRing{}
	s.svc = nil
}

// sources holds the per-source state: a map for lookup, a recency list for
// eviction, and a free list so that, once the cap is reached, a new source
// reuses an evicted one's memory instead of allocating.
type sources struct {
	byAddr     map[[4]byte]*source
	head, tail *source // most and least recently seen
	free       []*source
	max        int
	// flows counts the flows of all sources, against maxFlows.
	flows, maxFlows int
	evicted         uint64
}

// Recycled sources drop flow tables bigger than this, so that one huge
// scan's memory is returned rather than parked on the free list.
const keepFlowCap = 256

func newSources(max, maxFlows int) sources {
	return sources{byAddr: make(map[[4]byte]*source), max: max, maxFlows: maxFlows}
}

func (ss *sources) get(a [4]byte) *source { return ss.byAddr[a] }

// add creates state for a, evicting the least recently seen source when
// the cap is reached. The new source is not linked into the recency list
// until touch.
func (ss *sources) add(a [4]byte) *source {
	for len(ss.byAddr) >= ss.max && ss.tail != nil {
		ss.evict(ss.tail)
	}
	var s *source
	if n := len(ss.free); n > 0 {
		s, ss.free = ss.free[n-1], ss.free[:n-1]
	} else {
		s = &source{}
	}
	s.addr = a
	ss.byAddr[a] = s
	return s
}

// touch marks s as just seen: it sent a packet, or got an answer to a
// probe. Recency, not age, decides eviction, so a scanner that is still
// at work survives a flood of one-packet spoofed sources.
func (ss *sources) touch(s *source, at int64) {
	s.seen = at
	if ss.head == s {
		return
	}
	ss.unlink(s)
	s.next = ss.head
	if ss.head != nil {
		ss.head.prev = s
	}
	ss.head = s
	if ss.tail == nil {
		ss.tail = s
	}
}

func (ss *sources) unlink(s *source) {
	if s.prev != nil {
		s.prev.next = s.next
	} else if ss.head == s {
		ss.head = s.next
	}
	if s.next != nil {
		s.next.prev = s.prev
	} else if ss.tail == s {
		ss.tail = s.prev
	}
	s.prev, s.next = nil, nil
}

// evict drops s's state to make room, counting the loss.
func (ss *sources) evict(s *source) {
	ss.evicted++
	ss.drop(s)
}

// drop forgets s and parks its memory on the free list.
func (ss *sources) drop(s *source) {
	ss.unlink(s)
	delete(ss.byAddr, s.addr)
	ss.flows -= s.flows.n
	s.reset(keepFlowCap)
	s.seen = 0
	ss.free = append(ss.free, s)
}

// reserveFlow makes room for one more flow of s under the global cap,
// evicting least recently seen sources other than s. It reports whether
// the flow may be added.
func (ss *sources) reserveFlow(s *source) bool {
	for ss.flows >= ss.maxFlows && ss.tail != nil && ss.tail != s {
		ss.evict(ss.tail)
	}
	if ss.flows >= ss.maxFlows {
		return false
	}
	ss.flows++
	return true
}
