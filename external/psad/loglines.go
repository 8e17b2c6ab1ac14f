package psad

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/siglab/siglab/capture"
)

// Dialect is who wrote a firewall log line: the kernel's LOG target
// through a syslog daemon, or ulogd2 from an NFLOG rule. psad reads both.
type Dialect int

const (
	// Kernel is the LOG target (net/netfilter/nf_log_syslog.c, as in
	// Linux 6.18) as a syslog daemon stores it:
	//
	//	Dec 22 01:41:25 siglab kernel: DROP IN=eth0 OUT= MAC=... SRC=198.18.0.2 DST=198.18.1.2
	//	LEN=40 TOS=0x00 PREC=0x00 TTL=61 ID=1234 PROTO=TCP SPT=37807 DPT=21 WINDOW=3072
	//	RES=0x00 URG PSH FIN URGP=0 (one line, ending in a space)
	Kernel Dialect = iota
	// ULOG is ulogd2's PRINTPKT through its LOGEMU output (Debian's
	// ulogd2 2.0.8), what an NFLOG rule gives: no "kernel:", the prefix
	// followed by a space, TOS without 0x, SEQ and ACK always, no RES
	// and no CWR/ECE/AE flags, and MARK=0x0 at the end.
	ULOG
)

// LogOptions say how the logging rule was written and where it sat.
type LogOptions struct {
	Dialect Dialect
	// Prefix is the rule's log prefix. The kernel writes it right before
	// "IN=" (so `--log-prefix "DROP "` carries its own space); ulogd2
	// writes it and a space.
	Prefix string
	// Host is the syslog host name after the timestamp (default
	// "siglab").
	Host string
	// In is the target's interface (default "siglab-eth0", the link every
	// live lab host has toward the sensor).
	In string
	// MAC is the link header as the kernel prints it after "MAC=" (the
	// target's own, which a capture elsewhere does not hold; default an
	// all-zero Ethernet header of type IPv4).
	MAC string
	// Hops is how many routers lie between the capture and the target:
	// each takes one from the TTL, and a packet whose TTL runs out never
	// arrives. A live lab's sensor routes between its capture link and
	// every host, so captures from it take LiveHops; the simulated
	// network's tap sits at the hosts (0).
	Hops int
	// TCPSequence, TCPOptions and IPOptions are the LOG target's
	// --log-tcp-sequence, --log-tcp-options and --log-ip-options (Kernel
	// only: ulogd2 always prints SEQ and ACK and never options).
	TCPSequence, TCPOptions, IPOptions bool
	// Accepted are the services each target's firewall accepts before
	// its logging rule: psad expects to read what a firewall drops
	// (man psad: iptables must log the packets it does not accept), so a
	// host's own services are not logged. nil logs every packet.
	Accepted map[netip.Addr]Services
}

// Services are the ports a host's firewall accepts.
type Services struct {
	TCP, UDP []uint16
}

// accepts reports whether a packet (reassembled, IPv4) is one svc lets
// through before the logging rule: TCP or UDP to one of its ports.
func (svc Services) accepts(pkt []byte) bool {
	ihl := int(pkt[0]&0x0f) * 4
	if len(pkt) < ihl+4 {
		return false
	}
	port := binary.BigEndian.Uint16(pkt[ihl+2:])
	switch pkt[9] {
	case 6:
		return slices.Contains(svc.TCP, port)
	case 17:
		return slices.Contains(svc.UDP, port)
	}
	return false
}

// LiveHops is LogOptions.Hops for a live lab's sensor capture: the sensor
// namespace forwards each packet once more on its way to a host.
const LiveHops = 1

// Defaults of LogOptions.
const (
	defaultHost = "siglab"
	defaultIn   = "siglab-eth0" // a lab host's link (netns)
	defaultMAC  = "00:00:00:00:00:00:00:00:00:00:00:00:08:00"
)

