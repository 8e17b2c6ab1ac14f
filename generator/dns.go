package generator

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"net/netip"
	"strings"
	"time"
)

// ErrNotDNSQuery is returned by DNSAnswer for payloads it does not answer.
var ErrNotDNSQuery = errors.New("not a DNS query")

// DNSQuery builds a standard query (recursion desired) for name's A
// record with the given ID.
func DNSQuery(id uint16, name string) []byte {
	b := make([]byte, 12, 12+len(name)+6)
	binary.BigEndian.PutUint16(b[0:], id)
	b[2] = 0x01                          // RD
	binary.BigEndian.PutUint16(b[4:], 1) // QDCOUNT
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		b = append(b, byte(len(label)))
		b = append(b, label...)
	}
	b = append(b, 0, 0, 1, 0, 1) // root, QTYPE A, QCLASS IN
	return b
}

// DNSAnswer answers a standard query for one A record with addr, as the
// lab's DNS servers do for every name (the lab has no other zone).
func DNSAnswer(query []byte, addr netip.Addr) ([]byte, error) {
	if len(query) < 12 || query[2]&0x80 != 0 || binary.BigEndian.Uint16(query[4:]) != 1 {
		return nil, ErrNotDNSQuery
	}
	end := 12
	for end < len(query) && query[end] != 0 {
		end += int(query[end]) + 1
	}
	end += 5 // root, QTYPE, QCLASS
	if end > len(query) {
		return nil, ErrNotDNSQuery
	}
	r := append([]byte(nil), query[:end]...)
	r[2] |= 0x80 | 0x04                  // QR, AA
	r[3] = 0x80                          // RA
	binary.BigEndian.PutUint16(r[6:], 1) // ANCOUNT
	binary.BigEndian.PutUint16(r[8:], 0)
	binary.BigEndian.PutUint16(r[10:], 0)
	a := addr.As4()
	r = append(r, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, a[0], a[1], a[2], a[3]) // name ptr, A, IN, TTL 3600
	return r, nil
}

// DNSQueries is an Actor for ordinary name lookups: Count queries for A
// records to dst's port 53, Every apart, each from a new ephemeral port
// with a random ID, waiting for the answer. Detectors must not call a
// few lookups a UDP scan.
type DNSQueries struct {
	host     Host
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
func NewDNSQueries(h Host, dst netip.Addr, count int, every time.Duration, seed uint64) *DNSQueries {
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
	q := DNSQuery(id, names[d.sent%len(names)]+".siglab.lab")
	h := IPHeader{ID: uint16(d.rnd.Uint32()), TTL: 64, Frag: ipDF, Src: d.host.Addr(), Dst: d.dst}
	d.buf = AppendUDP(d.buf[:0], &h, uint16(32768+d.rnd.IntN(28232)), 53, q)
	_ = d.host.SendAs(d.buf, "benign DNS query")
	d.pending[id] = now
	d.sent++
	d.nextAt = now.Add(d.every)
	return d.nextAt, false
}

// Receive implements Actor.
func (d *DNSQueries) Receive(now time.Time, p Packet) time.Time {
	if p.Proto() != protoUDP || p.Src() != d.dst || p.SPort() != 53 || len(p.L4()) < 8+12 {
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
