package picture

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/wire"
)

// Kind is what one mark stands for: a probe's technique or an answer.
type Kind uint8

// Probe kinds, then answer kinds. The order is the legend's.
const (
	KindSYN Kind = iota
	KindFIN
	KindXmas
	KindNull
	KindACK
	KindMaimon
	KindOtherTCP
	KindUDP
	KindICMP
	KindOS
	KindTSeq
	KindOpen
	KindClosed
	KindFiltered
	numKinds
)

var kindNames = [numKinds]string{
	"SYN", "FIN", "Xmas", "Null", "ACK", "Maimon (FIN|ACK)", "other TCP", "UDP",
	"ICMP echo", "OS probe", "TSeq", "open (SYN/ACK, reply)", "closed (RST, port unreach.)", "filtered (ICMP unreach.)",
}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "?"
}

// Answer reports whether k is an answer rather than a probe.
func (k Kind) Answer() bool { return k >= KindOpen }

// srcKey names who sent a probe: one process of one address (its source
// port), or an address's OS detection (nmap changes the source port on
// every OS probe and TSeq SYN, so ports would not name it), or, once
// collapsed, an address alone (sport 0, os false).
type srcKey struct {
	addr  [4]byte
	sport uint16
	os    bool
}

// flow is one direction of one conversation; proto 1 is ICMP (no ports).
type flow struct {
	src, dst     [4]byte
	sport, dport uint16
	proto        uint8
}

func (f flow) reverse() flow {
	return flow{src: f.dst, dst: f.src, sport: f.dport, dport: f.sport, proto: f.proto}
}

// mark is one classified packet, in the probe's terms: target and port
// are the probed ones for an answer too, key the prober's.
type mark struct {
	t       time.Time
	kind    Kind
	key     srcKey
	target  [4]byte
	port    uint16
	hasPort bool
	// seq and sport of a bare SYN, for finding TSeq runs.
	seq   uint32
	sport uint16
	// of is the index of the probe an answer answers, -1 for a probe.
	of int
}

// classifier turns packets into marks. It keeps the flows it has seen
// probes on, so that a SYN/ACK, a RST or an ICMP error is an answer only
// when it answers one. Its maps are only looked up, never ranged over,
// so the output does not depend on their order.
type classifier struct {
	marks  []mark
	probes map[flow]int
	// osPorts are target ports an address sent OS probes to: the UDP
	// probe (PU/U1) goes to the closed one among them.
	osPorts map[flow]bool
	// lastSYN is the index of the previous bare SYN per source address,
	// target and port, for TSeq runs.
	lastSYN map[flow]int
}

func newClassifier() *classifier {
	return &classifier{probes: map[flow]int{}, osPorts: map[flow]bool{}, lastSYN: map[flow]int{}}
}

// add classifies one IPv4 packet; others (IPv6, non-first fragments,
// truncated headers) are skipped.
func (c *classifier) add(t time.Time, ip []byte) {
	ihl := int(ip[0]&0x0f) * 4
	if ihl < 20 || len(ip) < ihl || binary.BigEndian.Uint16(ip[6:])&0x1fff != 0 {
		return
	}
	var f flow
	copy(f.src[:], ip[12:16])
	copy(f.dst[:], ip[16:20])
	f.proto = ip[9]
	l4 := ip[ihl:]
	switch f.proto {
	case 6:
		c.tcp(t, f, l4)
	case 17:
		c.udp(t, f, l4)
	case 1:
		c.icmp(t, f, l4)
	}
}

