package traffic

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/wire"
)

// Flood is an Actor for a spoofed-source SYN flood beside a scan: Count
// SYNs to one port of dst at Rate a second, each from one of its
// sources picked at random, with a random source port, sequence number
// and IP ID, as a flooding tool with randomized sources sends them (TTL
// 64, window 65535, no options: nothing of nmap's fingerprint). It waits
// for no answer; the answers go to the spoofed sources, which
// labnet.SpoofSources picks so that they come back into the scanner's
// TUN and no further. A flood makes a sensor's queue overflow: stress
// scenarios use it to see drops reported and the verdict inconclusive.
type Flood struct {
	host    engine.Host
	rnd     *rand.Rand
	dst     netip.Addr
	dport   uint16
	sources []netip.Addr
	count   int
	gap     time.Duration // 1s / rate

	sent int
	next time.Time // when the next SYN is due
	buf  []byte
}

const (
	// floodBurst is the most SYNs one wake sends. A flood that falls
	// behind (a rate above what the link takes, an engine busy with a
	// scan's answers) drops its backlog instead of sending it in one
	// long burst, as a flooder on a full link loses what it could not
	// send: the engine must get back to reading its link, where the
	// scan's answers and the flood's wait.
	floodBurst = 64
	// floodYield is the least time a wake leaves the engine before the
	// next: the engine reads its link only while no actor is due.
	floodYield = 20 * time.Microsecond
	// MaxFloodRate bounds Rate: at 10 million a second the gap between
	// SYNs is 100 ns, far below what any link here takes.
	MaxFloodRate = 10_000_000
)

// ErrFlood is wrapped by NewFlood's refusal of a count, rate or source
// list it cannot flood with.
var ErrFlood = errors.New("bad flood")

// NewFlood prepares count SYNs to dst:dport at rate a second from
// sources; seed fixes the draws. Every source and dst must pass the
// engine's guard g (sources: CheckSource; dst: Check): a flood that
// would spoof an address outside the lab, or aim outside it, is refused
// here, before anything is sent, with an error wrapping
// labnet.ErrOutsideLab (the engine's guard refuses each packet again when
// it is sent).
func NewFlood(h engine.Host, g *engine.Guard, dst netip.Addr, dport uint16, sources []netip.Addr, count, rate int, seed uint64) (*Flood, error) {
	switch {
	case len(sources) == 0:
		return nil, fmt.Errorf("%w: no spoofed sources", ErrFlood)
	case count < 1:
		return nil, fmt.Errorf("%w: count %d: at least one SYN", ErrFlood, count)
	case rate < 1 || rate > MaxFloodRate:
		return nil, fmt.Errorf("%w: rate %d is outside 1-%d a second", ErrFlood, rate, MaxFloodRate)
	case dport == 0:
		return nil, fmt.Errorf("%w: port 0", ErrFlood)
	}
	if err := g.Check(dst); err != nil {
		return nil, fmt.Errorf("flood target: %w", err)
	}
	for _, s := range sources {
		if err := g.CheckSource(s); err != nil {
			return nil, fmt.Errorf("flood: %w", err)
		}
	}
	return &Flood{host: h, rnd: rand.New(rand.NewPCG(seed, uint64(dport))), dst: dst, dport: dport,
		sources: sources, count: count, gap: time.Second / time.Duration(rate)}, nil
}

// Sent is how many SYNs the flood has sent.
func (f *Flood) Sent() int { return f.sent }

// Wake implements Actor: it sends the SYNs due by now, at most
// floodBurst, and returns when the next is due, at least floodYield on.
func (f *Flood) Wake(now time.Time) (time.Time, bool) {
	if f.next.IsZero() {
		f.next = now
	}
	for n := 0; n < floodBurst && f.sent < f.count && !f.next.After(now); n++ {
		if f.send() != nil {
			return time.Time{}, true // the engine stops on a failed send and reports it
		}
		f.next = f.next.Add(f.gap)
	}
	if f.sent == f.count {
		return time.Time{}, true
	}
	if f.next.Before(now) {
		f.next = now // behind: the backlog is lost, not sent later
	}
	return later(f.next, now.Add(floodYield)), false
}

// later is the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (f *Flood) send() error {
	h := wire.IPHeader{ID: uint16(f.rnd.Uint32()), TTL: 64, Src: f.sources[f.rnd.IntN(len(f.sources))], Dst: f.dst}
	t := wire.TCPSegment{SPort: uint16(1024 + f.rnd.IntN(64512)), DPort: f.dport, Seq: f.rnd.Uint32(), Flags: wire.FlagSYN, Window: 65535}
	f.buf = wire.AppendTCP(f.buf[:0], &h, &t)
	f.sent++
	return f.host.SendAs(f.buf, "spoofed SYN flood")
}

// Receive implements Actor: a flood reads nothing.
func (f *Flood) Receive(time.Time, wire.Packet) time.Time { return time.Time{} }
