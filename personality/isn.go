package personality

import (
	"math/rand/v2"
	"time"
)

// isnGen hands out initial sequence numbers, one per connection the stack
// opens; the pattern of consecutive ones is what nmap's TSeq test
// classifies.
type isnGen interface {
	next(now time.Time) uint32
}

// bsdTick is 4.xBSD's slow timeout (PR_SLOWHZ = 2), which also advanced
// the ISN counter.
const bsdTick = 500 * time.Millisecond

// bsdISS is 4.xBSD's tcp_iss: a global counter that every new connection
// takes and then advances by incr, and that the slow timeout advances by
// incr twice a second. With incr 64000 (TCP_ISSINCR/2) every gap is a
// multiple of 64000: nmap's "64K rule". Stacks whose constant was 800 make
// "i800".
type bsdISS struct {
	iss, incr uint32
	last      time.Time // the last slow-timeout tick accounted for
	started   bool
}

func newBSDISS(incr uint32) func(*rand.Rand) isnGen {
	return func(r *rand.Rand) isnGen { return &bsdISS{iss: r.Uint32(), incr: incr} }
}

func (g *bsdISS) next(now time.Time) uint32 {
	if !g.started {
		g.last, g.started = now, true
	}
	if ticks := now.Sub(g.last) / bsdTick; ticks > 0 {
		g.iss += g.incr * uint32(ticks)
		g.last = g.last.Add(ticks * bsdTick)
	}
	v := g.iss
	g.iss += g.incr
	return v
}

// constantISS always answers with the same number (class C).
type constantISS uint32

func newConstantISS(v uint32) func(*rand.Rand) isnGen {
	return func(*rand.Rand) isnGen { return constantISS(v) }
}

func (c constantISS) next(time.Time) uint32 { return uint32(c) }

// clockISS is a clock: base plus one per millisecond since the stack
// first answered ("time dependent": a small fixed amount per time period).
// Two connections in the same millisecond get the same number.
type clockISS struct {
	base    uint32
	start   time.Time
	started bool
}

func newClockISS(r *rand.Rand) isnGen { return &clockISS{base: r.Uint32()} }

func (c *clockISS) next(now time.Time) uint32 {
	if !c.started {
		c.start, c.started = now, true
	}
	return c.base + uint32(max(now.Sub(c.start), 0)/time.Millisecond)
}

// randomISS adds a random positive increment of at most max per
// connection (class RI: nmap's sequence index is far above 75).
type randomISS struct {
	iss, max uint32
	r        *rand.Rand
}

func newRandomISS(max uint32) func(*rand.Rand) isnGen {
	return func(r *rand.Rand) isnGen { return &randomISS{iss: r.Uint32(), max: max, r: r} }
}

func (g *randomISS) next(time.Time) uint32 {
	g.iss += 1 + g.r.Uint32N(g.max)
	return g.iss
}

// trulyRandomISS draws every ISN afresh (class TR: gaps above 50,000,000
// are the rule).
type trulyRandomISS struct{ r *rand.Rand }

func newTrulyRandomISS(r *rand.Rand) isnGen { return trulyRandomISS{r} }

func (t trulyRandomISS) next(time.Time) uint32 { return t.r.Uint32() }
