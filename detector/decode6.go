package detector

import (
	"encoding/binary"

	"github.com/siglab/siglab/wire"
)

// IPv6: the detector reads IPv6 packets into the same packet fields as
// IPv4 ones, so every analyser runs on both families unchanged:
//   - addresses are ipAddr (addr.go), the hop limit stands for the TTL
//     and the traffic class for the TOS;
//   - ipLen is the length the packet would have as IPv4 with a bare
//     header: 20 plus everything after the fixed header, extension
//     headers playing options' part, so that a template's "44-byte SYN"
//     reads the same on both;
//   - there is no IP ID (ipID stays 0) and no DF bit (df stays false:
//     IPv6 routers never fragment, only senders do); analysers that key
//     on the IP ID (the IP ID templates of masscan and hping3, "one IP
//     ID" in tool.other's features) do not apply to IPv6 and are kept
//     from reading its zero ID. A Fragment header's identification
//     (atomic fragments included) is kept apart in fragID, read by the
//     idle scan alone: it is the zombie counter of nmap -6 -sI;
//   - ICMPv6 is translated to its ICMP counterparts (decodeICMPv6): echo
//     request and reply, destination unreachable (port unreachable,
//     administratively prohibited and the others), and parameter
//     problem's unrecognised next header as protocol unreachable.
//     Neighbour discovery, MLD and router messages are the link's own
//     housekeeping and are passed over, as ARP is on IPv4: a local-link
//     ND sweep (nmap -6 -sn on the scanner's own link) is no more
//     visible than an ARP ping sweep is. Solicitations for many
//     addresses are also what a router sends to resolve the targets of
//     a scan passing through it: they cannot name a sweeper.

// IPv6 extension headers and upper-layer numbers the decoder knows.
const (
	ip6HopByHop  = 0
	ip6Routing   = 43
	ip6Fragment  = 44
	ip6ESP       = 50
	ip6AH        = 51
	ip6NoNext    = 59
	ip6DestOpts  = 60
	protoICMPv6  = 58
	ip6HeaderLen = 40
	// maxExtHeaders bounds the extension headers walked; a packet with
	// more is passed over.
	maxExtHeaders = 8
)

// ICMPv6 types the detector reads.
const (
	icmp6Unreachable  = 1
	icmp6ParamProblem = 4
	icmp6Echo         = 128
	icmp6EchoReply    = 129
)

// decodeIPv6 fills p's IP fields from the IPv6 packet ip, walking its
// extension headers up to the upper-layer header, and returns the
// transport bytes present in the capture. h.ihl is where the transport
// header starts (fixed header and extension headers), h.total the
// packet's length as sent; a fragment header sets h's fragment fields
// (its 32-bit identification in h.id) and ends the walk. AH and ESP end
// it too: what follows is the protocol's own (a packet of another IP
// protocol). ok is false for anything that is not a whole IPv6 header
// with sane extension headers.
func decodeIPv6(ip []byte, p *packet, h *ipHeader) (l4 []byte, ok bool) {
	if len(ip) < ip6HeaderLen || ip[0]>>4 != 6 {
		return nil, false
	}
	plen := int(binary.BigEndian.Uint16(ip[4:]))
	if plen == 0 && ip[6] == ip6HopByHop && len(ip) >= 48 && ip[42] == 0xc2 {
		return nil, false // a jumbogram (RFC 2675)
	}
	h.total = ip6HeaderLen + plen
	p.tos = ip[0]<<4 | ip[1]>>4
	p.ttl = ip[7]
	p.src = addrFrom16(ip[8:24])
	p.dst = addrFrom16(ip[24:40])
	end := min(h.total, len(ip))
	next, off := ip[6], ip6HeaderLen
	for range maxExtHeaders {
		if off == h.total {
			break // nothing follows, as sent (nmap -6 -sO's bare headers): a packet of protocol next, even an extension header's
		}
		switch next {
		case ip6HopByHop, ip6Routing, ip6DestOpts:
			if off+8 > end {
				return nil, false
			}
			n := (int(ip[off+1]) + 1) * 8
			next, off = ip[off], off+n
			if off > end {
				return nil, false
			}
			continue
		case ip6Fragment:
			if off+8 > end {
				return nil, false
			}
			frag := binary.BigEndian.Uint16(ip[off+2:])
			h.offset = int(frag &^ 7)
			h.mf = frag&1 != 0
			h.id = binary.BigEndian.Uint32(ip[off+4:])
			p.fragID, p.hasFragID = h.id, true
			next, off = ip[off], off+8
		}
		break
	}
	if off < h.total && (next == ip6HopByHop || next == ip6Routing || next == ip6DestOpts || (next == ip6Fragment && !h.fragment())) {
		return nil, false // more extension headers than maxExtHeaders, or two fragment headers
	}
	h.ihl = off
	h.extra = off - ip6HeaderLen
	if h.fragment() {
		h.extra -= 8 // the rebuilt packet has no fragment header
	}
	p.proto = next
	p.ipLen = uint16(min(20+h.total-ip6HeaderLen, 0xffff))
	return ip[off:end], true
}

// decodeICMPv6 fills p's ICMP fields from an ICMPv6 message, translated
// to ICMP's: echo request and reply become ICMP echo and echo reply;
// destination unreachable becomes ICMP unreachable, port unreachable
// (code 4) its code 3, administratively prohibited (code 1) its code
// 13, the others host unreachable (1); parameter problem's unrecognised
// next header (code 1) becomes protocol unreachable. p.proto becomes
// ICMP's. ok is false for every other message (neighbour discovery,
// MLD, router messages, packet too big, time exceeded), which is passed
// over.
func decodeICMPv6(d []byte, sent int, p *packet) bool {
	if len(d) < 8 {
		return false
	}
	code := d[1]
	switch d[0] {
	case icmp6Echo:
		p.icmpType = icmpEcho
	case icmp6EchoReply:
		p.icmpType = icmpEchoReply
	case icmp6Unreachable:
		p.icmpType = icmpUnreachable
		switch code {
		case 4:
			code = 3
		case 1:
			code = 13
		default:
			code = 1
		}
	case icmp6ParamProblem:
		if code != 1 {
			return false
		}
		p.icmpType, code = icmpUnreachable, icmpProtoUnreachable
	default:
		return false
	}
	p.proto = wire.ProtoICMP
	p.flags = code
	p.sport = binary.BigEndian.Uint16(d[4:])
	p.seq = uint32(binary.BigEndian.Uint16(d[6:]))
	p.payLen = max(sent-8, 0)
	p.payload = d[8:]
	if p.icmpType == icmpUnreachable {
		p.quote = decodeQuote6(d[8:])
	}
	return true
}

// decodeQuote6 reads the IPv6 header, extension headers and first 8
// transport bytes an ICMPv6 error carries. A quoted ICMPv6 message is
// reported as ICMP, as the detector keeps it.
func decodeQuote6(q []byte) quoted {
	var (
		p packet
		h ipHeader
	)
	l4, ok := decodeIPv6(q, &p, &h)
	if !ok || h.offset != 0 {
		return quoted{}
	}
	if p.proto == protoICMPv6 {
		p.proto = wire.ProtoICMP
	}
	qt := quoted{proto: p.proto, src: p.src, dst: p.dst, hdr: true}
	if len(l4) < 4 {
		return qt
	}
	qt.sport = binary.BigEndian.Uint16(l4[0:])
	qt.dport = binary.BigEndian.Uint16(l4[2:])
	qt.ok = true
	return qt
}