func (c *classifier) tcp(t time.Time, f flow, h []byte) {
	if len(h) < 14 {
		return
	}
	f.sport, f.dport = binary.BigEndian.Uint16(h), binary.BigEndian.Uint16(h[2:])
	flags := h[13] &^ (wire.FlagECE | wire.FlagCWR)
	if of, ok := c.probes[f.reverse()]; ok {
		switch {
		case flags&(wire.FlagSYN|wire.FlagACK) == wire.FlagSYN|wire.FlagACK:
			c.answer(t, f, of, KindOpen)
		case flags&wire.FlagRST != 0:
			c.answer(t, f, of, KindClosed)
		}
		return
	}
	if flags&wire.FlagRST != 0 && flags&wire.FlagSYN == 0 {
		return // the prober's teardown of a half-open connection, or a reset answering nothing
	}
	var opts []byte
	if off := int(h[12]>>4) * 4; off > 20 && len(h) >= off {
		opts = h[20:off]
	}
	key := srcKey{addr: f.src, sport: f.sport}
	kind := tcpKind(flags)
	if osOptions(opts) {
		kind, key = KindOS, srcKey{addr: f.src, os: true}
		c.osPorts[flow{src: f.src, dst: f.dst, dport: f.dport}] = true
	}
	if i, ok := c.probes[f]; ok && c.marks[i].kind != kind && c.marks[i].kind != KindTSeq {
		return // the rest of a connection the probe opened (handshake, data, close); a retry is drawn again
	}
	c.probe(t, f, key, kind)
	if kind == KindSYN && len(h) >= 8 {
		c.tseq(f, binary.BigEndian.Uint32(h[4:]))
	}
}

// tcpKind names a probe by its flags (ECE and CWR already cleared).
func tcpKind(fl uint8) Kind {
	const fpu = wire.FlagFIN | wire.FlagPSH | wire.FlagURG
	switch {
	case fl == wire.FlagSYN:
		return KindSYN
	case fl == wire.FlagFIN:
		return KindFIN
	case fl == fpu:
		return KindXmas
	case fl == 0:
		return KindNull
	case fl == wire.FlagACK:
		return KindACK
	case fl == wire.FlagFIN|wire.FlagACK:
		return KindMaimon
	}
	return KindOtherTCP
}

// os1Block is nmap 2.0x's T1-T7 option list and ecnBlock today's ECN
// probe's (as detector/options.go has them); today's other OS probes
// carry a timestamp whose value is 0xFFFFFFFF and echo 0. The picture
// keeps its own copy of these few bytes rather than widen the
// detector's API for a drawing.
var (
	os1Block = []byte{3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0x3f, 0x3f, 0x3f, 0x3f, 0, 0, 0, 0, 0, 0}
	ecnBlock = []byte{3, 3, 10, 1, 2, 4, 5, 0xb4, 4, 2, 1, 1}
)

// osOptions reports whether a TCP option list is an nmap OS probe's.
func osOptions(o []byte) bool {
	if bytes.Equal(o, os1Block) || bytes.Equal(o, ecnBlock) {
		return true
	}
	for i := 0; i < len(o); {
		switch o[i] {
		case 0:
			return false
		case 1:
			i++
			continue
		}
		if i+1 >= len(o) || o[i+1] < 2 || i+int(o[i+1]) > len(o) {
			return false
		}
		if o[i] == 8 && o[i+1] == 10 {
			return binary.BigEndian.Uint32(o[i+2:]) == 0xffffffff && binary.BigEndian.Uint32(o[i+6:]) == 0
		}
		i += int(o[i+1])
	}
	return false
}

// tseq marks runs of TSeq probes: bare SYNs from one address to one
// port, each from the next source port with the next sequence number
// (nmap's sequence sampling; a SYN scan's retries keep port and ISN).
// The run's SYNs join the address's OS detection.
func (c *classifier) tseq(f flow, seq uint32) {
	k := flow{src: f.src, dst: f.dst, dport: f.dport}
	cur := len(c.marks) - 1
	c.marks[cur].seq, c.marks[cur].sport = seq, f.sport
	if i, ok := c.lastSYN[k]; ok {
		if p := c.marks[i]; seq == p.seq+1 && f.sport == p.sport+1 {
			osKey := srcKey{addr: f.src, os: true}
			for _, j := range []int{i, cur} {
				c.marks[j].kind, c.marks[j].key = KindTSeq, osKey
			}
		}
	}
	c.lastSYN[k] = cur
}

