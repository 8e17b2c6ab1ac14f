package detector

import (
	"encoding/binary"

	"github.com/siglab/siglab/wire"
)

// ICMP types the detector reads.
const (
	icmpEchoReply   = 0
	icmpUnreachable = 3
	icmpEcho        = 8
	icmpTimestamp   = 13
)

// packet is the part of one IPv4 or IPv6 packet the detector looks at
// (decode6.go says how IPv6's fields fill it). It lives on
// Packet's stack; payload points into the caller's buffer (or the fragment
// table) only while Packet runs and is never stored.
type packet struct {
	ts       int64 // capture time, Unix nanoseconds
	src, dst ipAddr
	ipLen    uint16 // IP total length as sent, not as captured
	ipID     uint16
	ttl      uint8
	tos      uint8
	df       bool
	proto    uint8

	// Ports: TCP and UDP; for ICMP echo and timestamp, sport holds the
	// identifier and seq the sequence number.
	sport, dport uint16
	seq, ack     uint32
	window       uint16
	urg          uint16
	flags        uint8 // TCP flags; the ICMP code for ICMP
	optLen       uint8 // bytes of TCP options
	opts         options
	icmpType     uint8

	// payLen is the transport payload length as sent; payload is the part
	// of it present in the capture.
	payLen  int
	payload []byte

	// quote is the datagram an ICMP error quotes.
	quote quoted

	// frag describes the fragments the packet was rebuilt from, if any.
	frag fragInfo

	// fragID is an IPv6 packet's Fragment-header identification, when
	// it has a Fragment header (hasFragID; atomic fragments included):
	// the counter nmap -6 -sI reads off a zombie (idle.go).
	fragID    uint32
	hasFragID bool
}

// quoted is the header of the packet an ICMP error refers to. hdr says
// its IP header was whole (proto, src and dst are set); ok that its
// ports were there too.
type quoted struct {
	proto        uint8
	src, dst     ipAddr
	sport, dport uint16
	ok, hdr      bool
}

// ipHeader is what decodeIPv4 and decodeIPv6 learn from the IP header
// alone: where the transport header starts (ihl; for IPv6 past the
// extension headers), the length as sent, and the fragment fields (id
// is IPv6's 32-bit identification, IPv4's 16-bit one). extra is the
// IPv6 extension headers' length that a rebuilt packet keeps (the
// fragment header's excluded), 0 for IPv4.
type ipHeader struct {
	ihl    int
	total  int
	id     uint32
	mf     bool
	offset int // fragment offset in bytes
	extra  int
}

func (h ipHeader) fragment() bool { return h.mf || h.offset != 0 }

// decodeIPv4 fills p's IP fields and h from ip and returns the transport
// bytes present in the capture (h by pointer: returning it by value cost
// a copy on every packet). ok is false for anything that is not a whole
// IPv4 header with a sane total length.
func decodeIPv4(ip []byte, p *packet, h *ipHeader) (l4 []byte, ok bool) {
	if len(ip) < 20 || ip[0]>>4 != 4 {
		return nil, false
	}
	h.ihl = int(ip[0]&0x0f) * 4
	h.total = int(binary.BigEndian.Uint16(ip[2:]))
	if h.ihl < 20 || h.total < h.ihl || len(ip) < h.ihl {
		return nil, false
	}
	frag := binary.BigEndian.Uint16(ip[6:])
	h.id = uint32(binary.BigEndian.Uint16(ip[4:]))
	h.mf = frag&wire.FlagMF != 0
	h.offset = int(frag&wire.OffsetMask) * 8
	p.ipLen = uint16(h.total)
	p.ipID = uint16(h.id)
	p.tos = ip[1]
	p.df = frag&wire.FlagDF != 0
	p.ttl = ip[8]
	p.proto = ip[9]
	p.src.set4(ip[12:16])
	p.dst.set4(ip[16:20])
	// A capture may cut the payload (snaplen) or pad the frame (Ethernet
	// minimum); the IP total length says what was sent.
	end := min(h.total, len(ip))
	return ip[h.ihl:end], true
}

// decodeTCP fills p's TCP fields from seg, whose length as sent is sent.
// ok is false when the header, options included, is not all there or
// claims an impossible length.
func decodeTCP(seg []byte, sent int, p *packet) bool {
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
	p.urg = binary.BigEndian.Uint16(seg[18:])
	p.optLen = uint8(off - 20)
	p.opts = parseOptions(seg[20:off])
	p.payLen = max(sent-off, 0)
	p.payload = seg[off:]
	return true
}

// decodeUDP fills p's UDP fields; the payload length is the UDP length
// field's, bounded by what the IP header says was sent.
func decodeUDP(d []byte, sent int, p *packet) bool {
	if len(d) < 8 {
		return false
	}
	p.sport = binary.BigEndian.Uint16(d[0:])
	p.dport = binary.BigEndian.Uint16(d[2:])
	ulen := int(binary.BigEndian.Uint16(d[4:]))
	if ulen < 8 {
		return false
	}
	p.payLen = min(ulen, sent) - 8
	p.payload = d[8:min(len(d), ulen)]
	return true
}

// decodeICMP fills p's ICMP fields: type and code, identifier and
// sequence for queries, and the quoted header for errors.
func decodeICMP(d []byte, sent int, p *packet) bool {
	if len(d) < 8 {
		return false
	}
	p.icmpType = d[0]
	p.flags = d[1]
	p.sport = binary.BigEndian.Uint16(d[4:])
	p.seq = uint32(binary.BigEndian.Uint16(d[6:]))
	p.payLen = max(sent-8, 0)
	p.payload = d[8:]
	if p.icmpType == icmpUnreachable {
		p.quote = decodeQuote(d[8:])
	}
	return true
}

// decodeQuote reads the IP header and first 8 transport bytes an ICMP
// error carries.
func decodeQuote(q []byte) quoted {
	if len(q) < 20 || q[0]>>4 != 4 {
		return quoted{}
	}
	ihl := int(q[0]&0x0f) * 4
	if ihl < 20 || len(q) < ihl {
		return quoted{}
	}
	h := quoted{proto: q[9], src: addrFrom4(q[12:16]), dst: addrFrom4(q[16:20]), hdr: true}
	if len(q) < ihl+4 {
		// A probe with no transport header (nmap -sO) is quoted whole.
		return h
	}
	h.sport = binary.BigEndian.Uint16(q[ihl:])
	h.dport = binary.BigEndian.Uint16(q[ihl+2:])
	h.ok = true
	return h
}

// isBareSYN is a connection opener: SYN without ACK, RST or FIN. The
// reserved bits (ECN, or nmap 1998's "bogus" 0x40) do not matter here.
func isBareSYN(flags uint8) bool {
	return flags&(wire.FlagSYN|wire.FlagACK|wire.FlagRST|wire.FlagFIN) == wire.FlagSYN
}

// bswap16 reverses the bytes of v: nmap 2.0x wrote ICMP ids and sequence
// numbers in the sender's (little-endian) byte order.
func bswap16(v uint16) uint16 { return v<<8 | v>>8 }
