package rulelab

import (
	"encoding/binary"

	"github.com/siglab/siglab/wire"
)

// pkt is one packet as the rules see it: the fields their options read,
// decoded once.
type pkt struct {
	num      int // capture position, from 1 (the last fragment's, reassembled)
	proto    uint8
	src, dst uint32
	ttl, tos uint8
	id       uint16
	fragbits uint8 // rules.MF, DF, Reserved
	fragoff  uint16
	// frag: one fragment of a datagram, evaluated for header options
	// only; reassembled: the datagram rebuilt from its fragments.
	frag, reassembled bool
	// l4ok: the transport header is whole (a fragment past the first,
	// or a first one cut inside it, has none a rule can read).
	l4ok         bool
	sport, dport uint16
	flags        uint8
	seq, ack     uint32
	win          uint16
	itype, icode uint8
	icmpID       uint16
	icmpSeq      uint16
	hasIcmpIDSeq bool
	payload      []byte // after the transport header (after IP for other protocols)
}

// decode fills p from an IPv4 packet (whole, a fragment, or a rebuilt
// datagram); false when b is not IPv4 with a sane header.
func (p *pkt) decode(b []byte) bool {
	if len(b) < 20 || b[0]>>4 != 4 {
		return false
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:]))
	if ihl < 20 || total < ihl || total > len(b) {
		return false
	}
	b = b[:total]
	ff := binary.BigEndian.Uint16(b[6:])
	*p = pkt{
		num:      p.num,
		proto:    b[9],
		src:      binary.BigEndian.Uint32(b[12:]),
		dst:      binary.BigEndian.Uint32(b[16:]),
		ttl:      b[8],
		tos:      b[1],
		id:       binary.BigEndian.Uint16(b[4:]),
		fragbits: uint8(ff >> 13),
		fragoff:  ff & wire.OffsetMask,
	}
	p.frag = p.fragbits&1 != 0 || p.fragoff != 0
	l4 := b[ihl:]
	p.payload = l4
	if p.frag {
		// As Suricata: a fragment is an IP packet to the rules (ip
		// rules, header options); the transport header is read from
		// the rebuilt datagram only.
		return true
	}
	switch p.proto {
	case wire.ProtoTCP:
		if len(l4) < 20 {
			return true
		}
		off := int(l4[12]>>4) * 4
		if off < 20 || off > len(l4) {
			return true
		}
		p.l4ok = true
		p.sport, p.dport = binary.BigEndian.Uint16(l4), binary.BigEndian.Uint16(l4[2:])
		p.seq, p.ack = binary.BigEndian.Uint32(l4[4:]), binary.BigEndian.Uint32(l4[8:])
		p.flags = l4[13]
		p.win = binary.BigEndian.Uint16(l4[14:])
		p.payload = l4[off:]
	case wire.ProtoUDP:
		if len(l4) < 8 {
			return true
		}
		p.l4ok = true
		p.sport, p.dport = binary.BigEndian.Uint16(l4), binary.BigEndian.Uint16(l4[2:])
		p.payload = l4[8:]
	case wire.ProtoICMP:
		if len(l4) < 4 {
			return true
		}
		p.l4ok = true
		p.itype, p.icode = l4[0], l4[1]
		p.payload = l4[4:]
		// Messages with an identifier and sequence (echo, timestamp,
		// information, address mask) carry them in the next four
		// bytes, which Snort and Suricata count as header, not data.
		if hasIDSeq(p.itype) && len(l4) >= 8 {
			p.hasIcmpIDSeq = true
			p.icmpID, p.icmpSeq = binary.BigEndian.Uint16(l4[4:]), binary.BigEndian.Uint16(l4[6:])
			p.payload = l4[8:]
		}
	}
	return true
}

// hasIDSeq: echo reply and request, timestamp and its reply,
// information request and reply, address mask request and reply.
func hasIDSeq(t uint8) bool {
	switch t {
	case 0, 8, 13, 14, 15, 16, 17, 18:
		return true
	}
	return false
}

// dsize is the payload length the dsize keyword reads.
func (p *pkt) dsize() int { return len(p.payload) }
