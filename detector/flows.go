package detector

import "github.com/siglab/siglab/wire"

// probeKind is what a flow's probes are: the technique a port was probed
// with. One port probed two ways (a SYN scan, then a FIN scan) has two
// flows, so each technique's counts and answers stay its own.
type probeKind uint8

const (
	kindSYN probeKind = iota + 1
	kindFIN
	kindXmas
	kindNull
	kindACK
	kindUDP
	kindEcho
	kindTimestamp
	kindBounce // a port named in an FTP PORT command
	kindMaimon // FIN|ACK (scantypes.go)
	kindCustom // any other flag set nmap's named scans do not use (--scanflags)
	kindIPProto
	kindSCTPInit
	kindSCTPCookie
	kindMask // ICMP address mask request (hostsweep.go)

	// kindLast is the highest kind; kind sets are uint32 bitmaps.
	kindLast = kindMask
)

// tcpKinds are the kinds whose answers come back as TCP; sctpKinds as
// SCTP. An IP-protocol flow's port is the protocol number.
const (
	tcpKinds  = 1<<kindSYN | 1<<kindFIN | 1<<kindXmas | 1<<kindNull | 1<<kindACK | 1<<kindMaimon | 1<<kindCustom
	sctpKinds = 1<<kindSCTPInit | 1<<kindSCTPCookie
)

// flowKey names one port of one target, probed one way, from the
// prober's side. ICMP flows have port 0.
type flowKey struct {
	target ipAddr
	port   uint16
	kind   probeKind
}

// packed is k as one integer, the flow index's key (flowindex.go); it
// is never 0. An IPv4 key is k itself (address, port, kind: bits 8-15
// are 0); an IPv6 key, which cannot fit, is a hash of k with bit 8 set,
// and two of them may collide: the index checks the flow's own key
// (hashedKey).
func (k flowKey) packed() uint64 {
	if k.target.is4() {
		return uint64(k.target.v4())<<32 | uint64(k.port)<<16 | uint64(k.kind)
	}
	h := (k.target.hi()*0x9e3779b97f4a7c15 ^ k.target.lo() ^ uint64(k.port)<<16 | uint64(k.kind)) * 0xbf58476d1ce4e5b9
	h ^= h >> 31
	return h&^0xff00 | 0x100
}

// hashedKey reports whether a packed key is an IPv6 key's hash.
func hashedKey(pk uint64) bool { return pk&0xff00 != 0 }

// Flow state bits: what came back from the target, then what the prober
// did about it.
const (
	gotSynAck     = 1 << iota // SYN/ACK: open
	gotRST                    // RST before any SYN/ACK, or ICMP port unreachable for UDP: closed
	gotUnreach                // another ICMP unreachable: filtered
	gotReply                  // a UDP datagram, echo or timestamp reply back: open / up
	sentReset                 // the prober answered the SYN/ACK with RST: half-open
	sentAck                   // the prober answered the SYN/ACK with ACK: handshake done
	resetSeqIsAck             // that RST's seq was the SYN/ACK's ack, as a kernel's is
	sentData                  // the prober sent payload on the connection
	sentFin                   // the prober closed the connection with FIN
	abortedAfter              // the prober reset the connection after completing it
	relayed                   // an FTP server's data connection on a client's behalf
	fragmented                // the first probe arrived as IP fragments
	ttlChanged                // a later probe carried another TTL than the first
	lastOther                 // the latest probe was counted in others
	gotSegment                // a TCP answer with neither RST nor SYN (or an SCTP chunk other than INIT ACK or ABORT): the probe belonged to a connection
)

// flow is what one source did to one port of one target and what came
// back. The first probe is kept as sent, because tools betray themselves
// by what they keep constant across probes.
type flow struct {
	flowKey
	// first and last are the times of the first and latest probe;
	// prevLast the latest before that.
	first, last, prevLast int64
	// The first probe's fields. For ICMP, sport is the identifier and seq
	// the sequence number.
	seq, ack uint32
	sport    uint16
	window   uint16
	ipLen    uint16
	ipID     uint16
	urg      uint16
	mss      uint16
	payLen   uint16
	ttl      uint8
	optLen   uint8
	flags    uint8
	optClass optClass
	// payByte is the first payload byte; payUniform says every payload
	// byte present equals it.
	payByte    uint8
	payUniform bool
	df         bool
	state      uint16
	// probes counts the probes to this flow: first tries and
	// retransmissions.
	probes uint32
	// others counts the probes that cannot be retransmissions of an
	// earlier probe: another ISN from a source port more than 62 past the
	// first probe's and past every other process's the source is
	// remembered to have (nmap 2.0x retries from M+3*round+try, round <
	// 20), i.e. another process probing the same port.
	others uint16
	// rstWindow is the window of the latest RST that answered the flow
	// (a window scan's reading; it fills padding).
	rstWindow uint16
	// synAckAck is the ack of the target's latest SYN/ACK.
	synAckAck uint32
	// idx is the flow's place in its table, so that analyzers can keep
	// sets of flows as bitmaps (the field fills padding: flow is 96
	// bytes, 80 before addresses took 16).
	idx int32
}

