package wire

import (
	"encoding/binary"
	"net/netip"
)

// IP protocol numbers.
const (
	ProtoICMP = 1
	ProtoTCP  = 6
	ProtoUDP  = 17
)

// Bits of the IPv4 flags/fragment-offset field: Don't Fragment, More
// Fragments, and the offset (in 8-byte units) below them.
const (
	FlagDF     = 0x4000
	FlagMF     = 0x2000
	OffsetMask = 0x1fff
)

// IPHeader holds the IPv4 fields a sender sets; the rest (version, IHL 5,
// lengths, checksum) follow from them.
type IPHeader struct {
	TOS   uint8
	ID    uint16
	Frag  uint16 // flags and fragment offset, e.g. FlagDF
	TTL   uint8
	Src   netip.Addr
	Dst   netip.Addr
	Proto uint8
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

// AppendIPv4 appends an IPv4 header (h.Proto as given) and payload as
// they are: no transport checksum is touched, which is what a fragment
// needs.
func AppendIPv4(dst []byte, h *IPHeader, payload []byte) []byte {
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
