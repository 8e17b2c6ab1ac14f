package personality

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/wire"
)

// seedStream is the second word of every stack's PCG source; with it a
// stack seeded like simnet's network draws what that network drew.
const seedStream = 0x5367_6c61_62 // "Sglab"

// maxConns bounds the connections a stack tracks; past it new ones are
// answered but not remembered (decoys never reset theirs).
const maxConns = 4096

// stack is a historic host: a profile and the state that profile's
// machinery needs.
type stack struct {
	p                                   *profile
	addr                                netip.Addr
	open, filtered, prohibited, openUDP *portSet
	isn                                 isnGen
	ipid                                uint16
	tsBase                              uint32
	start                               time.Time // first packet seen: the timestamp clock's zero
	started                             bool
	conns                               map[connKey]conn
	icmp                                limiter
	opts                                optWriter
	replies
}

func newStack(p *profile, c labnet.Host, seed uint64) *stack {
	r := rand.New(rand.NewPCG(seed, seedStream))
	return &stack{p: p, addr: c.Addr,
		open: newPortSet(c.OpenTCP), filtered: newPortSet(c.FilteredTCP),
		prohibited: newPortSet(c.ProhibitedTCP), openUDP: newPortSet(c.OpenUDP),
		isn: p.isn(r), ipid: uint16(r.Uint32()), tsBase: r.Uint32(),
		conns: map[connKey]conn{}, icmp: limiter{rateLimit: p.icmpLimit}}
}

func (s *stack) Name() string { return s.p.name }

// Answer dispatches one packet by protocol.
func (s *stack) Answer(now time.Time, p wire.Packet) [][]byte {
	pk, ok := accept(p, s.addr)
	if !ok {
		return nil
	}
	if !s.started {
		s.start, s.started = now, true
	}
	s.begin()
	switch pk.Proto() {
	case wire.ProtoTCP:
		s.tcp(now, pk)
	case wire.ProtoUDP:
		s.udp(now, pk)
	case wire.ProtoICMP:
		s.echo(pk)
	}
	return s.out
}

// accept returns p as a packet a stack may answer: a whole, unfragmented
// IPv4 packet to self from a lab address, with a sane TCP header if it is
// TCP. Anything else is dropped, as a host drops what it cannot parse.
func accept(p wire.Packet, self netip.Addr) (wire.Packet, bool) {
	pk, ok := wire.ParsePacket(p)
	if !ok || pk.Dst() != self || !labnet.Contains(pk.Src()) {
		return nil, false
	}
	if binary.BigEndian.Uint16(pk[6:])&wire.FlagMF != 0 {
		return nil, false // a first fragment: 1990s stacks answered the reassembled datagram only
	}
	if pk.Proto() == wire.ProtoTCP {
		if hl := int(pk.L4()[12]>>4) * 4; hl < 20 || hl > len(pk.L4()) {
			return nil, false
		}
	}
	return pk, true
}

// udp answers a datagram to a closed port with ICMP port unreachable.
func (s *stack) udp(now time.Time, pk wire.Packet) {
	if !s.openUDP.has(pk.DPort()) {
		s.unreachable(now, pk, 3)
	}
}

// echo answers ICMP echo requests; other ICMP needs no answer.
func (s *stack) echo(pk wire.Packet) {
	if pk.ICMPType() != 8 || pk.ICMPCode() != 0 {
		return
	}
	h := s.ipHeader(pk, 0, s.p.unreach.df)
	s.add(wire.AppendICMP(s.next(), &h, 0, 0, pk.L4()[4:]))
}

// unreachable sends ICMP destination unreachable (code 3: port, 13:
// administratively prohibited) quoting pk as the profile says.
func (s *stack) unreachable(now time.Time, pk wire.Packet, code uint8) {
	if !s.icmp.allow(now) {
		return
	}
	var body [4 + maxQuote]byte
	n := s.p.unreach.quoteBody(body[:], pk)
	h := s.ipHeader(pk, s.p.unreach.tos, s.p.unreach.df)
	s.add(wire.AppendICMP(s.next(), &h, 3, code, body[:n]))
}

// ipHeader is the header of a reply to pk, taking the next IP ID.
func (s *stack) ipHeader(pk wire.Packet, tos uint8, df bool) wire.IPHeader {
	s.ipid += s.p.ipidStep
	h := wire.IPHeader{TOS: tos, ID: s.ipid, TTL: s.p.ttl, Src: s.addr, Dst: pk.Src()}
	if df {
		h.Frag = wire.FlagDF
	}
	return h
}

// tsVal is the stack's timestamp clock.
func (s *stack) tsVal(now time.Time) uint32 {
	return s.tsBase + uint32(uint64(max(now.Sub(s.start), 0))*uint64(s.p.tsHz)/uint64(time.Second))
}
