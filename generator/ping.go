package generator

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"time"

	"github.com/siglab/siglab/wire"
)

// Host discovery constants from nmap 2.01's nexthost() and massping()
// (targets.c).
const (
	pingLookahead = 500 // nexthost()'s batch: hosts of one spec pinged before any is scanned
	pingBlock     = 25  // LOOKAHEAD: massping()'s first group size (its static gsize)
	pingMaxGroup  = 40  // max_block_size
	pingMinGroup  = 10  // hostupdate() never shrinks a group below this
	pingTries     = 5
	pingSportBase = 20 // the TCP ping leaves from M+20+try
	pingSmall     = 4  // a group this small is retried even without news
)

// pingPhase is one massping() call over a batch of up to 500 hosts
// (nexthost()'s lookahead, from one target specification), in groups:
// the echo id is drawn once for the batch; per group and try, for every
// host of the group not yet answered, an ICMP echo and then a TCP ACK (or
// SYN) to port 80, then a wait (nmap-2.0x-internals.md §3.4). The group
// size starts at the size the previous call ended with (25 at first),
// grows by blockinc (8 with one ping technique, else 5) up to 40 after a
// group that needed one try (or two with no news), and shrinks to 3/4
// (at least 10) when a retry is answered. Replies are matched against
// every host of the batch up to the group's end.
//
// The wait is 2.01's: massping() loops until one ping timeout has passed
// since the try's probes went out (begin_select), reading the timeout
// afresh on every turn, and the timeout adapts to every reply: from 6 s
// it falls to its 75 ms floor at the first answer. While some host is
// unaccounted for, get_ping_results() reads pcap, and a read that comes
// back empty after the timeout (or any read after max(400 ms, 3 timeouts))
// ends the try; once every host has answered nothing more is read and the
// loop spins until begin_select + timeout. So a lone live host's scan
// starts about 75 ms after the ping went out, and a sweep's next try
// follows tens of milliseconds after the first answer.
//
// massping()'s "huge send delay" rule is not modelled because it cannot
// fire here: it discards the timing of replies to a try whose sends took
// over a second (pt.discardtimesbefore), and siglab's sends take
// microseconds, live and offline. (2.01 also compared a host number with
// a sequence number there, so the rule kept the wrong replies.)
type pingPhase struct {
	p         *process
	out       *output
	kind      PingType
	dport     uint16
	fixedPort bool
	hosts     []*hostResult // the batch
	id        uint16        // the echo id, one rand() per massping call
	to        *timeouts     // the process's ping timeouts, kept across calls
	gsize     *int          // massping()'s static gsize: the group size, kept across calls
	blockinc  int
	start     int                    // group_start
	end       int                    // group_end (inclusive)
	try       int                    // block_tries of the group's current try (-1: before the first group)
	sent      [][pingTries]time.Time // time[host*5+try]: after the host's probes of that try
	state     []pingState
	upThis    int       // up_this_block: hosts that came up in this try
	downThis  int       // down_this_block: hosts found down in this try
	unacc     int       // block_unaccounted: probed this try, not yet answered
	responses int       // num_responses
	dropped   bool      // dropthistry: the group shrank during this try
	begin     time.Time // begin_select: the try's probes are all out
	readEnd   time.Time // when the pending pcap read comes back empty
	over      bool      // the try's wait is over
	done      bool
}

type pingState uint8

const (
	pingUnknown pingState = iota
	pingUp
	pingDown
)

func newPingPhase(p *process, out *output, o *Options, hosts []*hostResult, to *timeouts, gsize *int) *pingPhase {
	g := &pingPhase{p: p, out: out, kind: o.Ping, dport: o.PingPort, fixedPort: o.SourcePort >= 0,
		hosts: hosts, id: uint16(p.rnd.Rand()), to: to, gsize: gsize, blockinc: 5,
		sent: make([][pingTries]time.Time, len(hosts)), state: make([]pingState, len(hosts)), try: -1}
	if o.Ping != PingDefault { // one technique: -PI alone, or -PT/-PS alone
		g.blockinc = 8
	}
	g.end = min(g.start+*g.gsize-1, len(hosts)-1)
	return g
}

func (g *pingPhase) finished() bool { return g.done }

// wake starts the next try once the current one has waited its timeout
// (or everyone has answered), the next group once a group is over, or
// ends the call.
func (g *pingPhase) wake(now time.Time) (time.Time, error) {
	if g.try >= 0 && !g.over {
		if next := g.waitStep(now); !next.IsZero() {
			return next, nil
		}
	}
	if g.try < 0 {
		g.debugFilter()
	} else {
		g.dropped = false // pt.dropthistry = 0 after every try
		if !g.another() {
			g.endGroup()
		}
	}
	if g.start >= len(g.hosts) {
		g.finish()
		return time.Time{}, nil
	}
	g.try++
	g.over = false
	g.upThis, g.downThis, g.unacc = 0, 0, 0
	for i := g.start; i <= g.end; i++ {
		if g.state[i] == pingUnknown && g.hosts[i].weird == 0 {
			if err := g.probe(i); err != nil {
				return time.Time{}, err
			}
			g.unacc++
		}
	}
	g.begin = g.p.host.Now()
	g.readEnd = g.begin.Add(pcapTimeout)
	return g.next(), nil
}

