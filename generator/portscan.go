package generator

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/siglab/siglab/wire"
)

// Constants shared by nmap 2.01's port scan engines, pos_scan() and
// super_scan().
const (
	initialIdeal = 10  // numqueries_ideal at the start of every round
	widthCap     = 150 // cap on numqueries_ideal
	magicSpan    = 16  // replies are taken to dport M..M+15
)

type portState uint8

const (
	psUntried portState = iota
	psWaiting
	psOpen
	psClosed
	psFirewalled // nmap's "Firewalled": an ICMP unreachable answered (final)
	psSilent     // every send of the round unanswered: rescanned next round
)

// scanPort is one port's state. A full-range scan holds 65,535 of them,
// so it is kept to 16 pointer-free bytes: first touches of fresh memory
// cost about 10 microseconds a page on a virtual machine, and with
// time.Time fields, the -I owner and all three tries' times it was 104
// bytes, a fifth of `siglab generate`'s run. Retransmissions' times live
// in portScan.resent, made at the first one (a host that answers every
// first try, as a kernel's closed ports do, never needs it).
type scanPort struct {
	port  uint16
	state portState
	try   uint8      // trynum of the last send
	sent  sentOffset // nmap's sent[0]: when the first try left (kept across rounds)
}

// sentOffset is when a try left, as 1 + its time since the scan's
// sentBase (0: that try never left); sentAt and setSent convert.
type sentOffset int64

// setSent records that port i's current try left at t.
func (s *portScan) setSent(i int, t time.Time) {
	sp := &s.ports[i]
	v := sentOffset(t.Sub(s.sentBase)) + 1
	if sp.try == 0 {
		sp.sent = v
		return
	}
	if s.resent == nil {
		s.resent = make([][maxTries - 1]sentOffset, len(s.ports))
	}
	s.resent[i][sp.try-1] = v
}

// sentAt is when port i's try left (the zero time if it never did):
// sentBase plus the offset, the same instant, and in the simulated
// network the same wall clock, as the time.Time it was recorded from.
func (s *portScan) sentAt(i, try int) time.Time {
	v := s.ports[i].sent
	if try > 0 {
		v = 0
		if s.resent != nil {
			v = s.resent[i][try-1]
		}
	}
	if v == 0 {
		return time.Time{}
	}
	return s.sentBase.Add(time.Duration(v - 1))
}

// maxTries bounds a technique's tries: nmap's sent[] has three.
const maxTries = 3

// portScan is one port scan of one host, as a state machine the engine
// drives: a send pass whenever the previous receive pass ended (nothing
// outstanding, or a 20 ms pcap read with no packet), replies classified
// as they come. What differs between pos_scan(SYN) and super_scan(FIN,
// Xmas, Null, UDP) is its technique.
type portScan struct {
	p         *process
	out       *output
	dst       netip.Addr
	host      *hostResult
	to        *timeouts
	tech      *technique
	fixedPort bool // -g: FIN and UDP retransmissions stay on M
	// sentBase is the clock when the scan was set up: no probe leaves
	// before it, so ports' sent offsets are never negative.
	sentBase time.Time
	owners   map[uint16]string // -I: what the target's identd said, by port
	// resent is nmap's sent[1] and sent[2] by port index: when the
	// retransmissions left (kept across rounds); nil until the first.
	resent [][maxTries - 1]sentOffset

	seqs      [3]uint32            // SYN only: sequences[0..2], one ISN per try
	sockets   map[uint16]socketRef // connect only: local port -> probe
	ports     []scanPort
	byPort    portIndex // port -> index in ports
	waiting   int       // ports in psWaiting: nmap's numqueries_outstanding
	round     int
	queue     []int // this round's ports, in send order, after the first (see queued)
	next      int   // next queue index to send a first try to
	pending   []int // sent and unanswered, in send order
	hint      int   // where in pending find looks first
	ideal     float64
	senddelay time.Duration
	maxWidth  int
	changed   bool
	shrunk    bool // ideal already cut by 0.7 in this receive pass
	// super_scan's loss accounting, for the whole scan (not per round):
	// fresh is freshportstried (first tries sent, less the ports given up
	// on as open), dropped the answers to retransmissions since the
	// senddelay last went up (superscan.go).
	fresh, dropped int
	passEnd        time.Time
	started        time.Time
	done           bool
	// -I (connect scan only): identOn is posportupdate()'s tryident, on
	// for each host until an identd answers HIDDEN-USER; ident is the
	// query nmap is blocked in, deferred the replies that came meanwhile.
	identOn  bool
	ident    *identQuery
	deferred []wire.Packet
	// silentOrder lists this round's ports in the order their last try
	// timed out: nmap's firewalled (pos_scan) or open (super_scan) list,
	// which it prepends to, so -d prints it backwards.
	silentOrder []uint16
	stall       bool // -d, UDP: the 250 ms sleep after a lost packet is due
}

