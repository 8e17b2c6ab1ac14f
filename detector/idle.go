package detector

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"github.com/siglab/siglab/wire"
)

// Idle scan (nmap -sI ZOMBIE): the real scanner never sends the target a
// packet under its own address. It reads the zombie's IP ID from the RST
// the zombie gives an unasked-for SYN/ACK, sends the target SYNs spoofed
// from the zombie's address, and reads the IP ID again: the target
// answers an open port's SYN/ACK to the zombie, whose RST takes an IP ID,
// so the counter rose by more than one. On the wire that is two streams
// in step: SYN/ACK probes from the scanner to one port of the zombie,
// each answered by RST, and rounds of SYNs "from" the zombie between
// them, which carry none of the zombie's own IP IDs.
//
// The zombie's address did not scan anyone; a scan.tcp-syn from it would
// send an analyst after an innocent host. When the two streams pair, the
// detector reports scan.idle with the real scanner as the finding's
// scanner (attrs zombie and real_source), drops the zombie's
// scan.tcp-syn and gives the tool label read on the spoofed SYNs to the
// real scanner (or, for a scan too small for one, reads today's nmap on
// the probes themselves). Without a prober on the wire (the sensor saw
// only the spoofed SYNs) nothing tells them from a SYN scan, and they
// are reported as one; nor without the zombie's RSTs, whose IP IDs are
// what shows the SYNs were not its own.
//
// Over IPv6 (nmap -6 -sI) there is no IP ID: nmap reads the
// identification of the zombie's Fragment header instead. It first
// pings the zombie with a 1266-byte echo request and answers the reply
// with an ICMPv6 Packet Too Big claiming an MTU below IPv6's minimum,
// once under its own address and once under the target's, so that the
// zombie puts a Fragment header on everything it sends to either (RFC
// 2460's atomic fragments); a zombie with one global counter for those
// (Windows before 7 counts by 1, 7 and later by 2) then leaks its
// traffic to the target as the IPv4 ones do. The table reads the
// identification's low 16 bits in place of the IP ID; a zombie RST
// without a Fragment header carries no counter and is not counted, so
// a zombie that never fragments (today's Linux) pairs with nothing.

const labelIdle = "scan.idle"

// The idle table: idleSets sets of idleWays entries, the set chosen by
// the zombie's address, so that a zombie's SYN looks at idleWays entries.
const (
	idleSetBits = 5
	idleSets    = 1 << idleSetBits
	idleWays    = 4
)

// Thresholds of the pairing.
const (
	// idleMinResets is how many RSTs the zombie must have answered the
	// probes with: nmap's zombie test alone sends six.
	idleMinResets = 4
	// idleMaxIDStep is the largest IP ID rise between two probes read as
	// the counter of an idle host (a busy zombie is useless to nmap).
	idleMaxIDStep = 2048
	// idleOwnIDStep: a SYN whose IP ID is 1..idleOwnIDStep past the
	// zombie's counter could be the zombie's own.
	idleOwnIDStep = 64
	// idleMaxRound bounds the spoofed SYNs per round (between two
	// probes): nmap's idle scan sends at most 100 ports per group.
	idleMaxRound = 128
	// A prober sends at most idleProbesPerRound SYN/ACKs per round of
	// SYNs, beyond idleSpareProbes (nmap's zombie test and retests): nmap
	// reads the counter before and after each round. SYN/ACKs that come
	// as a stream, most with no SYN between them (a flood's backscatter),
	// are no idle scan's.
	idleProbesPerRound = 3
	idleSpareProbes    = 10
	// idleProtect is how long an entry that already paired probes with
	// RSTs is kept against new ones taking its slot, ns.
	idleProtect = 60e9
)

// idleEntry is one prober's SYN/ACK probes to one zombie, and what the
// zombie did meanwhile.
type idleEntry struct {
	zombie, prober ipAddr
	zport          uint16
	lastID         uint16 // IP ID of the zombie's latest RST to the prober
	haveID         bool
	used           bool
	// first and last are the times of the first and latest probe.
	first, last    int64
	probes, resets uint32
	// incr counts RSTs whose IP ID rose by 1..idleMaxIDStep over the
	// previous RST's (in either byte order) and sum adds those rises up;
	// stride is the smallest rise seen, the counter's own step (1 for
	// most stacks, 2 for Windows 7's IPv6 identification), and atStride
	// how many rises were just that: the others are reads after the
	// zombie sent to someone else.
	incr, sum, atStride uint32
	stride              uint16
	// pending counts the zombie's SYNs since the latest probe; syns those
	// that fell between two probes, in rounds rounds; ownID the SYNs whose
	// IP ID continued the zombie's counter.
	pending, syns, rounds, ownID uint32
	// nmapLike counts the probes built as today's nmap builds them (MSS
	// 1460 alone, window 1024, no DF); ttlLo and ttlHi span their TTLs.
	nmapLike     uint32
	ttlLo, ttlHi uint8
}