// endGroup is massping()'s end of a group: its -d line, the group size's
// growth after a group that needed no retry (that we know of), and the
// next group's bounds.
func (g *pingPhase) endGroup() {
	tries := g.try + 1
	g.out.debugf(1, "Finished block: srtt: %d rttvar: %d timeout: %d block_tries: %d up_this_block: %d down_this_block: %d group_sz: %d\n",
		g.to.srtt.Microseconds(), g.to.rttvar.Microseconds(), g.to.timeout.Microseconds(), tries, g.upThis, g.downThis, g.end-g.start+1)
	if tries == 1 || tries == 2 && g.upThis == 0 && g.downThis == 0 {
		*g.gsize = min(*g.gsize+g.blockinc, pingMaxGroup)
	}
	g.start = g.end + 1
	g.end = min(g.start+*g.gsize-1, len(g.hosts)-1)
	g.try = -1 // the next try is the new group's first
}

// waitStep runs massping()'s wait loop up to now: it returns when to look
// again, or the zero time once the try's wait is over.
func (g *pingPhase) waitStep(now time.Time) time.Time {
	if g.unacc <= 0 { // nothing is read any more: spin until the timeout
		if now.Sub(g.begin) < g.to.timeout {
			return g.next()
		}
		g.over = true
		return time.Time{}
	}
	if now.Before(g.readEnd) {
		return g.readEnd
	}
	// An empty read: get_ping_results() gives up once more than the
	// timeout has passed, and massping() then finds it has waited long
	// enough; otherwise the next read starts.
	if now.Sub(g.begin) > g.to.timeout {
		g.over = true
		return time.Time{}
	}
	g.readEnd = now.Add(pcapTimeout)
	return g.readEnd
}

// next is when the wait next needs a look: the pending read's end, or,
// with every host accounted for, the end of the timeout.
func (g *pingPhase) next() time.Time {
	if g.unacc <= 0 {
		return g.begin.Add(g.to.timeout)
	}
	return g.readEnd
}

// another is massping()'s retry condition: (up_this_block > 0 ||
// group_end - group_start <= 3) && block_unaccounted > 0 && block_tries <
// max_tries, the counts being the last try's.
func (g *pingPhase) another() bool {
	return (g.upThis > 0 || g.end-g.start+1 <= pingSmall) && g.unacc > 0 && g.try+1 < pingTries
}

// probe sends host i's probes for this try: the echo first, then the TCP
// probe. The echo's id and seq (host*5+try) are stored in host byte order,
// so they appear byte-swapped on the wire; the TCP probe's seq is
// (rand()<<19) + ((host*5+try)<<3) + 3, its low bits always 011.
func (g *pingPhase) probe(i int) error {
	defer func() { g.sent[i][g.try] = g.p.host.Now() }()
	dst := g.hosts[i].addr
	idx := uint16(i*5 + g.try)
	if g.kind == PingDefault || g.kind == PingICMP {
		if err := g.p.as("ping echo").sendEcho(dst, bits.ReverseBytes16(g.id), bits.ReverseBytes16(idx)); err != nil {
			return err
		}
	}
	if g.kind == PingICMP {
		return nil
	}
	seq := g.p.rnd.Rand()<<19 + uint32(idx)<<3 + 3
	flags, tag := uint8(wire.FlagACK), "ping ACK"
	if g.kind == PingSYN {
		flags, tag = wire.FlagSYN, "ping SYN"
	}
	return g.p.as(tag).sendTCPRaw(dst, g.sport(), g.dport, seq, flags, nil)
}

// sport is the TCP ping's source port: M+20+try, or M+try under -g.
func (g *pingPhase) sport() uint16 {
	if g.fixedPort {
		return g.p.magic + uint16(g.try)
	}
	return g.p.magic + pingSportBase + uint16(g.try)
}

