package detector

// flowKey names one port of one target, from the prober's side.
type flowKey struct {
	target [4]byte
	port   uint16
}

// Flow state bits: what came back from the target, then what the prober
// did about a SYN/ACK.
const (
	gotSynAck     = 1 << iota // the target answered SYN/ACK: open
	gotRST                    // the target answered RST before any SYN/ACK: closed
	sentReset                 // the prober answered the SYN/ACK with RST: half-open
	sentAck                   // the prober answered the SYN/ACK with ACK: handshake done
	resetSeqIsAck             // that RST's seq was the SYN/ACK's ack, as a kernel's is
)

// flow is what one source did to one port of one target and what came
// back. The first probe is kept as sent, because tools betray themselves
// by what they keep constant across probes.
type flow struct {
	flowKey
	// first and last are the times of the first and latest bare SYN.
	first, last int64
	seq, ack    uint32 // first probe's seq and ack fields
	sport       uint16
	window      uint16
	ipLen       uint16
	ttl         uint8
	optLen      uint8
	flags       uint8
	state       uint8
	// syns counts bare SYNs to this port: first tries and retransmissions.
	syns uint32
	// synAckAck is the ack of the target's latest SYN/ACK.
	synAckAck uint32
}

func (f *flow) has(bits uint8) bool { return f.state&bits == bits }

// tcpTable is one source's TCP flows. flows is indexed by index; both are
// reused when the source is recycled.
type tcpTable struct {
	index map[flowKey]int32
	flows []flow
	// untracked counts bare SYNs to new flows refused by the caps.
	untracked uint64
}

// reset empties t for reuse, keeping its memory unless it grew past keep.
func (t *tcpTable) reset(keep int) {
	if cap(t.flows) > keep {
		t.index, t.flows = nil, nil
	} else {
		clear(t.index)
		t.flows = t.flows[:0]
	}
	t.untracked = 0
}

// outboundTCP records a TCP packet sent by s: a bare SYN opens or
// refreshes a flow; RST or ACK after the target's SYN/ACK says whether s
// left the connection half-open or completed it.
func (d *Detector) outboundTCP(s *source, p *packet) {
	k := flowKey{p.dst, p.dport}
	i, ok := s.tcp.index[k]
	if isBareSYN(p.flags) {
		if !ok {
			if i, ok = d.newFlow(s, k, p); !ok {
				s.tcp.untracked++
				return
			}
		}
		f := &s.tcp.flows[i]
		f.last = p.ts
		if f.syns < ^uint32(0) {
			f.syns++
		}
		return
	}
	if !ok {
		return
	}
	f := &s.tcp.flows[i]
	if !f.has(gotSynAck) || f.state&(sentReset|sentAck) != 0 {
		return
	}
	switch {
	case p.flags&flagRST != 0:
		f.state |= sentReset
		if p.seq == f.synAckAck {
			f.state |= resetSeqIsAck
		}
	case p.flags&flagACK != 0:
		f.state |= sentAck
	}
}

// newFlow adds the flow k to s, first probe p, if the caps allow.
func (d *Detector) newFlow(s *source, k flowKey, p *packet) (int32, bool) {
	if len(s.tcp.flows) >= d.cfg.MaxFlowsPerSource || !d.srcs.reserveFlow(s) {
		return 0, false
	}
	if s.tcp.index == nil {
		s.tcp.index = make(map[flowKey]int32)
	}
	i := int32(len(s.tcp.flows))
	s.tcp.flows = append(s.tcp.flows, flow{
		flowKey: k,
		first:   p.ts,
		seq:     p.seq,
		ack:     p.ack,
		sport:   p.sport,
		window:  p.window,
		ipLen:   p.ipLen,
		ttl:     p.ttl,
		optLen:  p.optLen,
		flags:   p.flags,
	})
	s.tcp.index[k] = i
	return i, true
}

// inbound records a TCP packet sent to the table's source from a port it
// probed: SYN/ACK means open, RST before any SYN/ACK means closed. It
// reports whether p came from a probed port.
func (t *tcpTable) inbound(p *packet) bool {
	i, ok := t.index[flowKey{p.src, p.sport}]
	if !ok {
		return false
	}
	f := &t.flows[i]
	switch {
	case p.flags&(flagSYN|flagACK|flagRST) == flagSYN|flagACK:
		f.state |= gotSynAck
		f.synAckAck = p.ack
	case p.flags&flagRST != 0 && !f.has(gotSynAck):
		f.state |= gotRST
	}
	return true
}
