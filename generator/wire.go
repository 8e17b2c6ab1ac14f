package generator

import (
	"encoding/binary"
	"net/netip"
)

// TCP flag bits as they sit in the 13th byte of the TCP header. Bogus is
// the reserved bit nmap 2.0x sets on OS-detection probe T1.
const (
	FlagFIN   = 0x01
	FlagSYN   = 0x02
	FlagRST   = 0x04
	FlagPSH   = 0x08
	FlagACK   = 0x10
	FlagURG   = 0x20
	FlagBogus = 0x40
)

// IP protocol numbers.
const (
	protoICMP = 1
	protoTCP  = 6
	protoUDP  = 17
)

// ipDF and ipMF are the Don't-Fragment and More-Fragments bits of the
// IPv4 flags/offset field.
const (
	ipDF = 0x4000
	ipMF = 0x2000
)

// IPHeader holds the IPv4 fields a probe sets; the rest (version, IHL 5,
// lengths, checksum) follow from them.
type IPHeader struct {
	TOS   uint8
	ID    uint16
	Frag  uint16 // flags and fragment offset, e.g. ipDF
	TTL   uint8
	Src   netip.Addr
	Dst   netip.Addr
	Proto uint8
}

// TCPSegment holds a TCP header's fields, its options (already padded to a
// multiple of four) and its payload.
type TCPSegment struct {
	SPort, DPort uint16
	Seq, Ack     uint32
	Flags        uint8
	Window       uint16
	Urgent       uint16
	Options      []byte
	Payload      []byte
}

// putIPv4 writes a 20-byte IPv4 header with a correct checksum.
func putIPv4(b []byte, h *IPHeader, total int) {
	b[0] = 0x45
	b[1] = h.TOS
	binary.BigEndian.PutUint16(b[2:], uint16(total))
	binary.BigEndian.PutUint16(b[4:], h.ID)
	binary.BigEndian.PutUint16(b[6:], h.Frag)
	b[8] = h.TTL
	b[9] = h.Proto
	b[10], b[11] = 0, 0
	s, d := h.Src.As4(), h.Dst.As4()
	copy(b[12:16], s[:])
	copy(b[16:20], d[:])
	binary.BigEndian.PutUint16(b[10:], ^fold(sum(b[:20], 0)))
}

// AppendTCP appends one IPv4+TCP packet to dst and returns it; with a
// dst of sufficient capacity it does not allocate.
func AppendTCP(dst []byte, h *IPHeader, t *TCPSegment) []byte {
	tl := 20 + len(t.Options)
	total := 20 + tl + len(t.Payload)
	start := len(dst)
	dst = grow(dst, total)
	b := dst[start:]
	h.Proto = protoTCP
	putIPv4(b, h, total)
	p := b[20:]
	binary.BigEndian.PutUint16(p[0:], t.SPort)
	binary.BigEndian.PutUint16(p[2:], t.DPort)
	binary.BigEndian.PutUint32(p[4:], t.Seq)
	binary.BigEndian.PutUint32(p[8:], t.Ack)
	p[12] = uint8(tl/4) << 4
	p[13] = t.Flags
	binary.BigEndian.PutUint16(p[14:], t.Window)
	p[16], p[17] = 0, 0
	binary.BigEndian.PutUint16(p[18:], t.Urgent)
	copy(p[20:], t.Options)
	copy(p[tl:], t.Payload)
	binary.BigEndian.PutUint16(p[16:], transportChecksum(h, p[:tl+len(t.Payload)]))
	return dst
}

// AppendUDP appends one IPv4+UDP packet to dst.
func AppendUDP(dst []byte, h *IPHeader, sport, dport uint16, payload []byte) []byte {
	total := 28 + len(payload)
	start := len(dst)
	dst = grow(dst, total)
	b := dst[start:]
	h.Proto = protoUDP
	putIPv4(b, h, total)
	u := b[20:]
	binary.BigEndian.PutUint16(u[0:], sport)
	binary.BigEndian.PutUint16(u[2:], dport)
	binary.BigEndian.PutUint16(u[4:], uint16(8+len(payload)))
	u[6], u[7] = 0, 0
	copy(u[8:], payload)
	c := transportChecksum(h, u)
	if c == 0 {
		c = 0xffff // RFC 768: a computed zero is sent as all ones
	}
	binary.BigEndian.PutUint16(u[6:], c)
	return dst
}

// AppendICMP appends one IPv4+ICMP packet whose ICMP message (type, code,
// then rest-of-header and data as body) gets a correct checksum.
func AppendICMP(dst []byte, h *IPHeader, typ, code uint8, body []byte) []byte {
	total := 24 + len(body)
	start := len(dst)
	dst = grow(dst, total)
	b := dst[start:]
	h.Proto = protoICMP
	putIPv4(b, h, total)
	m := b[20:]
	m[0], m[1], m[2], m[3] = typ, code, 0, 0
	copy(m[4:], body)
	binary.BigEndian.PutUint16(m[2:], ^fold(sum(m, 0)))
	return dst
}

// appendIPv4Raw appends an IPv4 header (h.Proto as given) and payload as
// they are: no transport checksum is touched, which is what a fragment
// needs.
func appendIPv4Raw(dst []byte, h *IPHeader, payload []byte) []byte {
	total := 20 + len(payload)
	start := len(dst)
	dst = grow(dst, total)
	putIPv4(dst[start:], h, total)
	copy(dst[start+20:], payload)
	return dst
}