// receive is get_ping_results(): it marks hosts up on an echo reply or
// on a RST or SYN/ACK to the ping ports, and down on an ICMP unreachable
// or time exceeded. nmap reads only while the try waits with some host
// unaccounted for; a packet left in the pcap buffer after that is never
// seen. Every reply (and an unreachable) feeds the shared ping timeouts
// through hostupdate(), even from a host already known up, and the host
// takes a copy of them.
//
// Replies are matched as 2.01 matched them, by the numbers the probes
// carried rather than by who answers: an echo reply by its id and its seq
// (host*5+try), an unreachable or time exceeded by the id and seq of the
// echo it quotes, a SYN ping's answer by its ack (seq<<3 plus 3 or 4); only
// the ACK ping's answers, which carry no number of nmap's, are looked up
// by address. An echo reply whose seq names another host than the one
// that sent it is a "weird response" (a subnet broadcast address answered
// by its hosts): that host is pinged no more and reported as a smurf.
func (g *pingPhase) receive(now time.Time, pk wire.Packet) time.Time {
	if g.try < 0 || g.over || g.unacc <= 0 || !g.captured(pk) {
		return time.Time{}
	}
	g.readEnd = now.Add(pcapTimeout) // a packet read: the next read starts
	if now.Sub(g.begin) > max(400*time.Millisecond, 3*g.to.timeout) {
		g.over = true // get_ping_results() stops; the wait is long over
		return now
	}
	switch {
	case pk.Proto() == wire.ProtoICMP:
		g.icmpReply(now, pk)
	case pk.IsTCP():
		g.tcpReply(now, pk)
	}
	return g.next()
}

// icmpReply is get_ping_results()'s ICMP branch. nmap read the id and seq
// as an x86 reads memory: the id and seq it stored unswapped come back as
// they went out, so both are little-endian on the wire. Lines 2.01 wrote
// with error() went to stderr, which siglab does not reproduce.
func (g *pingPhase) icmpReply(now time.Time, pk wire.Packet) {
	l4 := pk.L4()
	if len(l4) < 8 {
		return // "Supposed ping packet is only %d bytes long!"
	}
	typ, code := l4[0], l4[1]
	if typ == 0 && code == 0 && binary.LittleEndian.Uint16(l4[4:]) == g.id {
		seq := binary.LittleEndian.Uint16(l4[6:])
		i := int(seq) / pingTries
		if i > g.end {
			return // "Ping sequence %d leads to hostnum %d ..." (stderr)
		}
		g.out.debugf(1, "We got a ping packet back from %s: id = %d seq = %d checksum = %d\n",
			pk.Src(), g.id, seq, binary.LittleEndian.Uint16(l4[2:]))
		if g.hosts[i].addr != pk.Src() {
			g.hosts[i].weird++
			return
		}
		g.update(i, int(seq)%pingTries, pingUp, true, now)
		return
	}
	if typ != 3 && typ != 11 && typ != 4 && g.out.debug == 0 {
		return
	}
	// The quoted datagram's ICMP header: 2.01 wants 28 bytes past the
	// outer IP header, and the whole quoted IP header plus 8.
	if len(l4) < 28 {
		return // "ICMP type %d code %d packet is only %d bytes" (stderr)
	}
	q := l4[8:]
	qihl := int(q[0]&0x0f) * 4
	if len(q) < qihl+8 {
		return
	}
	q4 := q[qihl:]
	if binary.LittleEndian.Uint16(q4[4:]) != g.id {
		return // "Illegal id %d found, should be %d" (stderr): not our echo
	}
	seq := binary.LittleEndian.Uint16(q4[6:])
	i, try := int(seq)/pingTries, int(seq)%pingTries
	if i > g.end {
		return // "Bogus ping sequence ..." (stderr)
	}
	switch typ {
	case 3:
		g.out.debugf(1, "Got destination unreachable for %s\n", g.hosts[i].addr)
		g.update(i, try, pingDown, true, now)
	case 11:
		g.out.debugf(1, "Got Time Exceeded for %s\n", g.hosts[i].addr)
		g.update(i, try, pingDown, false, now) // no timing from time exceeded
	case 4:
		// usleep(50000) in the read loop: the next read starts after it.
		// Replies that arrive during the sleep are still taken as they
		// come (an approximation: nmap read them from the buffer after).
		g.out.debugf(1, "Got ICMP source quench\n")
		g.readEnd = g.p.sleepEnd(now, 50*time.Millisecond).Add(pcapTimeout)
	default:
		g.out.debugf(1, "Got ICMP message type %d code %d\n", typ, code)
	}
}

