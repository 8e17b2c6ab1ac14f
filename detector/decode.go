package detector

import "encoding/binary"

// TCP flag bits as they sit in byte 13 of the TCP header.
const (
	flagFIN = 0x01
	flagSYN = 0x02
	flagRST = 0x04
	flagACK = 0x10
)

const protoTCP = 6

// packet is the part of one IPv4 packet the detector looks at. It lives on
// Packet's stack and holds nothing from the caller's slice.
type packet struct {
	ts       int64 // capture time, Unix nanoseconds
	src, dst [4]byte
	ipLen    uint16 // IP total length as sent, not as captured
	ttl      uint8
	proto    uint8

	// TCP fields, valid when proto is protoTCP.
	sport, dport uint16
	seq, ack     uint32
	window       uint16
	flags        uint8
	optLen       uint8 // bytes of TCP options
}

// decodeIPv4 fills p's IP fields from ip and returns the transport bytes
// present in the capture. ok is false for anything that is not a whole,
// unfragmented IPv4 header: such packets are passed over.
func decodeIPv4(ip []byte, p *packet) (l4 []byte, ok bool) {
	if len(ip) < 20 || ip[0]>>4 != 4 {
		return nil, false
	}
	ihl := int(ip[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(ip[2:]))
	if ihl < 20 || total < ihl || len(ip) < ihl {
		return nil, false
	}
	// MF set or a non-zero offset: a fragment, whose transport header is
	// partial or absent. Fragment reassembly is a later technique's job.
	if binary.BigEndian.Uint16(ip[6:])&0x3fff != 0 {
		return nil, false
	}
	p.ipLen = uint16(total)
	p.ttl = ip[8]
	p.proto = ip[9]
	p.src = [4]byte(ip[12:16])
	p.dst = [4]byte(ip[16:20])
	// A capture may cut the payload (snaplen) or pad the frame (Ethernet
	// minimum); the IP total length says what was sent.
	end := min(total, len(ip))
	return ip[ihl:end], true
}

// decodeTCP fills p's TCP fields from seg. ok is false when the header,
// options included, is not all there or claims an impossible length.
func decodeTCP(seg []byte, p *packet) bool {
	if len(seg) < 20 {
		return false
	}
	off := int(seg[12]>>4) * 4
	if off < 20 || off > len(seg) {
		return false
	}
	p.sport = binary.BigEndian.Uint16(seg[0:])
	p.dport = binary.BigEndian.Uint16(seg[2:])
	p.seq = binary.BigEndian.Uint32(seg[4:])
	p.ack = binary.BigEndian.Uint32(seg[8:])
	p.flags = seg[13]
	p.window = binary.BigEndian.Uint16(seg[14:])
	p.optLen = uint8(off - 20)
	return true
}

// isBareSYN is a connection opener: SYN without ACK, RST or FIN. The
// reserved bits (ECN, or nmap 1998's "bogus" 0x40) do not matter here.
func isBareSYN(flags uint8) bool {
	return flags&(flagSYN|flagACK|flagRST|flagFIN) == flagSYN
}
