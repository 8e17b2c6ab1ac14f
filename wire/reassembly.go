package wire

import (
	"encoding/binary"
	"net/netip"
	"time"
)

// Bounds of a Reassembler's queue: how long a datagram's pieces wait for
// the rest (RFC 791 suggests 15 s; Linux waits 30 s) and how many
// datagrams may be in pieces at once.
const (
	fragTimeout = 30 * time.Second
	maxPending  = 64
)

// IsFragment reports whether p is a piece of a larger datagram: MF set,
// or a non-zero fragment offset.
func IsFragment(p []byte) bool {
	return len(p) >= 20 && binary.BigEndian.Uint16(p[6:])&(FlagMF|OffsetMask) != 0
}

// WellFormedIPv4 checks what reassembly reads: version, header length and
// total length.
func WellFormedIPv4(p []byte) bool {
	if len(p) < 20 || p[0]>>4 != 4 {
		return false
	}
	ihl, total := int(p[0]&0x0f)*4, int(binary.BigEndian.Uint16(p[2:]))
	return ihl >= 20 && total >= ihl && total <= len(p)
}

// fragKey identifies a datagram by RFC 791's tuple.
type fragKey struct {
	src, dst netip.Addr
	id       uint16
	proto    uint8
}

// pending is one datagram being put back together.
type pending struct {
	first  time.Time
	header []byte // the offset-0 piece's IP header, once it came
	data   []byte // the payload as far as it is known
	have   []span // received payload ranges
	total  int    // payload length, known once the last piece came; -1 before
}

type span struct{ from, to int }

// Reassembler puts fragmented IPv4 datagrams back together, for the
// targets that answer a datagram only once it is whole: the simulated
// network's hosts and the live lab's emulated stacks (a TUN hands them
// the pieces as the wire carried them). Overlaps are resolved by the
// later piece, which is enough for nmap's -f (it never overlaps); the
// emulated stacks of 1998 differed there, and this does not model it.
// The zero value is ready; one goroutine uses it at a time.
type Reassembler struct {
	pending map[fragKey]*pending
}

// Add takes one fragment (IsFragment and WellFormedIPv4 hold for it) at
// time now and returns the whole datagram when this was its last missing
// piece, else nil. It copies what it keeps: p may be reused.
func (r *Reassembler) Add(now time.Time, p []byte) []byte {
	if r.pending == nil {
		r.pending = map[fragKey]*pending{}
	}
	r.expire(now)
	ihl, total := int(p[0]&0x0f)*4, int(binary.BigEndian.Uint16(p[2:]))
	frag := binary.BigEndian.Uint16(p[6:])
	off, payload := int(frag&OffsetMask)*8, p[ihl:total]
	end := off + len(payload)
	if end > 65535-ihl {
		return nil // would not fit in a datagram: dropped, as a kernel does
	}
	k := fragKey{netip.AddrFrom4([4]byte(p[12:16])), netip.AddrFrom4([4]byte(p[16:20])), binary.BigEndian.Uint16(p[4:]), p[9]}
	d := r.pending[k]
	if d == nil {
		if len(r.pending) >= maxPending {
			return nil
		}
		d = &pending{first: now, total: -1}
		r.pending[k] = d
	}
	if off == 0 {
		d.header = append(d.header[:0], p[:ihl]...)
	}
	if frag&FlagMF == 0 {
		d.total = end
	}
	if len(d.data) < end {
		d.data = append(d.data, make([]byte, end-len(d.data))...)
	}
	copy(d.data[off:], payload)
	d.have = append(d.have, span{off, end})
	if !d.complete() {
		return nil
	}
	delete(r.pending, k)
	return d.datagram()
}

// complete reports whether the header, the end and every byte between
// have come.
func (d *pending) complete() bool {
	if d.header == nil || d.total < 0 {
		return false
	}
	covered := 0
	for progress := true; progress && covered < d.total; {
		progress = false
		for _, s := range d.have {
			if s.from <= covered && s.to > covered {
				covered, progress = s.to, true
			}
		}
	}
	return covered >= d.total
}

// datagram is the reassembled packet: the first piece's header with the
// fragment fields cleared (DF kept), the full length and a new checksum.
func (d *pending) datagram() []byte {
	ihl := len(d.header)
	b := append(append(make([]byte, 0, ihl+d.total), d.header...), d.data[:d.total]...)
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	binary.BigEndian.PutUint16(b[6:], binary.BigEndian.Uint16(b[6:])&^(FlagMF|OffsetMask))
	b[10], b[11] = 0, 0
	var acc uint32
	for i := 0; i < ihl; i += 2 {
		acc += uint32(b[i])<<8 | uint32(b[i+1])
	}
	for acc > 0xffff {
		acc = acc>>16 + acc&0xffff
	}
	binary.BigEndian.PutUint16(b[10:], ^uint16(acc))
	return b
}

// expire drops datagrams whose pieces have waited too long.
func (r *Reassembler) expire(now time.Time) {
	for k, d := range r.pending {
		if now.Sub(d.first) > fragTimeout {
			delete(r.pending, k)
		}
	}
}
