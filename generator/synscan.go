package generator

import (
	"fmt"
	"net/netip"
	"time"
)

// SYN-scan constants from nmap 2.01's pos_scan().
const (
	initialIdeal = 10  // numqueries_ideal at the start of every round
	synMaxWidth  = 150 // cap on numqueries_ideal for the SYN scan
	synTries     = 3   // sends per port per round (trynum 0..2)
	maxRounds    = 20
	magicSpan    = 16 // replies are taken to dport M..M+15
)

type portState uint8

const (
	psUntried portState = iota
	psWaiting
	psOpen
	psClosed
	psFirewalled // nmap's "Firewalled": an ICMP unreachable answered (final)
	psSilent     // three sends unanswered: rescanned in the next round
)

type synPort struct {
	port  uint16
	state portState
	try   int // trynum of the last send
	sent  time.Time
}

// synScan is pos_scan(SYN_SCAN) against one host, as a state machine the
// engine drives: a send pass whenever the previous receive pass ended
// (nothing outstanding, or a 20 ms pcap read with no packet), replies
// classified as they come.
type synScan struct {
	p    *process
	out  *output
	dst  netip.Addr
	host *hostResult
	to   *timeouts

	seqs      [synTries]uint32 // sequences[0..2]: one ISN per try
	ports     []synPort
	byPort    map[uint16]int
	round     int
	queue     []int // this round's ports, in send order
	next      int   // next queue index to send a first try to
	pending   []int // sent and unanswered, in send order
	ideal     float64
	senddelay time.Duration
	maxWidth  int
	changed   bool
	shrunk    bool // ideal already cut by 0.7 in this receive pass
	passEnd   time.Time
	started   time.Time
	done      bool
}

func newSYNScan(p *process, out *output, h *hostResult, ports []uint16, to *timeouts) *synScan {
	s := &synScan{p: p, out: out, dst: h.addr, host: h, to: to, byPort: make(map[uint16]int, len(ports)), maxWidth: synMaxWidth}
	for i := range s.seqs {
		s.seqs[i] = p.isn()
	}
	for i, port := range ports {
		s.ports = append(s.ports, synPort{port: port})
		s.byPort[port] = i
		s.queue = append(s.queue, i)
	}
	s.ideal = initialIdeal
	return s
}

// wake runs a send pass when the receive pass is over.
func (s *synScan) wake(now time.Time) (time.Time, error) {
	if s.started.IsZero() {
		s.started = now
		s.out.verbosef("Initiating SYN half-open stealth scan against %s\n", s.out.hostLabel(s.dst))
	}
	if now.Before(s.passEnd) {
		return s.passEnd, nil
	}
	if err := s.sendPass(now); err != nil {
		return time.Time{}, err
	}
	if s.roundOver() && !s.nextRound() {
		s.finish()
		return time.Time{}, nil
	}
	s.shrunk = false
	wait := pcapTimeout
	if s.senddelay > 0 {
		wait = s.senddelay
	}
	s.passEnd = s.p.host.Now().Add(wait)
	return s.passEnd, nil
}

// sendPass retransmits timed-out probes, then sends new first tries while
// the number outstanding is at most the ideal width.
func (s *synScan) sendPass(now time.Time) error {
	budget := -1 // unlimited, unless senddelay paces us to one per pass
	if s.senddelay > 0 {
		budget = 1
	}
	kept := s.pending[:0]
	for _, i := range s.pending {
		sp := &s.ports[i]
		if sp.state != psWaiting {
			continue
		}
		if now.Sub(sp.sent) <= s.to.timeout || budget == 0 {
			kept = append(kept, i)
			continue
		}
		if sp.try+1 >= synTries {
			sp.state = psSilent // three unanswered sends
			continue
		}
		sp.try++
		if err := s.send(i); err != nil {
			return err
		}
		budget--
		kept = append(kept, i)
	}
	s.pending = kept
	for s.next < len(s.queue) && len(s.pending) <= int(s.ideal) && budget != 0 {
		i := s.queue[s.next]
		s.next++
		s.ports[i].try = 0
		if err := s.send(i); err != nil {
			return err
		}
		s.pending = append(s.pending, i)
		budget--
	}
	return nil
}

// send emits the SYN for port i at its current try: sport M+3*round+try,
// seq sequences[try].
func (s *synScan) send(i int) error {
	sp := &s.ports[i]
	sp.state, sp.sent = psWaiting, s.p.host.Now()
	sport := s.p.magic + uint16(3*s.round+sp.try)
	return s.p.sendTCPRaw(s.dst, sport, sp.port, s.seqs[sp.try], FlagSYN, nil)
}

func (s *synScan) roundOver() bool { return s.next == len(s.queue) && len(s.pending) == 0 }

