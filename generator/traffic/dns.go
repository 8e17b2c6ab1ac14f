package traffic

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/wire"
)

// DNSQueries is an Actor for ordinary name lookups: Count queries for A
// records to dst's port 53, Every apart, each from a new ephemeral port
// with a random ID, waiting for the answer. Detectors must not call a
// few lookups a UDP scan.
type DNSQueries struct {
	host     engine.Host
	rnd      *rand.Rand
	dst      netip.Addr
	count    int
	every    time.Duration
	sent     int
	nextAt   time.Time
	pending  map[uint16]time.Time // id -> sent
	buf      []byte
	Answered int
	Failures int
}

// dnsWait is how long a lookup waits for its answer.
const dnsWait = 2 * time.Second

// NewDNSQueries prepares count lookups of dst, every apart.
func NewDNSQueries(h engine.Host, dst netip.Addr, count int, every time.Duration, seed uint64) *DNSQueries {
	return &DNSQueries{host: h, rnd: rand.New(rand.NewPCG(seed, 53)), dst: dst, count: count, every: every, pending: map[uint16]time.Time{}}
}

// Wake implements Actor.
func (d *DNSQueries) Wake(now time.Time) (time.Time, bool) {
	for id, at := range d.pending {
		if now.Sub(at) >= dnsWait {
			delete(d.pending, id)
			d.Failures++
		}
	}
	if d.sent == d.count {
		if len(d.pending) == 0 {
			return time.Time{}, true
		}
		return now.Add(dnsWait), false
	}
	if !d.nextAt.IsZero() && now.Before(d.nextAt) {
		return d.nextAt, false
	}
	id := uint16(d.rnd.Uint32())
	names := [...]string{"www", "mail", "ftp", "ns1", "intranet"}
	q := wire.DNSQuery(id, names[d.sent%len(names)]+".siglab.lab")
	h := wire.IPHeader{ID: uint16(d.rnd.Uint32()), TTL: 64, Frag: wire.FlagDF, Src: d.host.Addr(), Dst: d.dst}
	d.buf = wire.AppendUDP(d.buf[:0], &h, uint16(32768+d.rnd.IntN(28232)), 53, q)
	_ = d.host.SendAs(d.buf, "benign DNS query")
	d.pending[id] = now
	d.sent++
	d.nextAt = now.Add(d.every)
	return d.nextAt, false
}

// Receive implements Actor.
func (d *DNSQueries) Receive(now time.Time, p wire.Packet) time.Time {
	if p.Proto() != wire.ProtoUDP || p.Src() != d.dst || p.SPort() != 53 || len(p.L4()) < 8+12 {
		return time.Time{}
	}
	id := binary.BigEndian.Uint16(p.L4()[8:])
	if _, ok := d.pending[id]; ok {
		delete(d.pending, id)
		d.Answered++
		if d.sent == d.count && len(d.pending) == 0 {
			return now
		}
	}
	return time.Time{}
}