// grow extends b by n bytes, reallocating when it must. A nil or empty
// b gets exactly n: that is a stack's fresh reply, which nobody appends
// to (64 spare bytes made a 40-byte RST take a 112-byte allocation); a
// buffer being appended to gets room to spare.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		spare := 64
		if len(b) == 0 {
			spare = 0
		}
		nb := make([]byte, len(b), len(b)+n+spare)
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}

// transportChecksum is the TCP/UDP checksum over the pseudo-header and seg.
func transportChecksum(h *IPHeader, seg []byte) uint16 {
	acc := words4(h.Src.As4()) + words4(h.Dst.As4()) + uint32(h.Proto) + uint32(len(seg))
	return ^fold(sum(seg, acc))
}

// words4 is the sum of an address's two 16-bit words, without sum's loop.
func words4(a [4]byte) uint32 {
	return (uint32(a[0])<<8 | uint32(a[1])) + (uint32(a[2])<<8 | uint32(a[3]))
}

// sum adds b's big-endian 16-bit words (an odd last byte padded with
// zero) to acc, one's-complement style, and returns it folded to at most
// 0xFFFF: the same checksum as the plain word-by-word sum, read eight
// bytes at a time, which is sound because 2^16 ≡ 1 modulo 0xFFFF (and a
// non-zero sum never folds to zero). Every packet sent or answered is
// summed at least twice, so this is on the per-packet path.
func sum(b []byte, acc uint32) uint32 {
	a := uint64(acc)
	for len(b) >= 8 {
		w := binary.BigEndian.Uint64(b)
		a += w>>32 + w&0xffffffff
		b = b[8:]
	}
	for len(b) >= 2 {
		a += uint64(b[0])<<8 | uint64(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		a += uint64(b[0]) << 8
	}
	for a > 0xffff {
		a = a>>16 + a&0xffff
	}
	return uint32(a)
}

func fold(acc uint32) uint16 {
	for acc > 0xffff {
		acc = acc>>16 + acc&0xffff
	}
	return uint16(acc)
}

// Packet is a read-only view of an IPv4 packet the engine received, with
// the fields the scan engines and the scanner's kernel look at. Views are
// cheap to make and do not copy.
type Packet []byte

// ParsePacket returns a view of b if b is a whole IPv4 packet with at
// least its transport header (TCP 20, UDP 8, ICMP 8 bytes).
func ParsePacket(b []byte) (Packet, bool) {
	if len(b) < 20 || b[0]>>4 != 4 {
		return nil, false
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:]))
	if ihl < 20 || total < ihl || total > len(b) {
		return nil, false
	}
	need := 8
	if b[9] == protoTCP {
		need = 20
	}
	if binary.BigEndian.Uint16(b[6:])&0x1fff != 0 || total-ihl < need {
		return nil, false // fragments past the first carry no header
	}
	return Packet(b[:total]), true
}

func (p Packet) ihl() int              { return int(p[0]&0x0f) * 4 }
func (p Packet) Proto() uint8          { return p[9] }
func (p Packet) TTL() uint8            { return p[8] }
func (p Packet) ID() uint16            { return binary.BigEndian.Uint16(p[4:]) }
func (p Packet) Src() netip.Addr       { return netip.AddrFrom4([4]byte(p[12:16])) }
func (p Packet) Dst() netip.Addr       { return netip.AddrFrom4([4]byte(p[16:20])) }
func (p Packet) L4() []byte            { return p[p.ihl():] }
func (p Packet) SPort() uint16         { return binary.BigEndian.Uint16(p.L4()[0:]) }
func (p Packet) DPort() uint16         { return binary.BigEndian.Uint16(p.L4()[2:]) }
func (p Packet) Seq() uint32           { return binary.BigEndian.Uint32(p.L4()[4:]) }
func (p Packet) Ack() uint32           { return binary.BigEndian.Uint32(p.L4()[8:]) }
func (p Packet) TCPFlags() uint8       { return p.L4()[13] }
func (p Packet) Window() uint16        { return binary.BigEndian.Uint16(p.L4()[14:]) }
func (p Packet) ICMPType() uint8       { return p.L4()[0] }
func (p Packet) ICMPCode() uint8       { return p.L4()[1] }
func (p Packet) tcpHeaderLen() int     { return int(p.L4()[12]>>4) * 4 }
func (p Packet) TCPOptions() []byte    { return p.L4()[20:min(p.tcpHeaderLen(), len(p.L4()))] }
func (p Packet) TCPPayload() []byte    { return p.L4()[min(p.tcpHeaderLen(), len(p.L4())):] }
func (p Packet) IsTCP() bool           { return p.Proto() == protoTCP }
func (p Packet) HasFlags(f uint8) bool { return p.TCPFlags()&f == f }

// Quoted returns the IPv4 packet an ICMP error message quotes (its header
// and at least 8 bytes), if p is one.
func (p Packet) Quoted() (Packet, bool) {
	if p.Proto() != protoICMP || len(p.L4()) < 8+20+8 {
		return nil, false
	}
	q := []byte(p.L4()[8:])
	if q[0]>>4 != 4 {
		return nil, false
	}
	ihl := int(q[0]&0x0f) * 4
	if ihl < 20 || len(q) < ihl+8 {
		return nil, false
	}
	return Packet(q), true
}
