package wire

import "encoding/binary"

// AppendUDP appends one IPv4+UDP packet to dst.
func AppendUDP(dst []byte, h *IPHeader, sport, dport uint16, payload []byte) []byte {
	total := 28 + len(payload)
	start := len(dst)
	dst = grow(dst, total)
	b := dst[start:]
	h.Proto = ProtoUDP
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
