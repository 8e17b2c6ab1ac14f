package engine

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/siglab/siglab/wire"
)

// The scanner's kernel is Linux 2.0.3x, nmap 2.0x's home platform. What it
// puts on the wire is its own, not nmap's (nmap-2.0x-internals.md §2, §3.1,
// marked inferred there): TTL 64, no DF, IP IDs from one global counter,
// RSTs with window 0; connect() SYNs with window 512 and an MSS option
// only (p0f v2's signature "512:64:0:44:M*:.:Linux:2.0.3x"), the
// ephemeral ports 1024-4999 handed out in turn, a first SYN retransmission
// after 3 s (TCP_TIMEOUT_INIT), doubling.
const (
	kernelTTL       = 64
	kernelSynWindow = 512
	kernelWindow    = 32120 // 22 segments of 1460
	kernelMSS       = 1460
	kernelRTO       = 3 * time.Second
	ephemeralLo     = 1024
	ephemeralHi     = 4999
)

// kernel emulates the parts of the scanner host's kernel that show on the
// wire while nmap runs: the RST for segments to ports no socket holds, and
// the TCP sockets of connect().
type kernel struct {
	addr  netip.Addr
	ipid  uint16
	bound map[uint16]bool
	socks map[uint16]*ksock
	rover uint16 // the next ephemeral port to try
	rnd   *rand.Rand
	buf   []byte
}

// ksock is one connect() socket.
type ksock struct {
	sport       uint16
	dst         netip.Addr
	dport       uint16
	snd, rcv    uint32
	established bool
	refused     bool
	peerClosed  bool   // the peer's FIN arrived
	closing     bool   // our FIN is out; the peer's FIN ends the socket
	lastAck     bool   // the peer closed first: its ACK of our FIN ends the socket
	rx          []byte // received and not yet read
	rto         time.Duration
	retransmit  time.Time
}

func newKernel(addr netip.Addr, ipid uint16) *kernel {
	rnd := rand.New(rand.NewPCG(uint64(ipid), 0x6b65726e)) // "kern"
	return &kernel{addr: addr, ipid: ipid, bound: map[uint16]bool{}, socks: map[uint16]*ksock{},
		rover: uint16(ephemeralLo + rnd.IntN(ephemeralHi-ephemeralLo+1)), rnd: rnd, buf: make([]byte, 0, 64)}
}

// answer returns the kernel's reply to p, or nil. The slice is reused.
func (k *kernel) answer(p wire.Packet) []byte {
	if !p.IsTCP() {
		return nil
	}
	if s := k.socks[p.DPort()]; s != nil && p.Src() == s.dst && p.SPort() == s.dport {
		return k.socketSegment(s, p)
	}
	if k.bound[p.DPort()] || p.HasFlags(wire.FlagRST) {
		return nil
	}
	return k.reset(p)
}

// socketSegment completes a connect() handshake with an ACK, or notes a
// refusal.
func (k *kernel) socketSegment(s *ksock, p wire.Packet) []byte {
	switch {
	case p.HasFlags(wire.FlagRST):
		s.refused = true
	case s.lastAck: // LAST-ACK: the peer's ACK of our FIN, taken quietly
		delete(k.socks, s.sport)
	case !s.established && p.HasFlags(wire.FlagSYN|wire.FlagACK) && p.Ack() == s.snd:
		s.established, s.rcv = true, p.Seq()+1
		return k.segment(s, wire.FlagACK, kernelWindow)
	case s.closing && p.HasFlags(wire.FlagFIN):
		s.rcv = p.Seq() + uint32(len(p.TCPPayload())) + 1
		if p.Ack() == s.snd {
			delete(k.socks, s.sport) // our FIN is acknowledged: TIME-WAIT
		} else {
			s.lastAck = true // simultaneous close (CLOSING): the ACK of our FIN is still to come
		}
		return k.segment(s, wire.FlagACK, kernelWindow)
	case s.closing:
		return nil
	case s.established && p.Seq() == s.rcv:
		data := p.TCPPayload()
		s.rx = append(s.rx, data...)
		s.rcv += uint32(len(data))
		if p.HasFlags(wire.FlagFIN) {
			s.rcv++
			s.peerClosed = true
		}
		if len(data) > 0 || p.HasFlags(wire.FlagFIN) {
			return k.segment(s, wire.FlagACK, kernelWindow)
		}
	}
	return nil
}

// write sends data on an established socket in one segment. The lab
// loses nothing, so the kernel keeps no copy to retransmit.
func (k *kernel) write(sport uint16, data []byte) []byte {
	s := k.socks[sport]
	if s == nil || !s.established {
		return nil
	}
	t := wire.TCPSegment{SPort: s.sport, DPort: s.dport, Seq: s.snd, Ack: s.rcv, Flags: wire.FlagPSH | wire.FlagACK, Window: kernelWindow, Payload: data}
	s.snd += uint32(len(data))
	return k.emit(s.dst, &t)
}