// LogLines are the lines `-j LOG --log-prefix PREFIX` on the INPUT chain
// of each target would have written for the capture's packets to those
// targets, in the kernel's format, as a live lab's sensor captured them
// (LiveHops).
func LogLines(c *capture.Capture, targets []netip.Addr, prefix string) []string {
	return FormatLog(c, targets, LogOptions{Prefix: prefix, Hops: LiveHops})
}

// FormatLog is LogLines with every option. Packets reach INPUT as the
// target's kernel delivers them: fragments reassembled (ip_local_deliver
// defragments before the hook), packets with a bad header checksum or
// a TTL that the hops exhaust left out. Timestamps are the capture's, in
// UTC, in syslog's "Jan _2 15:04:05".
func FormatLog(c *capture.Capture, targets []netip.Addr, o LogOptions) []string {
	if o.Host == "" {
		o.Host = defaultHost
	}
	if o.In == "" {
		o.In = defaultIn
	}
	if o.MAC == "" {
		o.MAC = defaultMAC
	}
	var lines []string
	for _, d := range delivered(c, targets, o.Hops) {
		if o.Accepted[netip.AddrFrom4([4]byte(d.pkt[16:20]))].accepts(d.pkt) {
			continue
		}
		lines = append(lines, formatLine(d, o))
	}
	return lines
}

// arrival is one packet as the target's INPUT hook sees it.
type arrival struct {
	t   time.Time
	pkt []byte // the whole IPv4 packet, TTL already lowered
}

// delivered are c's IPv4 packets to targets as they reach INPUT, in
// order of arrival.
func delivered(c *capture.Capture, targets []netip.Addr, hops int) []arrival {
	want := map[netip.Addr]bool{}
	for _, a := range targets {
		want[a] = true
	}
	var out []arrival
	frags := newReassembler()
	for _, p := range c.Packets {
		ip, err := capture.IPv4(c.LinkType, p.Data)
		if err != nil || len(ip) < 20 {
			continue
		}
		ihl := int(ip[0]&0x0f) * 4
		total := int(binary.BigEndian.Uint16(ip[2:]))
		// The receiving kernel drops these in ip_rcv before any hook.
		if ihl < 20 || total < ihl || total > len(ip) || checksum(ip[:ihl]) != 0 {
			continue
		}
		if !want[netip.AddrFrom4([4]byte(ip[16:20]))] || int(ip[8]) <= hops {
			continue
		}
		pkt := append([]byte(nil), ip[:total]...) // Ethernet padding trimmed, as ip_rcv does
		pkt[8] -= uint8(hops)
		if binary.BigEndian.Uint16(pkt[6:])&(flagMF|offMask) != 0 {
			whole, ok := frags.add(p.Time, pkt)
			if !ok {
				continue
			}
			pkt = whole
		}
		out = append(out, arrival{t: p.Time, pkt: pkt})
	}
	return out
}

// IPv4 flag bits and the fragment offset mask.
const (
	flagCE  = 0x8000
	flagDF  = 0x4000
	flagMF  = 0x2000
	offMask = 0x1fff
)

// checksum is the Internet checksum of b; 0 over a header that carries a
// correct one.
func checksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

// syslogStamp is RFC 3164's timestamp, as rsyslog writes it and as
// ulogd2's LOGEMU prints ctime(3)'s "Mmm dd hh:mm:ss".
const syslogStamp = "Jan _2 15:04:05"

// formatLine writes one packet as o's dialect does.
func formatLine(a arrival, o LogOptions) string {
	var b strings.Builder
	b.WriteString(a.t.UTC().Format(syslogStamp))
	b.WriteByte(' ')
	b.WriteString(o.Host)
	if o.Dialect == ULOG {
		fmt.Fprintf(&b, " %s IN=%s OUT= MAC=%s ", o.Prefix, o.In, o.MAC)
		ulogIPv4(&b, a.pkt)
		b.WriteString("MARK=0x0 ")
		return b.String()
	}
	fmt.Fprintf(&b, " kernel: %sIN=%s OUT= MAC=%s ", o.Prefix, o.In, o.MAC)
	kernelIPv4(&b, a.pkt, 0, o)
	return b.String()
}

