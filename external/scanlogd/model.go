package scanlogd

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The model follows scanlogd 2.2.8's rules (process_packet and do_log in
// scanlogd.c, the parameters in params.go) packet by packet, in Go of
// siglab's own, over what the kernel hands to scanlogd's raw socket:
//
//   - scanlogd keeps one entry per source address, whatever the target;
//     a packet from a source whose entry is younger than Delay (counted
//     from the last new port, not the last packet) updates it, an older
//     entry is dropped and a new one started;
//   - a packet to a port the entry has seen only adds its TCP flags; an
//     ACK or RST to a new port is ignored (it may be an outgoing
//     connection's); any other packet to a new port renews the entry and
//     adds the port's weight, and at Threshold the scan is logged, once
//     per entry;
//   - a source without an entry starts one with its first packet unless
//     that packet has ACK set;
//   - ListSize entries at most, the oldest replaced first, and at most
//     hashMax sources per hash bucket;
//   - the flood guard (LogCount, LogDelay) holds lines back;
//   - scanlogd skips non-first fragments, but on Linux its raw socket
//     never sees a fragment: the kernel reassembles datagrams before it
//     delivers them (and drops those with overlapping fragments, and
//     those it cannot complete within 30 s), so the model does too.

// Entry is one entry of scanlogd's table, from the packet that made it
// to the one that crossed Threshold, or to its last new port.
type Entry struct {
	Source netip.Addr
	// Target is the destination of the entry's first packet; Others is
	// set when a counted packet went to another address.
	Target netip.Addr
	Others bool
	// Start is when the entry was made, Last when it counted its last
	// new port (or crossed Threshold).
	Start, Last time.Time
	// Weight is the weight reached: Threshold or more when it crossed.
	Weight int
	// Ports counts the new ports counted, the one that crossed
	// Threshold included; Privileged those below 1024.
	Ports, Privileged int
	// MaxGap is the longest gap between two counted new ports.
	MaxGap time.Duration
	// Logged: the weight crossed Threshold, so scanlogd logs the scan
	// unless its flood guard holds the line back (Suppressed).
	Logged, Suppressed bool
	// Line is the message scanlogd writes for a logged scan, without
	// its " @HH:MM:SS" (wall-clock time); "" when there is none.
	Line string
	// Restarts counts the entries of the same source that a gap longer
	// than Delay ended before this one.
	Restarts int
	// Borderline: a gap within a Tick of Delay decided something about
	// this entry; scanlogd's tick-counting clock can decide it either way.
	Borderline bool

	flood       bool // the flood notice was logged in its place
	sport       uint16
	ports       []uint16
	tos, ttl    uint8
	flagsOr     uint8
	flagsAnd    uint8
	changing    uint8 // hf* bits
	stamp       time.Time
	lastCounted time.Time
}

// Lines are the messages scanlogd logs, in its order (by the time each
// scan crossed the threshold), FloodLine included, without their
// " @HH:MM:SS".
func (m *Model) Lines() []string {
	var logged []*Entry
	for i := range m.Entries {
		if e := &m.Entries[i]; e.Line != "" || e.flood {
			logged = append(logged, e)
		}
	}
	slices.SortStableFunc(logged, func(a, b *Entry) int { return a.Last.Compare(b.Last) })
	var out []string // nil when scanlogd logs nothing
	for _, e := range logged {
		if e.flood {
			out = append(out, FloodLine)
		} else {
			out = append(out, e.Line)
		}
	}
	return out
}

// Log is Lines as scanlogd writes them to syslog, each message with its
// " @HH:MM:SS": the time of the packet that crossed the threshold, in
// the capture's clock (the daemon writes its own wall clock), so that
// Parse reads them as it reads the daemon's.
func (m *Model) Log() []string {
	var logged []*Entry
	for i := range m.Entries {
		if e := &m.Entries[i]; e.Line != "" || e.flood {
			logged = append(logged, e)
		}
	}
	slices.SortStableFunc(logged, func(a, b *Entry) int { return a.Last.Compare(b.Last) })
	out := make([]string, 0, len(logged))
	for _, e := range logged {
		msg := e.Line
		if e.flood {
			msg = FloodLine
		}
		out = append(out, msg+" @"+e.Last.UTC().Format("15:04:05"))
	}
	return out
}

// Bits of Entry.changing: which of the entry's first packet's values
// changed on a later counted packet.
const (
	hfDaddr = 1 << iota
	hfSport
	hfTOS
	hfTTL
)

// Model is what scanlogd makes of a capture.
type Model struct {
	// Entries are the table's entries in the order they were made.
	Entries []Entry
	// Ignored counts, per source and reason, the packets that did not
	// count (see the reason constants).
	Ignored map[netip.Addr]map[string]int
	// Sources lists the sources in the order they first sent a packet.
	Sources []netip.Addr
	// Floods counts the FloodLine notices scanlogd writes.
	Floods int
}

