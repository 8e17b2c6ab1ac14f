package traffic

import (
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/wire"
)

// Sessions is an Actor for ordinary traffic: Count TCP sessions to one
// service, Every apart, each a handshake, one short request and its
// reply, and an orderly close, made by a user-space client that looks
// like today's Linux (MSS 1460, SACK, window scaling, DF, TTL 64).
// Detectors must not report it.
type Sessions struct {
	host  engine.Host
	rnd   *rand.Rand
	dst   netip.Addr
	dport uint16
	count int
	every time.Duration

	cur      *session
	started  int
	nextAt   time.Time
	Failures int // sessions that stalled and were abandoned
}

// NewSessions prepares count sessions to dst:dport, every apart; seed
// fixes their source ports and ISNs.
func NewSessions(h engine.Host, dst netip.Addr, dport uint16, count int, every time.Duration, seed uint64) *Sessions {
	return &Sessions{host: h, rnd: rand.New(rand.NewPCG(seed, uint64(dport))), dst: dst, dport: dport, count: count, every: every}
}

// sessionStall is how long a session may wait for the server before it
// is abandoned.
const sessionStall = 3 * time.Second

// clientOptions are a Linux client's SYN options without timestamps:
// MSS 1460, NOP, NOP, SACK permitted, NOP, window scale 7.
var clientOptions = []byte{2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7}

// sessionRequest is the client's one request: a web request to port 80,
// a line any other service can answer.
func sessionRequest(dport uint16) []byte {
	if dport == 80 {
		return []byte("GET / HTTP/1.0\r\nUser-Agent: siglab-monitor/1.0\r\n\r\n")
	}
	return []byte("HELP\r\n")
}

type sessionState int

const (
	synSent sessionState = iota
	requested
	finSent
	closed
)

type session struct {
	sport    uint16
	snd, rcv uint32
	ipid     uint16
	state    sessionState
	since    time.Time
	buf      []byte
}

// Wake implements Actor.
func (s *Sessions) Wake(now time.Time) (time.Time, bool) {
	if s.cur != nil && s.cur.state != closed && now.Sub(s.cur.since) >= sessionStall {
		s.Failures++
		s.cur.state = closed
	}
	if s.cur != nil && s.cur.state != closed {
		return s.cur.since.Add(sessionStall), false
	}
	if s.started == s.count {
		return time.Time{}, true
	}
	if !s.nextAt.IsZero() && now.Before(s.nextAt) {
		return s.nextAt, false
	}
	s.open(now)
	return now.Add(sessionStall), false
}

func (s *Sessions) open(now time.Time) {
	c := &session{sport: uint16(32768 + s.rnd.IntN(28232)), snd: s.rnd.Uint32(), ipid: uint16(s.rnd.Uint32()), since: now}
	s.host.BindTCP(c.sport)
	s.cur, s.nextAt = c, now.Add(s.every)
	s.started++
	s.send(c, wire.FlagSYN, clientOptions, nil)
	c.snd++
}

// Receive implements Actor.
func (s *Sessions) Receive(now time.Time, p wire.Packet) time.Time {
	c := s.cur
	if c == nil || c.state == closed || !p.IsTCP() || p.Src() != s.dst || p.SPort() != s.dport || p.DPort() != c.sport {
		return time.Time{}
	}
	if p.HasFlags(wire.FlagRST) {
		c.state, s.Failures = closed, s.Failures+1
		return now
	}
	before := c.state
	s.step(c, p)
	if c.state != before {
		c.since = now
	}
	if c.state == closed {
		return now
	}
	return time.Time{}
}

// step advances the client on one segment from the server.
func (s *Sessions) step(c *session, p wire.Packet) {
	switch {
	case c.state == synSent && p.HasFlags(wire.FlagSYN|wire.FlagACK) && p.Ack() == c.snd:
		c.rcv = p.Seq() + 1
		s.send(c, wire.FlagACK, nil, nil)
		req := sessionRequest(s.dport)
		s.send(c, wire.FlagPSH|wire.FlagACK, nil, req)
		c.snd += uint32(len(req))
		c.state = requested
	case c.state == requested && len(p.TCPPayload()) > 0 && p.Seq() == c.rcv:
		c.rcv += uint32(len(p.TCPPayload()))
		if p.HasFlags(wire.FlagFIN) {
			c.rcv++
		}
		s.send(c, wire.FlagFIN|wire.FlagACK, nil, nil)
		c.snd++
		c.state = finSent
		if p.HasFlags(wire.FlagFIN) {
			c.state = closed
		}
	case c.state == finSent && p.HasFlags(wire.FlagFIN):
		c.rcv = p.Seq() + uint32(len(p.TCPPayload())) + 1
		s.send(c, wire.FlagACK, nil, nil)
		c.state = closed
	}
}

func (s *Sessions) send(c *session, flags uint8, opts, data []byte) {
	ack := c.rcv
	if flags&wire.FlagACK == 0 {
		ack = 0
	}
	win := uint16(502) // 64240 scaled down by the window scale 7 agreed in the handshake
	if flags&wire.FlagSYN != 0 {
		win = 64240
	}
	c.ipid++
	h := wire.IPHeader{ID: c.ipid, Frag: wire.FlagDF, TTL: 64, Src: s.host.Addr(), Dst: s.dst}
	t := wire.TCPSegment{SPort: c.sport, DPort: s.dport, Seq: c.snd, Ack: ack, Flags: flags, Window: win, Options: opts, Payload: data}
	c.buf = wire.AppendTCP(c.buf[:0], &h, &t)
	_ = s.host.SendAs(c.buf, "benign session") // a failed send stops the engine, which reports it
}