// kernelIPv4 is dump_ipv4_packet: the IP header at off in pkt (off > 0 is
// the packet an ICMP error quotes, which the kernel prints once, without
// MARK), then the transport header.
func kernelIPv4(b *strings.Builder, pkt []byte, off int, o LogOptions) {
	if len(pkt)-off < 20 {
		b.WriteString("TRUNCATED")
		return
	}
	ih := pkt[off:]
	ihl := int(ih[0]&0x0f) * 4
	frag := binary.BigEndian.Uint16(ih[6:])
	fmt.Fprintf(b, "SRC=%s DST=%s ", netip.AddrFrom4([4]byte(ih[12:16])), netip.AddrFrom4([4]byte(ih[16:20])))
	fmt.Fprintf(b, "LEN=%d TOS=0x%02X PREC=0x%02X TTL=%d ID=%d ",
		binary.BigEndian.Uint16(ih[2:]), ih[1]&0x1e, ih[1]&0xe0, ih[8], binary.BigEndian.Uint16(ih[4:]))
	fragmentFields(b, frag)
	if o.IPOptions && ihl > 20 {
		if len(ih) < ihl {
			b.WriteString("TRUNCATED")
			return
		}
		fmt.Fprintf(b, "OPT (%X) ", ih[20:ihl])
	}
	fragment := frag&offMask != 0
	l4 := off + ihl
	rest := len(pkt) - l4 // what skb_header_pointer can still read
	switch ih[9] {
	case 6:
		b.WriteString("PROTO=TCP ")
		if fragment {
			break
		}
		if rest < 20 {
			fmt.Fprintf(b, "INCOMPLETE [%d bytes] ", rest)
			return
		}
		if !kernelTCP(b, pkt[l4:], o) {
			return
		}
	case 17, 136:
		if ih[9] == 17 {
			b.WriteString("PROTO=UDP ")
		} else {
			b.WriteString("PROTO=UDPLITE ")
		}
		if fragment {
			break
		}
		if rest < 8 {
			fmt.Fprintf(b, "INCOMPLETE [%d bytes] ", rest)
			return
		}
		u := pkt[l4:]
		fmt.Fprintf(b, "SPT=%d DPT=%d LEN=%d ", binary.BigEndian.Uint16(u), binary.BigEndian.Uint16(u[2:]), binary.BigEndian.Uint16(u[4:]))
	case 1:
		b.WriteString("PROTO=ICMP ")
		if fragment {
			break
		}
		kernelICMP(b, pkt, off, l4, o)
	case 51:
		if fragment {
			break
		}
		b.WriteString("PROTO=AH ")
		if rest < 12 {
			fmt.Fprintf(b, "INCOMPLETE [%d bytes] ", rest)
			break
		}
		fmt.Fprintf(b, "SPI=0x%x ", binary.BigEndian.Uint32(pkt[l4+4:]))
	case 50:
		b.WriteString("PROTO=ESP ")
		if fragment {
			break
		}
		if rest < 8 {
			fmt.Fprintf(b, "INCOMPLETE [%d bytes] ", rest)
			break
		}
		fmt.Fprintf(b, "SPI=0x%x ", binary.BigEndian.Uint32(pkt[l4:]))
	default:
		fmt.Fprintf(b, "PROTO=%d ", ih[9])
	}
	// UID/GID need a local socket, which an inbound packet has none of,
	// and MARK needs a mark, which nothing in a lab sets.
}