// Reasons a packet did not count, as Model.Ignored names them.
const (
	IgnoredAckRst     = "ACK or RST to a new port"
	IgnoredAckNew     = "ACK from a source without a current entry"
	IgnoredSeenPort   = "to a port counted already"
	IgnoredAfterLog   = "new port after the scan was logged"
	IgnoredShort      = "shorter than a TCP header"
	IgnoredZero       = "source 0.0.0.0"
	IgnoredFragment   = "fragment, reassembled by the kernel first"
	IgnoredIncomplete = "fragment of a datagram never completed"
	IgnoredOverlap    = "overlapping fragment, the kernel drops the datagram"
)

// table is scanlogd's state: ListSize entries, a hash of their chains.
type table struct {
	list  [ListSize]slot
	hash  [hashSize]int // index into list, -1 for none
	index int           // the oldest entry, replaced next
	// flood guard
	lastLog  time.Time
	logCount int
}

type slot struct {
	saddr uint32 // 0: unused
	next  int    // -1: end of chain
	entry int    // index into Model.Entries
}

// Simulate runs scanlogd's rules over pkts (as Delivered picks them).
func Simulate(pkts []Packet) *Model {
	m := &Model{Ignored: map[netip.Addr]map[string]int{}}
	t := &table{}
	for i := range t.hash {
		t.hash[i] = -1
	}
	for i := range t.list {
		t.list[i].next = -1
	}
	seen := map[netip.Addr]bool{}
	for _, d := range reassemble(monotonic(pkts), m) {
		src := netip.AddrFrom4([4]byte(d.ip[12:16]))
		if !seen[src] {
			seen[src] = true
			m.Sources = append(m.Sources, src)
		}
		t.packet(m, d)
	}
	return m
}

// monotonic is pkts on the clock the kernel sees them by when Replay
// writes them in order: a packet stamped earlier than the one before it
// comes right after it.
func monotonic(pkts []Packet) []Packet {
	out := make([]Packet, len(pkts))
	for i, p := range pkts {
		if i > 0 && p.Time.Before(out[i-1].Time) {
			p.Time = out[i-1].Time
		}
		out[i] = p
	}
	return out
}

func (m *Model) ignore(src netip.Addr, why string) {
	if m.Ignored[src] == nil {
		m.Ignored[src] = map[string]int{}
	}
	m.Ignored[src][why]++
}

// hashAddr is scanlogd's hashfunc on a little-endian machine (it folds
// the address as it lies in memory, so the buckets depend on byte order;
// Debian's amd64 and arm64 builds are little-endian).
func hashAddr(a uint32) int {
	h := uint32(0)
	for v := a; ; {
		h ^= v
		if v >>= hashLog; v == 0 {
			break
		}
	}
	return int(h & (hashSize - 1))
}

// fresh reports whether an entry last renewed at stamp is still current
// at now, and whether that was within a tick of going the other way.
func fresh(now, stamp time.Time) (ok, borderline bool) {
	gap := now.Sub(stamp)
	return gap >= 0 && gap <= Delay, (gap - Delay).Abs() < Tick
}

// packet is process_packet for one datagram.
func (t *table) packet(m *Model, d datagram) {
	ip := d.ip
	ihl := int(ip[0]&0x0f) * 4
	src := netip.AddrFrom4([4]byte(ip[12:16]))
	if ihl < 20 || len(ip) < ihl+20 {
		m.ignore(src, IgnoredShort)
		return
	}
	tcp := ip[ihl:]
	saddr := binary.LittleEndian.Uint32(ip[12:16]) // in memory order, as scanlogd hashes it
	port := binary.BigEndian.Uint16(tcp[2:])
	flags := tcp[13]
	if saddr == 0 {
		m.ignore(src, IgnoredZero)
		return
	}
	now := d.t
	h := hashAddr(saddr)
	// Walk the chain: count entries before a match, last is the one
	// before the match (or before the chain's tail).
	count, last, cur := 0, -1, t.hash[h]
	for cur >= 0 {
		if t.list[cur].saddr == saddr {
			break
		}
		count++
		if t.list[cur].next >= 0 {
			last = cur
		}
		cur = t.list[cur].next
	}
	if cur >= 0 {
		e := &m.Entries[t.list[cur].entry]
		ok, border := fresh(now, e.stamp)
		e.Borderline = e.Borderline || border
		if ok {
			t.update(m, e, ip, port, flags, now)
			return
		}
		// Outdated: unused from now on, out of its chain.
		t.list[cur].saddr = 0
		if last >= 0 {
			t.list[last].next = t.list[cur].next
		} else {
			t.hash[h] = t.list[cur].next
		}
		last = -1
	}
	if flags&flagACK != 0 {
		m.ignore(src, IgnoredAckNew)
		return
	}
	if count >= hashMax && last >= 0 {
		t.list[last].next = -1 // the chain's tail is forgotten (its slot stays in use)
	}
	// Reuse the oldest slot: out of its chain first.
	s := t.index
	if old := t.list[s].saddr; old != 0 {
		oh := hashAddr(old)
		prev, c := -1, t.hash[oh]
		for c >= 0 && c != s {
			prev, c = c, t.list[c].next
		}
		if c == s {
			if prev >= 0 {
				t.list[prev].next = t.list[s].next
			} else {
				t.hash[oh] = t.list[s].next
			}
		}
	}
	t.index = (t.index + 1) % ListSize
	t.list[s] = slot{saddr: saddr, next: t.hash[h], entry: len(m.Entries)}
	t.hash[h] = s
	restarts := 0
	for i := len(m.Entries) - 1; i >= 0; i-- {
		if m.Entries[i].Source == src {
			restarts = m.Entries[i].Restarts + 1
			break
		}
	}
	e := Entry{
		Source: src, Target: netip.AddrFrom4([4]byte(ip[16:20])), Start: now, Last: now,
		Weight: weight(port), Ports: 1, Restarts: restarts,
		sport: binary.BigEndian.Uint16(tcp[0:]), ports: []uint16{port}, tos: ip[1], ttl: ip[8],
		flagsOr: flags, flagsAnd: flags, stamp: now, lastCounted: now,
	}
	if port < 1024 {
		e.Privileged = 1
	}
	m.Entries = append(m.Entries, e)
}