func (f *flow) has(bits uint16) bool { return f.state&bits == bits }

// answered reports whether anything came back.
func (f *flow) answered() bool { return f.state&(gotSynAck|gotRST|gotUnreach|gotReply) != 0 }

// flowTable is one source's flows, numbered in order of creation; index
// maps keys to numbers. Flows live in chunks so that a table growing to a
// full-range scan's 65535 flows is never copied: the first chunk starts
// with room for one flow and doubles up to chunkFlows (a flood of
// spoofed sources is mostly one flow each), then whole chunks are added. Both are reused when the source is recycled.
type flowTable struct {
	index  flowIndex
	chunks [][]flow
	n      int
	// kinds has bit k set once the source sent a probe of kind k, so that
	// an answer is looked up only under kinds in use.
	kinds uint32
	// untracked counts probes to new flows refused by the caps.
	untracked uint64
}

const (
	chunkShift = 12
	chunkFlows = 1 << chunkShift
)

// at returns flow number i.
func (t *flowTable) at(i int) *flow { return &t.chunks[i>>chunkShift][i&(chunkFlows-1)] }

// push appends f and returns where it is stored.
func (t *flowTable) push(f flow) *flow {
	if len(t.chunks) == 0 {
		t.chunks = append(t.chunks, make([]flow, 0, 1))
	}
	c := &t.chunks[len(t.chunks)-1]
	switch {
	case len(*c) < cap(*c):
	case cap(*c) < chunkFlows:
		grown := make([]flow, len(*c), min(2*cap(*c), chunkFlows))
		copy(grown, *c)
		*c = grown
	default:
		t.chunks = append(t.chunks, make([]flow, 0, chunkFlows))
		c = &t.chunks[len(t.chunks)-1]
	}
	*c = append(*c, f)
	t.n++
	return &(*c)[len(*c)-1]
}

// reset empties t for reuse, keeping its memory unless it grew past keep.
func (t *flowTable) reset(keep int) {
	t.index.reset(2 * keep)
	if len(t.chunks) > 1 || len(t.chunks) == 1 && cap(t.chunks[0]) > keep {
		t.chunks = nil
	} else if len(t.chunks) == 1 {
		t.chunks[0] = t.chunks[0][:0]
	}
	t.n, t.kinds, t.untracked = 0, 0, 0
}

func (t *flowTable) find(k flowKey) *flow {
	if t.kinds&(1<<k.kind) == 0 {
		return nil
	}
	pk := k.packed()
	if !hashedKey(pk) {
		if i, ok := t.index.get(pk); ok {
			return t.at(int(i))
		}
		return nil
	}
	x := &t.index
	if x.n == 0 {
		return nil
	}
	mask := len(x.keys) - 1
	for i := x.start(pk); x.keys[i] != 0; i = (i + 1) & mask {
		if f := t.at(int(x.vals[i])); x.keys[i] == pk && f.flowKey == k {
			return f
		}
	}
	return nil
}

// latest returns, among the flows to target:port of the kinds in mask,
// the one probed last: the one an answer most likely belongs to.
func (t *flowTable) latest(target ipAddr, port uint16, mask uint32) *flow {
	var best *flow
	if target.is4() && t.index.n > 0 {
		// The IPv4 keys share all but the kind: pack them once.
		base := uint64(target.v4())<<32 | uint64(port)<<16
		for k := kindSYN; k <= kindLast; k++ {
			if mask&t.kinds&(1<<k) == 0 {
				continue
			}
			if i, ok := t.index.get(base | uint64(k)); ok {
				if f := t.at(int(i)); best == nil || f.last > best.last {
					best = f
				}
			}
		}
		return best
	}
	for k := kindSYN; k <= kindLast; k++ {
		if mask&t.kinds&(1<<k) == 0 {
			continue
		}
		if f := t.find(flowKey{target, port, k}); f != nil && (best == nil || f.last > best.last) {
			best = f
		}
	}
	return best
}

// maxRetrySportStep is the farthest past its first source port nmap
// 2.0x's retransmissions go: M + 3*round + try, round < 20, try < 3.
const maxRetrySportStep = 62

// retry reports whether sport can be a retransmission's from a process
// whose base port is base.
func retry(base, sport uint16) bool { return sport-base <= maxRetrySportStep }

// procRing remembers the base ports of the last few extra processes a
// source was seen to run, so that their retransmissions are not taken
// for yet more processes. It is fixed-size: no allocation per packet.
type procRing struct {
	ports [16]uint16
	n     uint8
}

func (r *procRing) add(sport uint16) {
	r.ports[r.n%uint8(len(r.ports))] = sport
	r.n++
}

