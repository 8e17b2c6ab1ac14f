package psad

import (
	"encoding/binary"
	"time"
)

// fragTimeout is Linux's net.ipv4.ipfrag_time default: a datagram not
// whole 30 s after its first fragment is dropped.
const fragTimeout = 30 * time.Second

// reassembler puts fragments together as the target's kernel does before
// the INPUT hook (ip_defrag from ip_local_deliver), so a logging rule
// there sees whole datagrams: one line per datagram, with no MF and no
// FRAG: field.
type reassembler struct {
	queues map[fragKey]*fragQueue
}

// fragKey is what Linux keys a fragment queue on (ip4_frag_match).
type fragKey struct {
	src, dst [4]byte
	id       uint16
	proto    uint8
}

type fragQueue struct {
	first time.Time
	parts []fragPart
	end   int  // the datagram's payload length, once the last part came
	allDF bool // every fragment carried DF: the whole datagram keeps it
	head  []byte
}

type fragPart struct {
	off, end int
	b        []byte
}

func newReassembler() *reassembler { return &reassembler{queues: map[fragKey]*fragQueue{}} }

// add takes one fragment (a whole IPv4 packet with MF or an offset) and
// returns the datagram when this fragment completes it.
func (r *reassembler) add(t time.Time, pkt []byte) ([]byte, bool) {
	k := fragKey{src: [4]byte(pkt[12:16]), dst: [4]byte(pkt[16:20]), id: binary.BigEndian.Uint16(pkt[4:]), proto: pkt[9]}
	q := r.queues[k]
	if q != nil && t.Sub(q.first) > fragTimeout {
		delete(r.queues, k)
		q = nil
	}
	if q == nil {
		q = &fragQueue{first: t, end: -1, allDF: true}
		r.queues[k] = q
	}
	ihl := int(pkt[0]&0x0f) * 4
	frag := binary.BigEndian.Uint16(pkt[6:])
	off := int(frag&offMask) * 8
	end := off + len(pkt) - ihl
	last := frag&flagMF == 0
	if last {
		if q.end >= 0 && q.end != end || end < q.maxEnd() {
			delete(r.queues, k) // a second, different end: corrupt
			return nil, false
		}
		q.end = end
	} else if end%8 != 0 || q.end >= 0 && end > q.end {
		delete(r.queues, k)
		return nil, false
	}
	for _, p := range q.parts {
		if p.off == off && p.end == end {
			return nil, false // an exact duplicate is dropped alone
		}
		if off < p.end && p.off < end {
			delete(r.queues, k) // overlaps discard the whole queue (RFC 5722's rule, Linux since 4.19)
			return nil, false
		}
	}
	q.parts = append(q.parts, fragPart{off, end, pkt[ihl:]})
	q.allDF = q.allDF && frag&flagDF != 0
	if off == 0 {
		q.head = pkt
	}
	if q.end < 0 || q.head == nil || q.covered() != q.end {
		return nil, false
	}
	delete(r.queues, k)
	return q.assemble(), true
}

// maxEnd is the furthest byte any part reached.
func (q *fragQueue) maxEnd() int {
	m := 0
	for _, p := range q.parts {
		m = max(m, p.end)
	}
	return m
}

// covered is how far the parts reach from offset 0 without a gap.
func (q *fragQueue) covered() int {
	reach := 0
	for moved := true; moved; {
		moved = false
		for _, p := range q.parts {
			if p.off <= reach && p.end > reach {
				reach, moved = p.end, true
			}
		}
	}
	return reach
}

// assemble is ip_frag_reasm: the head fragment's header (its options and
// TTL, the ID) over the joined payload, total length set, offset and MF
// cleared, DF kept only when every fragment had it.
func (q *fragQueue) assemble() []byte {
	ihl := int(q.head[0]&0x0f) * 4
	out := make([]byte, ihl+q.end)
	copy(out, q.head[:ihl])
	for _, p := range q.parts {
		copy(out[ihl+p.off:], p.b)
	}
	binary.BigEndian.PutUint16(out[2:], uint16(len(out)))
	var frag uint16
	if q.allDF {
		frag = flagDF
	}
	binary.BigEndian.PutUint16(out[6:], frag)
	out[10], out[11] = 0, 0
	binary.BigEndian.PutUint16(out[10:], checksum(out[:ihl]))
	return out
}