// TCP flag bits scanlogd looks at.
const (
	flagRST = 0x04
	flagACK = 0x10
)

// update is process_packet for a source with a current entry.
func (t *table) update(m *Model, e *Entry, ip []byte, port uint16, flags uint8, now time.Time) {
	tcp := ip[int(ip[0]&0x0f)*4:]
	for _, p := range e.ports {
		if p == port {
			e.flagsOr |= flags
			e.flagsAnd &= flags
			m.ignore(e.Source, IgnoredSeenPort)
			return
		}
	}
	if flags&(flagACK|flagRST) != 0 {
		m.ignore(e.Source, IgnoredAckRst)
		return
	}
	e.stamp = now
	if e.Logged {
		m.ignore(e.Source, IgnoredAfterLog)
		return
	}
	e.flagsOr |= flags
	e.flagsAnd &= flags
	if netip.AddrFrom4([4]byte(ip[16:20])) != e.Target {
		e.changing |= hfDaddr
		e.Others = true
	}
	if binary.BigEndian.Uint16(tcp[0:]) != e.sport {
		e.changing |= hfSport
	}
	if ip[1] != e.tos {
		e.changing |= hfTOS
	}
	if ip[8] != e.ttl {
		e.changing |= hfTTL
	}
	e.Weight += weight(port)
	e.Ports++
	if port < 1024 {
		e.Privileged++
	}
	e.MaxGap = max(e.MaxGap, now.Sub(e.lastCounted))
	e.lastCounted, e.Last = now, now
	if e.Weight >= Threshold {
		e.Logged = true
		t.log(m, e, now)
		return
	}
	if len(e.ports) < maxCount {
		e.ports = append(e.ports, port)
	}
}

// log is safe_log: the flood guard, then do_log.
func (t *table) log(m *Model, e *Entry, now time.Time) {
	if t.lastLog.IsZero() || now.Sub(t.lastLog) > LogDelay || now.Before(t.lastLog) {
		t.logCount = 0
	}
	t.logCount++
	if t.logCount <= LogCount+1 {
		t.lastLog = now
	}
	switch {
	case t.logCount <= LogCount:
		e.Line = e.message()
	case t.logCount == LogCount+1:
		e.Suppressed, e.flood = true, true
		m.Floods++
	default:
		e.Suppressed = true
	}
}

// message is do_log's line without its time: the ports that do not fit
// MaxLine (with the 9 bytes of " @HH:MM:SS") are dropped from the end,
// one at a time, keeping at least one.
func (e *Entry) message() string {
	limit := len(e.ports)
	for {
		var b strings.Builder
		b.WriteString(e.Source.String())
		if e.changing&hfSport == 0 {
			b.WriteString(":" + strconv.Itoa(int(e.sport)))
		}
		b.WriteString(" to " + e.Target.String())
		if e.changing&hfDaddr != 0 {
			b.WriteString(" and others,")
		}
		b.WriteString(" ports ")
		// The loop's own stop: once the target and ports part reaches
		// MaxLine, no further port is added.
		daddr := len(e.Target.String()) + len(" ports ")
		if e.changing&hfDaddr != 0 {
			daddr += len(" and others,")
		}
		n := 0
		for _, p := range e.ports[:limit] {
			if daddr >= MaxLine {
				break
			}
			s := strconv.Itoa(int(p)) + ", "
			b.WriteString(s)
			daddr += len(s)
			n++
		}
		limit = n
		b.WriteString("..., " + e.flagString())
		if e.changing&hfTOS == 0 {
			fmt.Fprintf(&b, ", TOS %02x", e.tos)
		}
		if e.changing&hfTTL == 0 {
			fmt.Fprintf(&b, ", TTL %d", e.ttl)
		}
		line := b.String()
		if len(line)+len(" @00:00:00") <= MaxLine || limit <= 1 {
			return line
		}
		limit--
	}
}

// flagString is scanlogd's fsrpauxy.
func (e *Entry) flagString() string {
	const letters = "fsrpauxy"
	b := []byte(letters)
	for i := range b {
		mask := uint8(1) << i
		switch {
		case e.flagsOr&mask != e.flagsAnd&mask:
			b[i] = '?'
		case e.flagsOr&mask != 0:
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}
