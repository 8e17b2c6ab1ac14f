package wire

import "encoding/binary"

// TCP flag bits as they sit in the 13th byte of the TCP header. Bogus is
// the reserved bit nmap 2.0x sets on OS-detection probe T1; RFC 3168
// later named it ECE, and the bit above it CWR.
const (
	FlagFIN   = 0x01
	FlagSYN   = 0x02
	FlagRST   = 0x04
	FlagPSH   = 0x08
	FlagACK   = 0x10
	FlagURG   = 0x20
	FlagBogus = 0x40
	FlagECE   = FlagBogus
	FlagCWR   = 0x80
)

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

// AppendTCP appends one IPv4+TCP packet to dst and returns it; with a
// dst of sufficient capacity it does not allocate.
func AppendTCP(dst []byte, h *IPHeader, t *TCPSegment) []byte {
	tl := 20 + len(t.Options)
	total := 20 + tl + len(t.Payload)
	start := len(dst)
	dst = grow(dst, total)
	b := dst[start:]
	h.Proto = ProtoTCP
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