// nextRound starts a rescan of the silent ports if this was round 0 or
// something changed; it reports false when the scan is over.
func (s *synScan) nextRound() bool {
	var fw []int
	for _, i := range s.queue {
		if s.ports[i].state == psSilent {
			fw = append(fw, i)
		}
	}
	if len(fw) == 0 || (s.round > 0 && !s.changed) || s.round+1 >= maxRounds {
		return false
	}
	s.round++
	s.queue, s.next, s.changed, s.ideal = fw, 0, false, initialIdeal
	switch {
	case s.round >= 10:
		s.senddelay += 75 * time.Millisecond
	case s.round >= 4:
		s.senddelay += time.Duration(s.round-3) * 10 * time.Millisecond
	}
	if s.senddelay > 200*time.Millisecond {
		s.maxWidth = 5
	}
	return true
}

// receive classifies a reply from the target.
func (s *synScan) receive(now time.Time, pk Packet) time.Time {
	if s.done || pk.Src() != s.dst {
		return time.Time{}
	}
	i, try, ok := s.match(pk)
	if !ok || s.ports[i].state != psWaiting {
		return time.Time{}
	}
	sp := &s.ports[i]
	if try == sp.try {
		s.to.adjust(now.Sub(sp.sent))
	}
	s.grow(try)
	switch {
	case pk.IsTCP() && pk.HasFlags(FlagSYN|FlagACK):
		sp.state = psOpen
		s.out.verbosef("Adding TCP port %d (state Open).\n", sp.port)
	case pk.IsTCP() && pk.HasFlags(FlagRST):
		sp.state = psClosed
	default:
		sp.state = psFirewalled
		s.out.verbosef("Adding TCP port %d (state Firewalled).\n", sp.port)
	}
	s.changed = true
	if s.outstanding() == 0 {
		s.passEnd = now // receive pass over: nothing outstanding
	} else {
		s.passEnd = now.Add(pcapTimeout)
	}
	return s.passEnd
}

func (s *synScan) outstanding() int {
	n := 0
	for _, i := range s.pending {
		if s.ports[i].state == psWaiting {
			n++
		}
	}
	return n
}

// grow widens the window on answers to first tries (+4/ideal, capped) and
// narrows it once per receive pass on answers to retransmissions.
func (s *synScan) grow(try int) {
	if try == 0 {
		s.ideal = min(s.ideal+4/s.ideal, float64(s.maxWidth))
		return
	}
	if !s.shrunk {
		s.ideal, s.shrunk = max(s.ideal*0.7, 1), true
	}
}

// match finds the probed port and try number a reply answers. TCP replies
// must come to dport M..M+15 and ack one of sequences[] (circular distance
// under 5); ICMP unreachables (codes 2, 3, 13) must quote one of our SYNs.
func (s *synScan) match(pk Packet) (int, int, bool) {
	if pk.IsTCP() {
		if pk.DPort()-s.p.magic >= magicSpan {
			return 0, 0, false
		}
		i, ok := s.byPort[pk.SPort()]
		for try, seq := range s.seqs {
			if ok && pk.Ack()-seq < 5 {
				return i, try, true
			}
		}
		return 0, 0, false
	}
	if pk.Proto() != protoICMP || pk.ICMPType() != 3 {
		return 0, 0, false
	}
	if c := pk.ICMPCode(); c != 2 && c != 3 && c != 13 {
		return 0, 0, false
	}
	q, ok := pk.Quoted()
	if !ok || !q.IsTCP() || q.Dst() != s.dst || q.SPort()-s.p.magic >= magicSpan {
		return 0, 0, false
	}
	i, ok := s.byPort[q.DPort()]
	return i, s.ports[i].try, ok
}

// finished implements phase.
func (s *synScan) finished() bool { return s.done }

// finish records the results in the host and prints the summary.
func (s *synScan) finish() {
	s.done = true
	s.host.ports, s.host.scanned = s.results(), len(s.ports)
	secs := s.p.host.Now().Unix() - s.started.Unix()
	s.out.verbosef("The SYN scan took %d seconds to scan %d ports.\n", secs, len(s.ports))
}

// results lists the ports nmap would report, in ascending order.
func (s *synScan) results() []portResult {
	var rs []portResult
	for _, sp := range s.ports {
		switch sp.state {
		case psOpen:
			rs = append(rs, portResult{sp.port, "open", "tcp"})
		case psFirewalled, psSilent, psWaiting, psUntried:
			rs = append(rs, portResult{sp.port, "filtered", "tcp"})
		}
	}
	sortResults(rs)
	return rs
}

func (s *synScan) String() string { return fmt.Sprintf("SYN scan of %s", s.dst) }
