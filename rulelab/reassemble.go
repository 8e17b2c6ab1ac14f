package rulelab

import (
	"encoding/binary"
	"time"
)

// Fragment reassembly, as an IDS does before payload inspection: every
// fragment is evaluated on its own for the header options (what Snort's
// decoder and Suricata's hand every rule), and the datagram rebuilt from
// them is evaluated for all options, payload ones included.
//
// Overlaps: the byte that arrived first wins (Snort frag3's "first"
// policy, Windows' behaviour); engines configured with another policy may
// rebuild a differently overlapped datagram. Bounds: at most maxPending
// datagrams in progress (the oldest is dropped for a new one) and
// fragTimeout of silence, Linux's ipfrag_time.

const (
	maxPending  = 1024
	fragTimeout = 30 * time.Second
	maxDatagram = 65535
)

type fragKey struct {
	src, dst uint32
	id       uint16
	proto    uint8
}

type pending struct {
	last   time.Time
	header []byte // the offset-0 fragment's IP header
	data   []byte // transport bytes by offset
	have   []bool // which bytes of data arrived
	end    int    // total transport length, -1 until the last fragment
}

type reassembler struct {
	m     map[fragKey]*pending
	order []fragKey // arrival order, for dropping the oldest
	out   []byte
}

// add files one fragment (p decoded from b) and returns the rebuilt
// datagram once every byte is in (valid until the next add).
func (r *reassembler) add(t time.Time, p *pkt, b []byte) ([]byte, bool) {
	if r.m == nil {
		r.m = make(map[fragKey]*pending)
	}
	k := fragKey{p.src, p.dst, p.id, p.proto}
	d := r.m[k]
	if d != nil && t.Sub(d.last) > fragTimeout {
		delete(r.m, k)
		d = nil
	}
	if d == nil {
		if len(r.m) >= maxPending {
			r.dropOldest()
		}
		d = &pending{end: -1}
		r.m[k] = d
		r.order = append(r.order, k)
		if len(r.order) > 4*maxPending {
			r.compact()
		}
	}
	d.last = t
	// b may run past its IP total length (an Ethernet frame's padding):
	// those bytes are no part of the fragment.
	b = b[:binary.BigEndian.Uint16(b[2:])]
	ihl := int(b[0]&0x0f) * 4
	data := b[ihl:]
	off := int(p.fragoff) * 8
	if off+len(data) > maxDatagram {
		return nil, false
	}
	if p.fragoff == 0 {
		d.header = append(d.header[:0], b[:ihl]...)
	}
	if n := off + len(data); n > len(d.data) {
		d.data = append(d.data, make([]byte, n-len(d.data))...)
		d.have = append(d.have, make([]bool, n-len(d.have))...)
	}
	for i, c := range data {
		if !d.have[off+i] {
			d.data[off+i], d.have[off+i] = c, true
		}
	}
	if p.fragbits&1 == 0 {
		d.end = off + len(data)
	}
	if d.end < 0 || d.header == nil || len(d.data) < d.end {
		return nil, false
	}
	for _, h := range d.have[:d.end] {
		if !h {
			return nil, false
		}
	}
	delete(r.m, k)
	r.out = append(append(r.out[:0], d.header...), d.data[:d.end]...)
	binary.BigEndian.PutUint16(r.out[2:], uint16(len(r.out)))
	// The rebuilt datagram is one whole packet: no MF, offset 0; DF and
	// the reserved bit as the first fragment had them.
	ff := binary.BigEndian.Uint16(r.out[6:]) &^ 0x3fff
	binary.BigEndian.PutUint16(r.out[6:], ff)
	return r.out, true
}

func (r *reassembler) dropOldest() {
	for len(r.order) > 0 {
		k := r.order[0]
		r.order = r.order[1:]
		if _, ok := r.m[k]; ok {
			delete(r.m, k)
			return
		}
	}
}

// compact forgets the arrival order of datagrams already done.
func (r *reassembler) compact() {
	kept := r.order[:0]
	for _, k := range r.order {
		if _, ok := r.m[k]; ok {
			kept = append(kept, k)
		}
	}
	r.order = kept
}