func (c *classifier) udp(t time.Time, f flow, h []byte) {
	if len(h) < 8 {
		return
	}
	f.sport, f.dport = binary.BigEndian.Uint16(h), binary.BigEndian.Uint16(h[2:])
	if of, ok := c.probes[f.reverse()]; ok {
		c.answer(t, f, of, KindOpen)
		return
	}
	if c.osPorts[flow{src: f.src, dst: f.dst, dport: f.dport}] {
		c.probe(t, f, srcKey{addr: f.src, os: true}, KindOS)
		return
	}
	c.probe(t, f, srcKey{addr: f.src, sport: f.sport}, KindUDP)
}

func (c *classifier) icmp(t time.Time, f flow, h []byte) {
	if len(h) < 8 {
		return
	}
	switch typ, code := h[0], h[1]; typ {
	case 8, 13, 17: // echo, timestamp, address mask requests
		kind := KindICMP
		if code != 0 { // today's IE probes carry code 9, never a ping's 0
			kind = KindOS
		}
		c.probe(t, f, srcKey{addr: f.src}, kind)
	case 0, 14, 18:
		if of, ok := c.probes[f.reverse()]; ok {
			c.answer(t, f, of, KindOpen)
		}
	case 3:
		c.unreachable(t, code, h[8:])
	}
}

// unreachable finds the probe an ICMP destination unreachable quotes: a
// port unreachable to a UDP probe says closed, any other says filtered.
func (c *classifier) unreachable(t time.Time, code uint8, in []byte) {
	if len(in) < 20 || in[0]>>4 != 4 {
		return
	}
	ihl := int(in[0]&0x0f) * 4
	var f flow
	copy(f.src[:], in[12:16])
	copy(f.dst[:], in[16:20])
	f.proto = in[9]
	if f.proto != 1 {
		if len(in) < ihl+4 {
			return
		}
		f.sport, f.dport = binary.BigEndian.Uint16(in[ihl:]), binary.BigEndian.Uint16(in[ihl+2:])
	}
	of, ok := c.probes[f]
	if !ok {
		return
	}
	kind := KindFiltered
	if code == 3 && f.proto == 17 {
		kind = KindClosed
	}
	c.append(t, kind, of, f.dst, f.dport, f.proto != 1)
}

func (c *classifier) probe(t time.Time, f flow, key srcKey, kind Kind) {
	if _, ok := c.probes[f]; !ok {
		c.probes[f] = len(c.marks)
	}
	c.marks = append(c.marks, mark{t: t, kind: kind, key: key, target: f.dst, port: f.dport, hasPort: f.proto != 1, of: -1})
}

// answer records an answer on f (target to prober) to the probe marks[of].
func (c *classifier) answer(t time.Time, f flow, of int, kind Kind) {
	c.append(t, kind, of, f.src, f.sport, f.proto != 1)
}

// append records an answer; its key is the probe's, set by classify once
// TSeq runs have moved probes to their address's OS detection.
func (c *classifier) append(t time.Time, kind Kind, of int, target [4]byte, port uint16, hasPort bool) {
	c.marks = append(c.marks, mark{t: t, kind: kind, target: target, port: port, hasPort: hasPort, of: of})
}

// classify reads every IPv4 frame of c.
func classify(c *capture.Capture) []mark {
	cl := newClassifier()
	for _, p := range c.Packets {
		if ip, err := capture.IPv4(c.LinkType, p.Data); err == nil {
			cl.add(p.Time, ip)
		}
	}
	for i := range cl.marks {
		if m := &cl.marks[i]; m.of >= 0 {
			m.key = cl.marks[m.of].key
		}
	}
	return cl.marks
}

func addr(a [4]byte) netip.Addr { return netip.AddrFrom4(a) }