type idleTable struct {
	e    [idleSets * idleWays]idleEntry
	used int
}

// set returns the entries a zombie's address maps to.
func (t *idleTable) set(zombie ipAddr) []idleEntry {
	h := zombie.fold() * 0x9e3779b1
	i := int(h>>(32-idleSetBits)) * idleWays
	return t.e[i : i+idleWays]
}

// idleTrack gives one TCP packet to the idle table: an unasked-for
// SYN/ACK (a probe of a zombie's IP ID), a RST (the zombie's answer) or a
// bare SYN (perhaps spoofed from a zombie). answered says p answered a
// probe or connection of its destination. Over IPv6 the counter is the
// Fragment header's identification (see the top of this file).
func (d *Detector) idleTrack(p *packet, answered bool) {
	switch {
	case p.flags&(wire.FlagSYN|wire.FlagACK|wire.FlagRST) == wire.FlagSYN|wire.FlagACK:
		if !answered && p.payLen == 0 {
			if d.idle == nil {
				d.idle = &idleTable{}
			}
			d.idle.probe(p)
		}
	case d.idle == nil || d.idle.used == 0:
	case p.flags&wire.FlagRST != 0:
		d.idle.reset(p)
	case isBareSYN(p.flags):
		d.idle.syn(p)
	}
}

// probe files a SYN/ACK from p.src to the would-be zombie p.dst.
func (t *idleTable) probe(p *packet) {
	set := t.set(p.dst)
	var e *idleEntry
	for i := range set {
		if set[i].used && set[i].zombie == p.dst && set[i].prober == p.src {
			e = &set[i]
			break
		}
	}
	if e == nil {
		if e = t.slot(set, p.ts); e == nil {
			return
		}
		if !e.used {
			t.used++
		}
		*e = idleEntry{zombie: p.dst, prober: p.src, zport: p.dport, used: true, first: p.ts, ttlLo: p.ttl, ttlHi: p.ttl}
	}
	if p.opts.class == optMSS && p.opts.mss == 1460 && p.window == 1024 && !p.df {
		e.nmapLike++
	}
	e.ttlLo, e.ttlHi = min(e.ttlLo, p.ttl), max(e.ttlHi, p.ttl)
	if e.probes < ^uint32(0) {
		e.probes++
	}
	e.last = p.ts
	if e.pending > 0 {
		e.syns += e.pending
		e.rounds++
		e.pending = 0
	}
}

// slot picks the entry a new (zombie, prober) pair takes: a free one, else
// the least recently probed that is not an idle scan in progress; nil
// when all are.
func (t *idleTable) slot(set []idleEntry, now int64) *idleEntry {
	var best *idleEntry
	for i := range set {
		e := &set[i]
		if !e.used {
			return e
		}
		if e.resets >= 2 && now-e.last < idleProtect {
			continue
		}
		if best == nil || e.last < best.last {
			best = e
		}
	}
	return best
}

// counter is the zombie counter a packet carries: its IP ID, or over
// IPv6 the low 16 bits of its Fragment-header identification; ok is
// false for an IPv6 packet without a Fragment header.
func (p *packet) counter() (id uint16, ok bool) {
	if p.src.is4() {
		return p.ipID, true
	}
	return uint16(p.fragID), p.hasFragID
}

// reset reads the IP ID of a zombie's RST to its prober.
func (t *idleTable) reset(p *packet) {
	id, ok := p.counter()
	if !ok {
		return // no counter to read: not the RST of a usable zombie
	}
	set := t.set(p.src)
	for i := range set {
		e := &set[i]
		if !e.used || e.zombie != p.src || e.prober != p.dst || e.zport != p.sport {
			continue
		}
		if e.haveID {
			step := id - e.lastID
			if swapped := bswap16(id) - bswap16(e.lastID); step > idleMaxIDStep && swapped >= 1 && swapped <= idleMaxIDStep {
				step = swapped // a counter kept in little-endian order
			}
			if step >= 1 && step <= idleMaxIDStep {
				e.countStep(step)
			}
		}
		e.lastID, e.haveID = id, true
		if e.resets < ^uint32(0) {
			e.resets++
		}
		return
	}
}