func (r *procRing) retry(sport uint16) bool {
	for i := range min(int(r.n), len(r.ports)) {
		if retry(r.ports[i], sport) {
			return true
		}
	}
	return false
}

// probe opens or refreshes the flow k of s with probe p. It returns nil
// when the caps refuse a new flow.
func (d *Detector) probe(s *source, k flowKey, p *packet) *flow {
	if f := s.flows.find(k); f != nil {
		f.prevLast, f.last = f.last, p.ts
		if f.probes < ^uint32(0) {
			f.probes++
		}
		if p.ttl != f.ttl {
			f.state |= ttlChanged
		}
		f.state &^= lastOther
		if p.seq != f.seq && !retry(f.sport, p.sport) && !s.procs.retry(p.sport) && f.others < ^uint16(0) {
			f.others++
			f.state |= lastOther
			s.procs.add(p.sport)
		}
		return f
	}
	t := &s.flows
	if t.n >= d.cfg.MaxFlowsPerSource || !d.srcs.reserveFlow(s) {
		t.untracked++
		return nil
	}
	f := flow{
		flowKey: k, first: p.ts, last: p.ts, probes: 1,
		seq: p.seq, ack: p.ack, sport: p.sport, window: p.window,
		ipLen: p.ipLen, ipID: p.ipID, urg: p.urg, mss: p.opts.mss,
		payLen: uint16(min(p.payLen, 0xffff)), ttl: p.ttl, optLen: p.optLen,
		flags: p.flags, optClass: p.opts.class, df: p.df,
	}
	if len(p.payload) > 0 {
		f.payByte, f.payUniform = p.payload[0], uniform(p.payload)
	}
	if p.frag.n > 0 {
		f.state |= fragmented
	}
	f.idx = int32(t.n)
	t.index.put(k.packed(), f.idx)
	t.kinds |= 1 << k.kind
	nf := t.push(f)
	if t.n == protectedFlows {
		d.srcs.protect(s) // sources.go
	}
	return nf
}

// uniform reports whether every byte of b is b[0].
func uniform(b []byte) bool {
	for _, c := range b {
		if c != b[0] {
			return false
		}
	}
	return true
}

// inbound records an answer sent to the table's source by a target it
// probed. It reports whether p answered one of its flows.
func (t *flowTable) inbound(p *packet) bool {
	switch p.proto {
	case wire.ProtoTCP:
		f := t.latest(p.src, p.sport, tcpKinds)
		if f == nil {
			return false
		}
		switch {
		case p.flags&(wire.FlagSYN|wire.FlagACK|wire.FlagRST) == wire.FlagSYN|wire.FlagACK:
			if f.kind == kindSYN {
				f.state |= gotSynAck
				f.synAckAck = p.ack
			}
		case p.flags&wire.FlagRST != 0 && !f.has(gotSynAck):
			f.state |= gotRST
			f.rstWindow = p.window
		case p.flags&(wire.FlagSYN|wire.FlagRST) == 0:
			f.state |= gotSegment
		}
		return true
	case protoSCTP:
		return t.inboundSCTP(p)
	case wire.ProtoUDP:
		if f := t.find(flowKey{p.src, p.sport, kindUDP}); f != nil {
			f.state |= gotReply
			return true
		}
	case wire.ProtoICMP:
		return t.inboundICMP(p)
	default:
		if f := t.find(flowKey{p.src, uint16(p.proto), kindIPProto}); f != nil {
			f.state |= gotReply
			return true
		}
	}
	return false
}

func (t *flowTable) inboundICMP(p *packet) bool {
	var f *flow
	switch p.icmpType {
	case icmpMaskReply:
		return t.inboundMaskReply(p)
	case icmpEchoReply:
		f = t.find(flowKey{p.src, 0, kindEcho})
	case icmpTimestamp + 1:
		f = t.find(flowKey{p.src, 0, kindTimestamp})
	case icmpUnreachable:
		q := p.quote
		switch {
		case q.hdr && !knownProto(q.proto):
			// An IP-protocol probe: protocol unreachable says closed,
			// any other unreachable filtered.
			if f = t.find(flowKey{q.dst, uint16(q.proto), kindIPProto}); f != nil && p.flags == icmpProtoUnreachable {
				f.state |= gotRST
				return true
			}
		case !q.ok:
		case q.proto == protoSCTP:
			f = t.latest(q.dst, q.dport, sctpKinds)
		case q.proto == wire.ProtoUDP:
			if f = t.find(flowKey{q.dst, q.dport, kindUDP}); f != nil && p.flags == 3 {
				f.state |= gotRST
				return true
			}
		case q.proto == wire.ProtoTCP:
			f = t.latest(q.dst, q.dport, tcpKinds)
		}
		if f != nil {
			f.state |= gotUnreach
			return true
		}
		return false
	}
	if f == nil {
		return false
	}
	f.state |= gotReply
	return true
}