// kernelTCP is nf_log_dump_tcp_header from SPT on; false when the line
// ends early (OPT (TRUNCATED)).
func kernelTCP(b *strings.Builder, t []byte, o LogOptions) bool {
	fmt.Fprintf(b, "SPT=%d DPT=%d ", binary.BigEndian.Uint16(t), binary.BigEndian.Uint16(t[2:]))
	if o.TCPSequence {
		fmt.Fprintf(b, "SEQ=%d ACK=%d ", binary.BigEndian.Uint32(t[4:]), binary.BigEndian.Uint32(t[8:]))
	}
	fmt.Fprintf(b, "WINDOW=%d ", binary.BigEndian.Uint16(t[14:]))
	// Since AccECN (Linux 6.10) the lowest reserved bit is AE and RES
	// shows the three above it.
	fmt.Fprintf(b, "RES=0x%02x ", (t[12]&0x0e)<<2)
	if t[12]&0x01 != 0 {
		b.WriteString("AE ")
	}
	b.WriteString(tcpFlagNames(t[13], true))
	fmt.Fprintf(b, "URGP=%d ", binary.BigEndian.Uint16(t[18:]))
	doff := int(t[12]>>4) * 4
	if o.TCPOptions && doff > 20 {
		if len(t) < doff {
			b.WriteString("OPT (TRUNCATED)")
			return false
		}
		fmt.Fprintf(b, "OPT (%X) ", t[20:doff])
	}
	return true
}

// tcpFlagNames are the flags set in f, each followed by a space, in the
// kernel's order; ulogd2 prints no CWR or ECE.
func tcpFlagNames(f uint8, cwrEce bool) string {
	var b strings.Builder
	for _, fl := range []struct {
		bit  uint8
		name string
		ecn  bool
	}{{0x80, "CWR", true}, {0x40, "ECE", true}, {0x20, "URG", false}, {0x10, "ACK", false},
		{0x08, "PSH", false}, {0x04, "RST", false}, {0x02, "SYN", false}, {0x01, "FIN", false}} {
		if f&fl.bit != 0 && (cwrEce || !fl.ecn) {
			b.WriteString(fl.name + " ")
		}
	}
	return b.String()
}

// icmpRequired is the kernel's required_len: how much of each ICMP type
// it needs before it prints the type's fields.
var icmpRequired = map[uint8]int{0: 4, 3: 28, 4: 28, 5: 28, 8: 4, 11: 28, 12: 28, 13: 20, 14: 20, 17: 12, 18: 12}

// kernelICMP is the ICMP case of dump_ipv4_packet.
func kernelICMP(b *strings.Builder, pkt []byte, off, l4 int, o LogOptions) {
	rest := len(pkt) - l4
	if rest < 8 { // sizeof(struct icmphdr)
		fmt.Fprintf(b, "INCOMPLETE [%d bytes] ", rest)
		return
	}
	ic := pkt[l4:]
	typ, code := ic[0], ic[1]
	fmt.Fprintf(b, "TYPE=%d CODE=%d ", typ, code)
	if need, ok := icmpRequired[typ]; ok && rest < need {
		fmt.Fprintf(b, "INCOMPLETE [%d bytes] ", rest)
		return
	}
	switch typ {
	case 0, 8:
		fmt.Fprintf(b, "ID=%d SEQ=%d ", binary.BigEndian.Uint16(ic[4:]), binary.BigEndian.Uint16(ic[6:]))
	case 12:
		fmt.Fprintf(b, "PARAMETER=%d ", ic[4])
	case 5, 3, 4, 11:
		if typ == 5 {
			fmt.Fprintf(b, "GATEWAY=%s ", netip.AddrFrom4([4]byte(ic[4:8])))
		}
		if off == 0 { // only recurse once
			b.WriteString("[")
			kernelIPv4(b, pkt, l4+8, o)
			b.WriteString("] ")
		}
		if typ == 3 && code == 4 {
			fmt.Fprintf(b, "MTU=%d ", binary.BigEndian.Uint16(ic[6:]))
		}
	}
}

// fragmentFields writes the IP flags and the fragment offset as both
// the kernel and ulogd2 print them: "CE ", "DF ", "MF ", "FRAG:n ".
func fragmentFields(b *strings.Builder, frag uint16) {
	if frag&flagCE != 0 {
		b.WriteString("CE ")
	}
	if frag&flagDF != 0 {
		b.WriteString("DF ")
	}
	if frag&flagMF != 0 {
		b.WriteString("MF ")
	}
	if frag&offMask != 0 {
		fmt.Fprintf(b, "FRAG:%d ", frag&offMask)
	}
}