// countStep records one rise of the zombie's counter between reads.
func (e *idleEntry) countStep(step uint16) {
	e.incr++
	e.sum += uint32(step)
	switch {
	case e.stride == 0 || step < e.stride:
		e.stride, e.atStride = step, 1
	case step == e.stride:
		e.atStride++
	}
}

// jumps returns the reads at which the counter rose by more than its
// stride, and how many packets beyond the prober's that makes.
func (e *idleEntry) jumps() (reads, packets uint32) {
	if e.stride == 0 {
		return 0, 0
	}
	return e.incr - e.atStride, (e.sum - e.incr*uint32(e.stride)) / uint32(e.stride)
}

// syn counts a bare SYN from a probed zombie to a host other than its
// prober.
func (t *idleTable) syn(p *packet) {
	set := t.set(p.src)
	for i := range set {
		e := &set[i]
		if !e.used || e.zombie != p.src || e.prober == p.dst || e.probes == 0 {
			continue
		}
		if e.pending < ^uint32(0) {
			e.pending++
		}
		if id, ok := p.counter(); ok && e.haveID && id-e.lastID >= 1 && id-e.lastID <= idleOwnIDStep {
			e.ownID++
		}
	}
}

// idlePair is a zombie's confirmed idle scan: the prober's entry and the
// zombie's SYN flows it explains.
type idlePair struct {
	e     *idleEntry
	flows []*flow
	// tests are entries of probes sent under a target's address (nmap's
	// check that the zombie's counter moves for the target's packets).
	tests []*idleEntry
}

// idleOf finds the prober that explains the SYNs of zombie s: the
// entry with the most rounds that passes every test.
func (t *idleTable) idleOf(s *source, syns []*flow) *idlePair {
	if t == nil || t.used == 0 || len(syns) == 0 {
		return nil
	}
	set := t.set(s.addr)
	var best *idleEntry
	for i := range set {
		e := &set[i]
		if !e.used || e.zombie != s.addr || !e.idleScan() || slices.ContainsFunc(syns, func(f *flow) bool { return f.target == e.prober }) {
			continue
		}
		if best == nil || e.rounds > best.rounds {
			best = e
		}
	}
	if best == nil {
		return nil
	}
	var fs []*flow
	probes := 0
	for _, f := range syns {
		if f.target != best.prober {
			fs = append(fs, f)
			probes += int(f.probes)
		}
	}
	// Nearly every SYN of the zombie fell between two probes.
	if len(fs) == 0 || 10*uint64(best.syns) < 9*uint64(probes) {
		return nil
	}
	pair := &idlePair{e: best, flows: fs}
	targets := targetsOf(fs)
	for i := range set {
		e := &set[i]
		if e.used && e.zombie == s.addr && slices.Contains(targets, netAddr(e.prober)) {
			pair.tests = append(pair.tests, e)
		}
	}
	return pair
}

// idleScan reports whether e's probes read an incremental IP ID and were
// in step with SYNs that were not the zombie's own.
func (e *idleEntry) idleScan() bool {
	return e.resets >= idleMinResets &&
		4*uint64(e.incr) >= 3*uint64(e.resets-1) && // the counter counts up
		e.rounds >= 1 && e.syns > 0 &&
		uint64(e.probes) <= idleProbesPerRound*uint64(e.rounds)+idleSpareProbes && // SYN/ACKs in step, not a stream (backscatter)
		uint64(e.syns) <= idleMaxRound*uint64(e.rounds) &&
		4*uint64(e.ownID) <= uint64(e.syns) // the SYNs carried other IP IDs: spoofed
}

