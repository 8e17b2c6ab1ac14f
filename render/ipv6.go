package render

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Line6 renders one IPv6 packet (at least its 40-byte header, as
// capture.IPv6 returns it) in the same style: addresses and ports as
// tcpdump prints them for IPv6 ("2001:2::c613:1.50203 >
// 2001:2::c612:102.22: S ..."), TCP and UDP as for IPv4, ICMPv6 by name,
// extension headers skipped and a Fragment header noted as "(frag
// id:size@offset+)". Anything cut short ends in "[|...]".
func Line6(t time.Time, ip []byte, o Options) string {
	var b strings.Builder
	b.WriteString(t.UTC().Format("15:04:05.000000"))
	if len(ip) < 40 {
		b.WriteString(" [|ip6]")
		return b.String()
	}
	src, dst := netip.AddrFrom16([16]byte(ip[8:24])), netip.AddrFrom16([16]byte(ip[24:40]))
	end := min(40+int(binary.BigEndian.Uint16(ip[4:])), len(ip))
	nh, rest := ip[6], ip[40:end]
	var (
		frag      bool
		fragID    uint32
		fragOff   int
		fragMore  bool
		truncated bool
	)
walk:
	for len(rest) > 0 { // a bare header (nmap -6 -sO's probes) names a protocol and carries nothing
		switch nh {
		case 0, 43, 60: // hop-by-hop, routing, destination options
			if len(rest) < 2 || len(rest) < (int(rest[1])+1)*8 {
				truncated = true
				break walk
			}
			nh, rest = rest[0], rest[(int(rest[1])+1)*8:]
		case 44: // fragment
			if len(rest) < 8 {
				truncated = true
				break walk
			}
			off := binary.BigEndian.Uint16(rest[2:])
			frag, fragID, fragOff, fragMore = true, binary.BigEndian.Uint32(rest[4:]), int(off&0xfff8), off&1 != 0
			nh, rest = rest[0], rest[8:]
			if fragOff != 0 { // a later fragment: no transport header
				break walk
			}
		default:
			break walk
		}
	}
	switch {
	case truncated:
		endpoints(&b, o, src, dst, -1, -1)
		b.WriteString(" [|ip6]")
	case frag && fragOff != 0:
		endpoints(&b, o, src, dst, -1, -1)
	case nh == 6:
		tcpLine(&b, o, src, dst, rest)
	case nh == 17:
		udpLine(&b, o, src, dst, rest)
	case nh == 58:
		icmp6Line(&b, o, src, dst, rest)
	default:
		endpoints(&b, o, src, dst, -1, -1)
		fmt.Fprintf(&b, " ip6-proto-%d %d", nh, len(rest))
	}
	if frag {
		more := ""
		if fragMore {
			more = "+"
		}
		fmt.Fprintf(&b, " (frag %d:%d@%d%s)", fragID, len(rest), fragOff, more)
	}
	return b.String()
}

// icmp6Names are the ICMPv6 types a lab capture holds, as tcpdump names
// them.
var icmp6Names = map[byte]string{
	1: "destination unreachable", 2: "packet too big", 3: "time exceeded in-transit", 4: "parameter problem",
	128: "echo request", 129: "echo reply", 130: "multicast listener query", 131: "multicast listener report",
	132: "multicast listener done", 133: "router solicitation", 134: "router advertisement",
	139: "node information query", 140: "node information reply", 143: "multicast listener report v2",
}

func icmp6Line(b *strings.Builder, o Options, src, dst netip.Addr, m []byte) {
	endpoints(b, o, src, dst, -1, -1)
	if len(m) < 4 {
		b.WriteString(" [|icmp6]")
		return
	}
	b.WriteString(" icmp6: ")
	typ, code := m[0], m[1]
	switch {
	case (typ == 135 || typ == 136) && len(m) >= 24:
		tgt := netip.AddrFrom16([16]byte(m[8:24]))
		if typ == 135 {
			fmt.Fprintf(b, "neighbor sol: who has %s", tgt)
		} else {
			fmt.Fprintf(b, "neighbor adv: tgt is %s", tgt)
		}
	case typ == 1 && code == 4 && len(m) >= 8+40+4 && m[8+6] == 17:
		fmt.Fprintf(b, "%s udp port %d unreachable", netip.AddrFrom16([16]byte(m[8+24:8+40])), binary.BigEndian.Uint16(m[8+40+2:]))
	case typ == 1 && len(m) >= 8+40:
		fmt.Fprintf(b, "%s unreachable (code %d)", netip.AddrFrom16([16]byte(m[8+24:8+40])), code)
	case icmp6Names[typ] != "" && code == 0:
		b.WriteString(icmp6Names[typ])
	case icmp6Names[typ] != "":
		fmt.Fprintf(b, "%s (code %d)", icmp6Names[typ], code)
	default:
		fmt.Fprintf(b, "type-#%d code %d", typ, code)
	}
}