// ulogIPv4 is printpkt_ipv4 of ulogd2 2.0.8 over what its BASE filter
// reads from the packet.
func ulogIPv4(b *strings.Builder, pkt []byte) {
	ihl := int(pkt[0]&0x0f) * 4
	frag := binary.BigEndian.Uint16(pkt[6:])
	fmt.Fprintf(b, "SRC=%s DST=%s ", netip.AddrFrom4([4]byte(pkt[12:16])), netip.AddrFrom4([4]byte(pkt[16:20])))
	fmt.Fprintf(b, "LEN=%d TOS=%02X PREC=0x%02X TTL=%d ID=%d ",
		binary.BigEndian.Uint16(pkt[2:]), pkt[1]&0x1e, pkt[1]&0xe0, pkt[8], binary.BigEndian.Uint16(pkt[4:]))
	fragmentFields(b, frag)
	l4 := pkt[min(ihl, len(pkt)):]
	switch pkt[9] {
	case 6:
		b.WriteString("PROTO=TCP ")
		if len(l4) < 20 {
			b.WriteString("INCOMPLETE")
			return
		}
		fmt.Fprintf(b, "SPT=%d DPT=%d SEQ=%d ACK=%d WINDOW=%d %sURGP=%d ",
			binary.BigEndian.Uint16(l4), binary.BigEndian.Uint16(l4[2:]),
			binary.BigEndian.Uint32(l4[4:]), binary.BigEndian.Uint32(l4[8:]),
			binary.BigEndian.Uint16(l4[14:]), tcpFlagNames(l4[13], false), binary.BigEndian.Uint16(l4[18:]))
	case 17:
		b.WriteString("PROTO=UDP ")
		if len(l4) < 8 {
			b.WriteString("INCOMPLETE")
			return
		}
		fmt.Fprintf(b, "SPT=%d DPT=%d LEN=%d ", binary.BigEndian.Uint16(l4), binary.BigEndian.Uint16(l4[2:]), binary.BigEndian.Uint16(l4[4:]))
	case 1:
		b.WriteString("PROTO=ICMP ")
		if len(l4) < 8 {
			b.WriteString("INCOMPLETE")
			return
		}
		ulogICMP(b, l4)
	case 50, 51:
		name := "ESP"
		if pkt[9] == 51 {
			name = "AH"
		}
		// BASE leaves the SPI unread (its code is #if 0), so the key is
		// never valid.
		fmt.Fprintf(b, "PROTO=%s INCOMPLETE", name)
	default:
		fmt.Fprintf(b, "PROTO=%d ", pkt[9])
	}
}

// ulogICMP prints what printpkt_ipv4 prints after TYPE and CODE. It
// switches on the code where it means the type, so an echo request (code
// 0) gets ID and SEQ by the ECHOREPLY case, and so does every other type
// with code 0, with the values BASE left at zero.
func ulogICMP(b *strings.Builder, ic []byte) {
	typ, code := ic[0], ic[1]
	fmt.Fprintf(b, "TYPE=%d CODE=%d ", typ, code)
	echo := typ == 0 || typ == 8
	gw := typ == 5 || typ == 12
	switch code {
	case 0, 8: // ICMP_ECHOREPLY, ICMP_ECHO
		var id, seq uint16
		if echo {
			id, seq = binary.BigEndian.Uint16(ic[4:]), binary.BigEndian.Uint16(ic[6:])
		}
		fmt.Fprintf(b, "ID=%d SEQ=%d ", id, seq)
	case 12: // ICMP_PARAMETERPROB: the gateway's first byte
		var p uint8
		if gw {
			p = ic[4]
		}
		fmt.Fprintf(b, "PARAMETER=%d ", p)
	case 5: // ICMP_REDIRECT
		g := [4]byte{}
		if gw {
			g = [4]byte(ic[4:8])
		}
		fmt.Fprintf(b, "GATEWAY=%s ", netip.AddrFrom4(g))
	case 3: // ICMP_DEST_UNREACH, then code == ICMP_FRAG_NEEDED: never both
	}
}