// read returns what a socket has received since the last read, and
// whether the connection is still usable.
func (k *kernel) read(sport uint16) ([]byte, bool) {
	s := k.socks[sport]
	if s == nil {
		return nil, false
	}
	data := s.rx
	s.rx = nil
	return data, s.established && !s.refused && !s.peerClosed
}

// shutdown closes a socket in order, with a FIN; the socket lives on
// until the peer's FIN, which it acknowledges.
func (k *kernel) shutdown(sport uint16) []byte {
	s := k.socks[sport]
	if s == nil || !s.established || s.refused || s.closing {
		delete(k.socks, sport)
		return nil
	}
	fin := k.segment(s, wire.FlagFIN|wire.FlagACK, kernelWindow)
	s.snd++
	s.closing = true
	s.lastAck = s.peerClosed // kept until the peer's ACK, which must not draw a RST
	return fin
}

// connect opens a socket to dst:dport and returns its port and SYN.
func (k *kernel) connect(now time.Time, dst netip.Addr, dport uint16) (uint16, []byte) {
	sport := k.ephemeral()
	s := &ksock{sport: sport, dst: dst, dport: dport, snd: k.rnd.Uint32(), rto: kernelRTO}
	k.socks[sport] = s
	s.retransmit = now.Add(s.rto)
	syn := k.syn(s)
	s.snd++ // the SYN takes one sequence number
	return sport, syn
}

// ephemeral hands out the next free port of 1024-4999, in turn.
func (k *kernel) ephemeral() uint16 {
	for {
		p := k.rover
		k.rover++
		if k.rover > ephemeralHi {
			k.rover = ephemeralLo
		}
		if k.socks[p] == nil && !k.bound[p] {
			return p
		}
	}
}

func (k *kernel) syn(s *ksock) []byte {
	t := wire.TCPSegment{SPort: s.sport, DPort: s.dport, Seq: s.snd, Flags: wire.FlagSYN, Window: kernelSynWindow,
		Options: []byte{2, 4, kernelMSS >> 8, kernelMSS & 0xff}}
	return k.emit(s.dst, &t)
}

// close releases a socket; an established one is reset, as close() with
// SO_LINGER {1, 0} does (nmap's connect scan sets it).
func (k *kernel) close(sport uint16) []byte {
	s := k.socks[sport]
	delete(k.socks, sport)
	if s == nil || !s.established || s.refused {
		return nil
	}
	return k.segment(s, wire.FlagRST|wire.FlagACK, 0)
}

// timers retransmits unanswered SYNs and returns when it next has to.
func (k *kernel) timers(now time.Time, send func([]byte)) time.Time {
	var next time.Time
	ports := make([]uint16, 0, len(k.socks))
	for p := range k.socks {
		ports = append(ports, p)
	}
	slices.Sort(ports) // map order would make offline runs differ
	for _, p := range ports {
		s := k.socks[p]
		if s.established || s.refused {
			continue
		}
		if !now.Before(s.retransmit) {
			s.snd-- // the SYN's own sequence number
			send(k.syn(s))
			s.snd++
			s.rto *= 2
			s.retransmit = now.Add(s.rto)
		}
		if next.IsZero() || s.retransmit.Before(next) {
			next = s.retransmit
		}
	}
	return next
}

func (k *kernel) segment(s *ksock, flags uint8, win uint16) []byte {
	t := wire.TCPSegment{SPort: s.sport, DPort: s.dport, Seq: s.snd, Ack: s.rcv, Flags: flags, Window: win}
	return k.emit(s.dst, &t)
}

// reset builds the RFC 793 reset for a segment that reached a closed port:
// with ACK set, seq = the segment's ack and flags R; otherwise seq 0,
// ack = seq + segment length and flags R|A.
func (k *kernel) reset(p wire.Packet) []byte {
	t := wire.TCPSegment{SPort: p.DPort(), DPort: p.SPort(), Flags: wire.FlagRST}
	if p.HasFlags(wire.FlagACK) {
		t.Seq = p.Ack()
	} else {
		n := uint32(len(p.TCPPayload()))
		if p.HasFlags(wire.FlagSYN) {
			n++
		}
		if p.HasFlags(wire.FlagFIN) {
			n++
		}
		t.Ack, t.Flags = p.Seq()+n, wire.FlagRST|wire.FlagACK
	}
	return k.emit(p.Src(), &t)
}

func (k *kernel) emit(dst netip.Addr, t *wire.TCPSegment) []byte {
	k.ipid++
	h := wire.IPHeader{ID: k.ipid, TTL: kernelTTL, Src: k.addr, Dst: dst}
	k.buf = wire.AppendTCP(k.buf[:0], &h, t)
	return k.buf
}

// label names a packet the kernel sent on its own (ground truth).
func (k *kernel) label(p []byte) string {
	if len(p) >= 34 && p[33]&wire.FlagRST != 0 {
		return "scanner RST"
	}
	return "scanner kernel ACK"
}