func newPortScan(p *process, out *output, h *hostResult, ports []uint16, to *timeouts, tech *technique, fixedPort bool) *portScan {
	s := &portScan{p: p, out: out, dst: h.addr, host: h, to: to, tech: tech, fixedPort: fixedPort,
		byPort: newPortIndex(ports), maxWidth: widthCap, ideal: initialIdeal,
		sockets: map[uint16]socketRef{}, sentBase: p.host.Now()}
	if tech.kind == ScanConnect {
		s.maxWidth = connectWidthCap
		s.identOn = p.identScan
	}
	if tech.kind == ScanSYN {
		for i := range s.seqs { // drawn once per host, before any probe
			s.seqs[i] = p.isn()
		}
	}
	// Sized up front: grown by append, a full-range scan's list was
	// most of the bytes a run allocated.
	s.ports = make([]scanPort, len(ports))
	for i, port := range ports {
		s.ports[i] = scanPort{port: port}
	}
	return s
}

// wake runs a send pass when the receive pass is over.
func (s *portScan) wake(now time.Time) (time.Time, error) {
	if s.started.IsZero() {
		s.started = now
		s.debugStart()
		s.out.verbosef("Initiating %s against %s\n", s.tech.initiating, s.out.hostLabel(s.dst))
	}
	if s.ident != nil {
		return s.identWake(now)
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
	if s.senddelay > 0 && s.tech.sleeps { // FIN, Xmas, Null, Maimon never sleep it
		wait = s.senddelay
	}
	s.passEnd = s.p.host.Now().Add(wait)
	return s.passEnd, nil
}

// sendPass retransmits timed-out probes, then sends new first tries while
// the number outstanding is at most the ideal width.
func (s *portScan) sendPass(now time.Time) error {
	budget := -1 // unlimited, unless senddelay paces us to one per pass
	if s.senddelay > 0 && s.tech.sleeps {
		budget = 1
	}
	kept := s.pending[:0]
	for _, i := range s.pending {
		sp := &s.ports[i]
		if sp.state != psWaiting {
			continue
		}
		if now.Sub(s.sentAt(i, int(sp.try))) <= s.to.timeout || budget == 0 {
			kept = append(kept, i)
			continue
		}
		s.tech.abandon(s, sp.port)
		if int(sp.try)+1 >= s.tech.tries {
			sp.state = psSilent // every send of the round unanswered
			s.waiting--
			s.silentOrder = append(s.silentOrder, sp.port)
			s.debugSilent(sp.port)
			if s.tech.silentOpen {
				s.fresh-- // freshportstried-- as the port moves to the open list
			}
			continue
		}
		s.debugResend(sp.port)
		sp.try++
		if err := s.send(i); err != nil {
			return err
		}
		budget--
		kept = append(kept, i)
	}
	s.pending, s.hint = kept, 0
	for s.next < s.queueLen() && len(s.pending) <= int(s.ideal) && budget != 0 {
		i := s.queued(s.next)
		s.next++
		if s.ports[i].state != psUntried {
			continue // answered (late) before its turn in this round
		}
		if s.out.debug >= 2 {
			s.out.debugf(2, "Sending initial query to port %d\n", s.ports[i].port)
		}
		s.ports[i].try = 0
		if err := s.send(i); err != nil {
			return err
		}
		if s.tech.silentOpen {
			s.fresh++
		}
		s.pending = append(s.pending, i)
		budget--
	}
	if s.tech.silentOpen {
		if s.out.debug >= 2 {
			s.out.debugf(2, "Ideal number of queries: %d\n", int(s.ideal))
		}
	}
	return nil
}

// send emits the probe for port i at its current try.
func (s *portScan) send(i int) error {
	sp := &s.ports[i]
	if sp.state != psWaiting {
		s.waiting++
	}
	sp.state = psWaiting
	s.setSent(i, s.p.host.Now())
	return s.tech.probe(s, sp.port, int(sp.try))
}

func (s *portScan) roundOver() bool { return s.next == s.queueLen() && len(s.pending) == 0 }

// queueLen and queued are this round's send order. The first round sends
// the port list in its own order, which needs no list of indices (a
// full-range scan's would be 512 KB); later rounds' come from nextRound.
func (s *portScan) queueLen() int {
	if s.round == 0 {
		return len(s.ports)
	}
	return len(s.queue)
}

func (s *portScan) queued(k int) int {
	if s.round == 0 {
		return k
	}
	return s.queue[k]
}

// nextRound starts a rescan of the silent ports when the technique's
// rule allows; it reports false when the scan is over.
func (s *portScan) nextRound() bool {
	// The rescan walks nmap's list of silent ports from its head: the
	// port that went silent last comes first.
	var silent []int
	for k := len(s.silentOrder) - 1; k >= 0; k-- {
		i, _ := s.byPort.get(s.silentOrder[k])
		silent = append(silent, i)
	}
	again := len(silent) > 0 && s.tech.again(s.round, s.changed)
	s.debugRoundEnd(len(silent) > 0, again)
	if !again {
		// pos_scan's tries reaches 20 when its last round leaves silent
		// ports: "if (tries == 20) { error("WARNING: GAVE UP ON SCAN AFTER
		// 20 RETRIES"); }" (stderr).
		if !s.tech.silentOpen && len(silent) > 0 && s.round+1 == s.tech.maxRounds {
			s.out.printf("WARNING: GAVE UP ON SCAN AFTER 20 RETRIES\n")
		}
		return false
	}
	for _, i := range silent { // "Prepare for retry": PORT_FRESH, trynum 0
		s.ports[i].state, s.ports[i].try = psUntried, 0
	}
	s.tech.pace(s)
	s.round++
	s.queue, s.next, s.changed, s.ideal = silent, 0, false, initialIdeal
	return true
}

// receive classifies a reply from the target.
func (s *portScan) receive(now time.Time, pk wire.Packet) time.Time {
	if s.done || pk.Src() != s.dst {
		return time.Time{}
	}
	if s.ident != nil {
		if s.identPacket(pk) {
			return s.identReceive(now, pk)
		}
		s.identDefer(pk)
		return time.Time{}
	}
	if s.tech.silentOpen {
		if !s.superReceive(now, pk) {
			return time.Time{}
		}
		return s.readOn(now)
	}
	port, try, st, ok := s.tech.answer(s, pk)
	if !ok {
		return time.Time{}
	}
	i, known := s.find(port)
	if !known {
		return time.Time{}
	}
	if wake, taken := s.posUpdate(now, i, try, st, pk); !taken || !wake.IsZero() {
		return wake
	}
	return s.readOn(now)
}

// posUpdate is 2.01's posportupdate() for an answer to port i (try -1:
// the send is unknown), whatever state the port is in: a port rescanned
// next round (PORT_FRESH) is refused, with a line under -d; otherwise the
// answer is timed and moves the window first. An open port stays open; a
// closed one takes the new state without counting as a change; a port
// still tested, or on the list of silent ones, or marked Firewalled,
// counts as a change and leaves its list. An open or Firewalled port gets
// its -v line. It reports whether the answer was taken, and when -I's
// query takes over, when the process wakes next.
func (s *portScan) posUpdate(now time.Time, i, try int, st portState, pk wire.Packet) (time.Time, bool) {
	sp := &s.ports[i]
	if sp.state == psUntried {
		if s.out.debug > 0 { // error(): stderr
			s.out.printf("Whacked packet to port %d passed to posportupdate with state %d\n\n", sp.port, nmapPortFresh)
		}
		return time.Time{}, false
	}
	if try >= 0 { // "if (trynum > -1) adjust_timeouts(current->sent[trynum], &(target->to));"
		s.to.adjust(s.sentAt(i, try), now, s.out)
		s.grow(try)
	}
	switch sp.state {
	case psOpen: // "return; /* Whew!  That was easy! */"
		return time.Time{}, true
	case psWaiting:
		s.changed = true
		s.waiting--
	case psSilent, psFirewalled:
		s.changed = true
		s.silentOrder = slices.DeleteFunc(s.silentOrder, func(p uint16) bool { return p == sp.port })
	}
	sp.state = st
	if st == psOpen && s.identOn && s.tech.kind == ScanConnect {
		return s.startIdent(now, i, pk.DPort()), true // "Adding" waits for the query
	}
	switch st {
	case psOpen:
		s.out.verbosef("Adding %s port %d (state Open).\n", s.tech.protoName, sp.port)
	case psFirewalled:
		s.out.verbosef("Adding %s port %d (state Firewalled).\n", s.tech.protoName, sp.port)
	}
	return time.Time{}, true
}

// readOn is the read loop going on after a packet it took: it ends at
// once when nothing is outstanding, else after a 20 ms read with nothing
// (later, when nmap slept in the middle of it).
func (s *portScan) readOn(now time.Time) time.Time {
	if s.waiting == 0 {
		s.passEnd = now // receive pass over: nothing outstanding
	} else {
		s.passEnd = now.Add(pcapTimeout)
	}
	if s.stall { // -d: nmap sleeps in the middle of its read loop
		s.passEnd, s.stall = s.passEnd.Add(udpLossSleep), false
	}
	return s.passEnd
}

// grow is posportupdate()'s window rule: +4/ideal (capped) on an answer
// to a first try, and a cut to 0.7 at most once per receive pass
// (alreadydecreasedqueries) on an answer to a retransmission.
// super_scan's own rule is in superscan.go.
func (s *portScan) grow(try int) {
	if try == 0 {
		s.ideal = min(s.ideal+4/s.ideal, float64(s.maxWidth))
		return
	}
	if !s.shrunk {
		s.ideal, s.shrunk = max(s.ideal*0.7, 1), true
	}
}

// finished implements phase.
func (s *portScan) finished() bool { return s.done }

// finish records the results in the host and prints the summary.
func (s *portScan) finish() {
	s.done = true
	// super_scan adds its open ports at the end, with addport() alone:
	// unlike pos_scan's posportupdate(), it prints no "Adding" line for
	// them (nor for the ports an ICMP unreachable marks Firewalled).
	s.host.ports, s.host.scanned = s.results(), len(s.ports)
	secs := s.p.host.Now().Unix() - s.started.Unix()
	s.out.verbosef("The %s took %d seconds to scan %d ports.\n", s.tech.took, secs, len(s.ports))
}

// results lists the ports nmap would report, in ascending order.
func (s *portScan) results() []portResult {
	var rs []portResult
	for _, sp := range s.ports {
		switch {
		case sp.state == psOpen, sp.state == psSilent && s.tech.silentOpen:
			rs = append(rs, portResult{port: sp.port, state: "open", proto: s.tech.proto, owner: s.owners[sp.port]})
		case sp.state != psClosed:
			rs = append(rs, portResult{port: sp.port, state: "filtered", proto: s.tech.proto})
		}
	}
	sortResults(rs)
	return rs
}

func (s *portScan) String() string { return fmt.Sprintf("%s of %s", s.tech.took, s.dst) }

// find is port's index in s.ports. Answers mostly come in the order the
// probes left, that is in pending's order, so the few pending ports from
// where the last answer was found are tried before the port table: they
// are memory the scan walks in order anyway, where the table is a random
// read in 256 KB for a shuffled full range, a cache miss per answer that
// took a tenth of `siglab generate`'s run. Ports are unique in a scan,
// so both give the same index.
func (s *portScan) find(port uint16) (int, bool) {
	for h := s.hint; h < len(s.pending) && h < s.hint+findAhead; h++ {
		if i := s.pending[h]; s.ports[i].port == port {
			s.hint = h + 1
			return i, true
		}
	}
	return s.byPort.get(port)
}

// findAhead is how many pending ports find tries before the table.
const findAhead = 4

// portIndex maps a port number to its index in a scan's port list. A
// list that is one run of consecutive ports (a range such as -p1-65535)
// needs no table: the index is the port less the first. Any other list
// gets an array, not a map, because every reply looks one up (-1: not
// scanned). The run saves a full-range scan 256 KB to fill and fault in.
type portIndex struct {
	first uint16
	n     int
	table []int32 // nil for a run
}

func newPortIndex(ports []uint16) portIndex {
	x := portIndex{n: len(ports)}
	if isRun(ports) {
		if len(ports) > 0 {
			x.first = ports[0]
		}
		return x
	}
	x.table = make([]int32, 65536)
	for i := range x.table {
		x.table[i] = -1
	}
	for i, port := range ports {
		x.table[port] = int32(i)
	}
	return x
}

// isRun reports whether ports are consecutive and ascending.
func isRun(ports []uint16) bool {
	for i, port := range ports {
		if int(port) != int(ports[0])+i {
			return false
		}
	}
	return true
}

func (x *portIndex) get(port uint16) (int, bool) {
	if x.table == nil {
		i := int(port) - int(x.first)
		return i, i >= 0 && i < x.n
	}
	i := x.table[port]
	return int(i), i >= 0
}
