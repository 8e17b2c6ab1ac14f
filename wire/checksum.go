package wire

import "encoding/binary"

// Checksum is the Internet checksum (RFC 1071) of b: zero over a header
// or message whose checksum field is right.
func Checksum(b []byte) uint16 { return ^fold(sum(b, 0)) }

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
