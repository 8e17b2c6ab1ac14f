package wire

import "encoding/binary"

// AppendICMP appends one IPv4+ICMP packet whose ICMP message (type, code,
// then rest-of-header and data as body) gets a correct checksum.
func AppendICMP(dst []byte, h *IPHeader, typ, code uint8, body []byte) []byte {
	total := 24 + len(body)
	start := len(dst)
	dst = grow(dst, total)
	b := dst[start:]
	h.Proto = ProtoICMP
	putIPv4(b, h, total)
	m := b[20:]
	m[0], m[1], m[2], m[3] = typ, code, 0, 0
	copy(m[4:], body)
	binary.BigEndian.PutUint16(m[2:], ^fold(sum(m, 0)))
	return dst
}
