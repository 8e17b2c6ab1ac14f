package generator

import (
	"math/bits"
	"net/netip"
	"time"

	"github.com/siglab/siglab/wire"
)

// Host discovery constants from nmap 2.01's massping() (targets.c).
const (
	pingBlock     = 25 // hosts pinged together at first
	pingTries     = 5
	pingSportBase = 20 // the TCP ping leaves from M+20+try
	pingSmall     = 4  // a block this small is retried even without news
)

// pingPhase is massping() over one block of hosts: per try, for every
// host not yet answered, an ICMP echo and then a TCP ACK (or SYN) to port
// 80, then a wait of one ping timeout (nmap-2.0x-internals.md §3.4).
type pingPhase struct {
	p         *process
	out       *output
	kind      PingType
	dport     uint16
	fixedPort bool
	hosts     []*hostResult
	id        uint16    // the echo id, one rand() per massping call
	to        *timeouts // the process's ping timeouts, kept across blocks
	try       int
	sent      []time.Time
	state     []pingState
	news      bool // a host answered during this try
	waitUntil time.Time
	done      bool
}

type pingState uint8

const (
	pingUnknown pingState = iota
	pingUp
	pingDown
)

func newPingPhase(p *process, out *output, o *Options, hosts []*hostResult, to *timeouts) *pingPhase {
	return &pingPhase{p: p, out: out, kind: o.Ping, dport: o.PingPort, fixedPort: o.SourcePort >= 0,
		hosts: hosts, id: uint16(p.rnd.Rand()), to: to,
		sent: make([]time.Time, len(hosts)), state: make([]pingState, len(hosts)), try: -1}
}

func (g *pingPhase) finished() bool { return g.done }

// wake starts the next try once the current one has waited its timeout
// (or everyone has answered), or ends the phase.
func (g *pingPhase) wake(now time.Time) (time.Time, error) {
	if g.try >= 0 && now.Before(g.waitUntil) {
		return g.waitUntil, nil
	}
	if !g.another() {
		g.finish()
		return time.Time{}, nil
	}
	g.try++
	g.news = false
	for i := range g.hosts {
		if g.state[i] == pingUnknown {
			if err := g.probe(i); err != nil {
				return time.Time{}, err
			}
		}
	}
	g.waitUntil = g.p.host.Now().Add(g.to.timeout)
	return g.waitUntil, nil
}

// another reports whether to send another try: while hosts are unknown,
// fewer than five tries went out, and the last try brought news or the
// block is small.
func (g *pingPhase) another() bool {
	if g.try < 0 {
		return true
	}
	if g.try+1 >= pingTries || g.unknown() == 0 {
		return false
	}
	return g.news || len(g.hosts) <= pingSmall
}

func (g *pingPhase) unknown() int {
	n := 0
	for _, s := range g.state {
		if s == pingUnknown {
			n++
		}
	}
	return n
}

// probe sends host i's probes for this try: the echo first, then the TCP
// probe. The echo's id and seq (host*5+try) are stored in host byte order,
// so they appear byte-swapped on the wire; the TCP probe's seq is
// (rand()<<19) + ((host*5+try)<<3) + 3, its low bits always 011.
func (g *pingPhase) probe(i int) error {
	g.sent[i] = g.p.host.Now()
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

// receive marks hosts up on an echo reply or on any RST or SYN/ACK to the
// ping ports, and down on an ICMP unreachable or time exceeded.
func (g *pingPhase) receive(now time.Time, pk wire.Packet) time.Time {
	i := g.index(pk.Src())
	if i < 0 || g.state[i] != pingUnknown {
		return time.Time{}
	}
	switch {
	case pk.Proto() == wire.ProtoICMP && pk.ICMPType() == 0:
		g.up(i, now)
	case pk.IsTCP() && (pk.HasFlags(wire.FlagRST) || pk.HasFlags(wire.FlagSYN|wire.FlagACK)) && g.pingPort(pk.DPort()):
		g.up(i, now)
	case pk.Proto() == wire.ProtoICMP && (pk.ICMPType() == 3 || pk.ICMPType() == 11):
		g.state[i], g.news = pingDown, true
	default:
		return time.Time{}
	}
	if g.unknown() == 0 {
		g.waitUntil = now
	}
	return g.waitUntil
}

func (g *pingPhase) pingPort(dport uint16) bool {
	lo := g.p.magic + pingSportBase
	if g.fixedPort {
		lo = g.p.magic
	}
	return dport-lo < pingTries
}

func (g *pingPhase) index(a netip.Addr) int {
	for i, h := range g.hosts {
		if h.addr == a {
			return i
		}
	}
	return -1
}

// up records a live host; its round trip seeds the host's timeouts, as
// the ping RTT seeds target->to in nmap.
func (g *pingPhase) up(i int, now time.Time) {
	rtt := now.Sub(g.sent[i])
	g.state[i], g.news = pingUp, true
	g.to.adjust(rtt)
	g.hosts[i].to = newTimeouts()
	g.hosts[i].to.adjust(rtt)
}

func (g *pingPhase) finish() {
	g.done = true
	for i, h := range g.hosts {
		h.up = g.state[i] == pingUp
	}
}