// tcpReply is get_ping_results()'s TCP branch: a RST or a SYN/ACK.
func (g *pingPhase) tcpReply(now time.Time, pk wire.Packet) {
	if !pk.HasFlags(wire.FlagRST) && !pk.HasFlags(wire.FlagSYN|wire.FlagACK) {
		return
	}
	var i, try int
	if g.kind == PingSYN {
		// The SYN's seq was (rand()<<19) + (host*5+try)<<3 + 3: a RST or
		// SYN/ACK acks it plus one, ending in 100 (or 011 for an odd stack).
		ack := pk.Ack()
		if ack&7 != 4 && ack&7 != 3 {
			return // "Whacked ACK number from %s" (stderr)
		}
		seq := int(ack>>3) & 0xffff
		i, try = seq/pingTries, seq%pingTries
	} else {
		// "This ACK scan is cool but we don't get sequence numbers back":
		// the try from the port, the host by its address.
		try = int(pk.DPort() - g.portBase())
		if try >= pingTries {
			return // "Bogus trynum %d" (stderr)
		}
		if i = g.index(pk.Src()); i < 0 {
			return // "Warning, unexpacted packet from machine %s" (stderr)
		}
	}
	if i > g.end {
		return // "Response from host beyond group_end" (stderr)
	}
	g.out.debugf(1, "We got a TCP ping packet back from %s (hostnum = %d trynum = %d\n", pk.Src(), i, try)
	g.update(i, try, pingUp, true, now)
}

// captured is massping()'s pcap filter: ICMP to the scanner, or TCP to
// one of the five ping source ports.
func (g *pingPhase) captured(pk wire.Packet) bool {
	if pk.Dst() != g.p.host.Addr() {
		return false
	}
	return pk.Proto() == wire.ProtoICMP || pk.IsTCP() && g.pingPort(pk.DPort())
}

// update is hostupdate(): the timing first, then the host's copy of the
// timeouts, then (unless the host is already up: up wins over down) the
// group's shrinking on the first answer to a retry in this try, then
// the state and the try's counts. A host of an earlier group counts in
// the current group's try too, as in the source.
func (g *pingPhase) update(i, try int, st pingState, timed bool, now time.Time) {
	g.out.debugf(1, "Hostupdate called for machne %s state %s -> %s (trynum %d, dotimeadj: %s time: %d)\n",
		g.hosts[i].addr, g.state[i], st, try, yesNo(timed), now.Sub(g.sent[i][try]).Microseconds())
	if timed {
		g.to.adjust(g.sent[i][try], now, g.out)
	}
	g.hosts[i].to = *g.to
	if g.state[i] == pingUp {
		return
	}
	if try > 0 && !g.dropped {
		g.dropped = true
		from := *g.gsize
		*g.gsize = max(int(float64(from)*0.75), pingMinGroup) // C: int = MAX(double, 10)
		g.out.debugf(1, "Decreasing massping group size from %d to %d\n", from, *g.gsize)
	}
	switch {
	case st == pingDown && g.state[i] == pingDown:
	case st == pingUp && g.state[i] == pingDown:
		g.state[i] = pingUp
		if i >= g.start {
			g.downThis--
			g.upThis++
		}
	case st == pingDown:
		g.state[i] = pingDown
		g.downThis++
		g.unacc--
		g.responses++
	default:
		g.state[i] = pingUp
		g.upThis++
		g.unacc--
		g.responses++
	}
}

func (g *pingPhase) pingPort(dport uint16) bool {
	return dport-g.portBase() < pingTries
}

// portBase is the TCP ping's first source port: M+20, or M under -g.
func (g *pingPhase) portBase() uint16 {
	if g.fixedPort {
		return g.p.magic
	}
	return g.p.magic + pingSportBase
}

// index finds the host a reply is from among the batch's hosts up to the
// group's end (get_ping_results() ignores hosts beyond group_end),
// searching backwards as its ACK ping lookup does.
func (g *pingPhase) index(a netip.Addr) int {
	for i := g.end; i >= 0; i-- {
		if g.hosts[i].addr == a {
			return i
		}
	}
	return -1
}

func (g *pingPhase) finish() {
	g.done = true
	g.out.debugf(1, "massping done:  num_hosts: %d  num_responses: %d\n", len(g.hosts), g.responses)
	for i, h := range g.hosts {
		h.up = g.state[i] == pingUp
	}
}

// debugFilter is the line massping() prints under -d when it opens its
// pcap handle for a raw ping (ICMP from raw sockets, or a raw TCP ping):
// the capture filter on the scanner's address and the five ping ports.
func (g *pingPhase) debugFilter() {
	if g.kind == PingICMP {
		return // -PI alone: an ICMP socket, no pcap (no source address was routed)
	}
	base := g.portBase()
	src := g.p.self
	g.out.debugf(1, "Packet capture filter: (icmp and dst host %s) or (tcp and dst host %s and ( dst port %d or dst port %d or dst port %d or dst port %d or dst port %d))\n",
		src, src, base, base+1, base+2, base+3, base+4)
}

// String is readhoststate()'s name for the state hostupdate() prints
// under -d: a host not yet known has no flag, "UNKNOWN/COMBO".
func (s pingState) String() string {
	switch s {
	case pingUp:
		return "HOST_UP"
	case pingDown:
		return "HOST_DOWN"
	}
	return "UNKNOWN/COMBO"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
