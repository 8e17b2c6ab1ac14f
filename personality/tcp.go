package personality

import (
	"time"

	"github.com/siglab/siglab/wire"
)

// TCP flags.
const (
	fin   = wire.FlagFIN
	syn   = wire.FlagSYN
	rst   = wire.FlagRST
	psh   = wire.FlagPSH
	ack   = wire.FlagACK
	urg   = wire.FlagURG
	bogus = wire.FlagBogus
)

// tcp sorts a segment into the cases a profile answers: the port's state
// first, then the flags, in the order a BSD-style tcp_input looks at
// them.
func (s *stack) tcp(now time.Time, pk wire.Packet) {
	dport, flags := pk.DPort(), pk.TCPFlags()
	switch {
	case s.filtered.has(dport):
		return
	case s.prohibited.has(dport):
		s.unreachable(now, pk, 13)
		return
	case flags&rst != 0: // RFC 793: never answer a reset
		delete(s.conns, connKey{pk.Src(), pk.SPort(), dport})
		return
	case !s.open.has(dport):
		s.closed(now, pk, flags)
		return
	}
	k := connKey{pk.Src(), pk.SPort(), dport}
	switch c, known := s.conns[k]; {
	case flags&(syn|ack) == syn && flags&(fin|urg|psh) != 0:
		s.send(now, pk, &s.p.synOddOpen)
	case flags&(syn|ack) == syn:
		s.send(now, pk, &s.p.synOpen)
	case known:
		s.segment(pk, k, c)
	case flags&ack != 0:
		s.send(now, pk, &s.p.ackOpen)
	default:
		s.send(now, pk, &s.p.noAckOpen)
	}
}

// closed answers a segment to a closed port.
func (s *stack) closed(now time.Time, pk wire.Packet, flags uint8) {
	switch {
	case flags&(syn|ack) == syn:
		s.send(now, pk, &s.p.synClosed)
	case flags&ack != 0:
		s.send(now, pk, &s.p.ackClosed)
	default:
		s.send(now, pk, &s.p.otherClosed)
	}
}

// send builds the reply r to pk; a reply that takes an ISN and carries
// SYN opens a connection.
func (s *stack) send(now time.Time, pk wire.Packet, r *reply) {
	if !r.send {
		return
	}
	var seq uint32
	switch {
	case r.seq == seqISN:
		seq = s.isn.next(now)
	case pk.TCPFlags()&ack != 0:
		seq = pk.Ack()
	}
	ackNo := s.ackFor(pk, r.ack)
	flags := r.flags
	if s.p.echoBogus && flags&syn != 0 {
		flags |= pk.TCPFlags() & bogus
	}
	opts := s.opts.render(r.opts, s.p, parsePeerOpts(pk.TCPOptions()), s.tsVal(now))
	s.emit(pk, r.df, seq, ackNo, flags, r.window, opts, nil)
	if r.seq == seqISN && flags&syn != 0 {
		s.track(pk, seq+1, ackNo)
	}
}

// ackFor computes an acknowledgement number by rule.
func (s *stack) ackFor(pk wire.Packet, rule ackRule) uint32 {
	if rule == ackZero {
		return 0
	}
	a := pk.Seq() + uint32(len(pk.TCPPayload()))
	if pk.TCPFlags()&syn != 0 {
		a++
	}
	if rule == ackSynFin && pk.TCPFlags()&fin != 0 {
		a++
	}
	return a
}

// emit appends one TCP segment to the answer.
func (s *stack) emit(pk wire.Packet, df bool, seq, ackNo uint32, flags uint8, win uint16, opts, data []byte) {
	h := s.ipHeader(pk, 0, df)
	t := wire.TCPSegment{SPort: pk.DPort(), DPort: pk.SPort(), Seq: seq, Ack: ackNo,
		Flags: flags, Window: win, Options: opts, Payload: data}
	s.add(wire.AppendTCP(s.next(), &h, &t))
}