// analyzeIdle reports the idle scan a zombie's SYNs belong to, under the
// real scanner, and takes the zombie's scan.tcp-syn and tool label off
// it (see the top of this file). It runs after the tool analyzers.
func analyzeIdle(a *analysis) {
	syns, _ := a.halfOpen()
	pair := a.idle.idleOf(a.src, syns)
	if pair == nil {
		return
	}
	e := pair.e
	real, zombie := netAddr(e.prober), a.scanner
	f := Finding{
		Label: labelIdle, Scanner: real, Targets: targetsOf(pair.flows), Ports: distinctPorts(pair.flows),
		Attrs: map[string]string{
			"zombie":      zombie.String(),
			"zombie_port": strconv.Itoa(int(e.zport)),
			"real_source": real.String(),
			"probes":      strconv.Itoa(int(e.probes)),
		},
	}
	first, last, n := span(pair.flows)
	f.First, f.Last, f.Packets = ts(min(first.UnixNano(), e.first)), ts(max(last.UnixNano(), e.last)), n+int(e.probes)
	ids, id := "IP IDs", "an IP ID"
	if !zombie.Is4() {
		ids, id = "Fragment-header identifications", "an identification"
	}
	f.Evidence = append(f.Evidence,
		fmt.Sprintf("%s from %s to port %d of %s that %s had not asked for (no SYN of its to them), answered with %s",
			plural(int(e.probes), "SYN/ACK"), real, e.zport, zombie, zombie, plural(int(e.resets), "RST")),
		fmt.Sprintf("the RSTs' %s count up, %d of %d steps by 1 to %d: a global, incremental counter, read by the prober before and after each round",
			ids, e.incr, e.resets-1, idleMaxIDStep))
	if !zombie.Is4() {
		f.Evidence = append(f.Evidence, "over IPv6 the zombie's RSTs carry a Fragment header whole (atomic fragments), as a stack does toward a path whose MTU was reported below 1280: nmap -6 -sI's Packet Too Big")
	}
	for _, run := range splitByTarget(pair.flows) {
		rf, rl, rn := span(run)
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s under %s's address to %s of %s in %s",
			plural(rn, "SYN"), zombie, plural(distinctPorts(run), "port"), netAddr(run[0].target), seconds(rl.Sub(rf).Nanoseconds())))
	}
	f.Evidence = append(f.Evidence,
		fmt.Sprintf("those SYNs came in %s, each between two of the prober's SYN/ACKs, and %d of %d carried %s continuing %s's counter: spoofed, not sent by %s",
			plural(int(e.rounds), "round"), e.ownID, e.syns, id, zombie, zombie))
	if reads, packets := e.jumps(); reads > 0 {
		by := "1"
		if e.stride > 1 {
			by = fmt.Sprintf("its stride of %d (the smallest rise between reads: a counter that moves by %d a packet)", e.stride, e.stride)
		}
		f.Evidence = append(f.Evidence, fmt.Sprintf("the counter rose by more than %s at %s (%s more in all): the zombie sent packets to others in between, its RSTs to the target's SYN/ACKs from open ports",
			by, plural(int(reads), "read"), plural(int(packets), "packet")))
	}
	for _, t := range pair.tests {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s to the zombie came under target %s's address: nmap's check that the zombie's counter moves for packets from the target",
			plural(int(t.probes), "SYN/ACK"), netAddr(t.prober)))
	}
	out := a.out[:0]
	tool := -1
	for _, g := range a.out {
		switch g.Label {
		case labelSYNScan:
			continue // the SYNs are the idle scan's
		case labelNmapModern, labelNmap20x, labelOtherTool:
			g.Scanner = real
			g.Evidence = append(g.Evidence, fmt.Sprintf("read on the SYNs spoofed from zombie %s: the tool is %s's", zombie, real))
			if tool < 0 {
				tool = len(out)
			}
		}
		out = append(out, g)
	}
	a.out = append(out, f)
	a.moved = true
	// The probes of the zombie's counter are today's nmap's raw packets:
	// a new TTL per packet on IPv4, hop limit 255 on IPv6 (modern6.go).
	var line string
	switch {
	case e.nmapLike != e.probes:
		return
	case zombie.Is4() && e.ttlLo != e.ttlHi:
		line = fmt.Sprintf("the SYN/ACK probes of the zombie's IP ID carry MSS 1460 alone and window 1024, a new TTL per packet (%d..%d at the sensor): today's nmap's", e.ttlLo, e.ttlHi)
	case !zombie.Is4() && e.ttlLo == nmapHopLimit && e.ttlHi == nmapHopLimit:
		line = fmt.Sprintf("the SYN/ACK probes of the zombie's counter carry MSS 1460 alone and window 1024, hop limit %d on every one: nmap -6's raw packets", nmapHopLimit)
	default:
		return
	}
	switch {
	case tool < 0:
		a.out = append(a.out, Finding{
			Label: labelNmapModern, Scanner: real, Targets: []netip.Addr{zombie}, Ports: 1, Packets: int(e.probes),
			First: ts(e.first), Last: ts(e.last), Attrs: map[string]string{"window": "1024"}, Evidence: []string{line},
		})
	case a.out[tool].Label == labelNmapModern:
		a.out[tool].Evidence = append(a.out[tool].Evidence, line)
	}
}
