package scanlogd

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"time"
)

// datagram is what the kernel hands a raw socket: a whole IPv4 datagram
// at the moment its last missing piece arrived.
type datagram struct {
	t  time.Time
	ip []byte
}

// fragTimeout is Linux's ipfrag_time default: a datagram not complete
// 30 s after its first fragment is dropped.
const fragTimeout = 30 * time.Second

// fragKey is what Linux matches fragments by.
type fragKey struct {
	src, dst [4]byte
	id       uint16
	proto    uint8
}

type fragment struct {
	off, end int // payload bytes [off, end)
	data     []byte
}

type fragQueue struct {
	first    time.Time
	frags    []fragment
	header   []byte // the offset-0 fragment's header
	totalEnd int    // end of the fragment without MF, -1 until seen
}

// reassemble turns fragments into datagrams as Linux does before raw
// delivery (net/ipv4/ip_fragment.c): a fragment wholly inside one already
// queued is a duplicate and dropped; one that overlaps another partly,
// or a second last fragment that disagrees, kills its datagram (Linux
// 4.19 on); a datagram not complete within 30 s is dropped. Unfragmented
// packets pass as they are. Each dropped fragment is counted in m.
func reassemble(pkts []Packet, m *Model) []datagram {
	var out []datagram
	queues := map[fragKey]*fragQueue{}
	drop := func(k fragKey, q *fragQueue, why string) {
		for range q.frags {
			m.ignore(netip.AddrFrom4(k.src), why)
		}
		delete(queues, k)
	}
	for _, p := range pkts {
		ip := p.Data
		ihl := int(ip[0]&0x0f) * 4
		fo := binary.BigEndian.Uint16(ip[6:])
		off, mf := int(fo&0x1fff)*8, fo&0x2000 != 0
		if off == 0 && !mf {
			out = append(out, datagram{t: p.Time, ip: ip})
			continue
		}
		k := fragKey{src: [4]byte(ip[12:16]), dst: [4]byte(ip[16:20]), id: binary.BigEndian.Uint16(ip[4:]), proto: ip[9]}
		src := netip.AddrFrom4(k.src)
		q := queues[k]
		if q != nil && p.Time.Sub(q.first) > fragTimeout {
			drop(k, q, IgnoredIncomplete)
			q = nil
		}
		if q == nil {
			q = &fragQueue{first: p.Time, totalEnd: -1}
			queues[k] = q
		}
		f := fragment{off: off, end: off + len(ip) - ihl, data: ip[ihl:]}
		if !mf {
			if (q.totalEnd >= 0 && q.totalEnd != f.end) || q.maxEnd() > f.end {
				m.ignore(src, IgnoredOverlap)
				drop(k, q, IgnoredOverlap)
				continue
			}
			q.totalEnd = f.end
		} else if q.totalEnd >= 0 && f.end > q.totalEnd {
			m.ignore(src, IgnoredOverlap)
			drop(k, q, IgnoredOverlap)
			continue
		}
		switch q.place(f) {
		case placeDup:
			m.ignore(src, IgnoredFragment)
			continue
		case placeOverlap:
			m.ignore(src, IgnoredOverlap)
			drop(k, q, IgnoredOverlap)
			continue
		}
		if off == 0 {
			q.header = ip[:ihl]
		}
		if whole, ok := q.complete(); ok {
			for range len(q.frags) - 1 {
				m.ignore(src, IgnoredFragment) // n fragments made one datagram
			}
			delete(queues, k)
			out = append(out, datagram{t: p.Time, ip: whole})
		}
	}
	for k, q := range queues {
		drop(k, q, IgnoredIncomplete)
	}
	return out
}

const (
	placeOK = iota
	placeDup
	placeOverlap
)

// place queues f in offset order, or says it is a duplicate (inside one
// fragment already queued) or overlaps one partly.
func (q *fragQueue) place(f fragment) int {
	for _, g := range q.frags {
		if f.end <= g.off || f.off >= g.end {
			continue
		}
		if f.off >= g.off && f.end <= g.end {
			return placeDup
		}
		return placeOverlap
	}
	i, _ := slices.BinarySearchFunc(q.frags, f.off, func(g fragment, off int) int { return g.off - off })
	q.frags = slices.Insert(q.frags, i, f)
	return placeOK
}

func (q *fragQueue) maxEnd() int {
	e := 0
	for _, g := range q.frags {
		e = max(e, g.end)
	}
	return e
}

// complete returns the datagram once the fragments cover [0, end of the
// last fragment) without a hole: the first fragment's header with the
// fragment field cleared and the total length set, as the kernel builds it.
func (q *fragQueue) complete() ([]byte, bool) {
	if q.totalEnd < 0 || q.header == nil {
		return nil, false
	}
	at := 0
	for _, g := range q.frags {
		if g.off != at {
			return nil, false
		}
		at = g.end
	}
	if at != q.totalEnd {
		return nil, false
	}
	ip := append([]byte(nil), q.header...)
	for _, g := range q.frags {
		ip = append(ip, g.data...)
	}
	binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)))
	binary.BigEndian.PutUint16(ip[6:], 0)
	return ip, true
}
