package render

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/wire"
)

// Options choose what is printed.
type Options struct {
	// FAQ prints the FAQ's sanitized form: no addresses, ports or TCP
	// options.
	FAQ bool
	// From, if valid, keeps only packets from this source (the FAQ showed
	// only the scanner's packets).
	From netip.Addr
}

// Write renders every IPv4 and IPv6 packet of c (Line, Line6); other
// frames (ARP) are skipped. With FAQ set it also leaves out the scanner
// kernel's RSTs, as the FAQ did (see kernelRSTs; IPv4 only).
func Write(w io.Writer, c *capture.Capture, o Options) error {
	bw := bufio.NewWriter(w)
	var rsts kernelRSTs
	for _, p := range c.Packets {
		ip, err := capture.IPv4(c.LinkType, p.Data)
		if err != nil {
			if ip6, err := capture.IPv6(c.LinkType, p.Data); err == nil &&
				(!o.From.IsValid() || netip.AddrFrom16([16]byte(ip6[8:24])) == o.From) {
				bw.WriteString(Line6(p.Time, ip6, o))
				bw.WriteByte('\n')
			}
			continue
		}
		if o.FAQ && rsts.drop(ip, p.Comment) {
			continue
		}
		if o.From.IsValid() && netip.AddrFrom4([4]byte(ip[12:16])) != o.From {
			continue
		}
		bw.WriteString(Line(p.Time, ip, o))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// Line renders one IPv4 packet.
func Line(t time.Time, ip []byte, o Options) string {
	var b strings.Builder
	b.WriteString(t.UTC().Format("15:04:05.000000"))
	ihl := int(ip[0]&0x0f) * 4
	total := min(int(binary.BigEndian.Uint16(ip[2:])), len(ip))
	if ihl < 20 || total < ihl {
		b.WriteString(" [|ip]")
		return b.String()
	}
	src, dst := netip.AddrFrom4([4]byte(ip[12:16])), netip.AddrFrom4([4]byte(ip[16:20]))
	frag := binary.BigEndian.Uint16(ip[6:])
	l4 := ip[ihl:total]
	if frag&wire.OffsetMask != 0 { // a later fragment: no transport header
		endpoints(&b, o, src, dst, -1, -1)
		fragNote(&b, ip, frag, len(l4))
		return b.String()
	}
	switch ip[9] {
	case 6:
		tcpLine(&b, o, src, dst, l4)
	case 17:
		udpLine(&b, o, src, dst, l4)
	case 1:
		icmpLine(&b, o, src, dst, l4)
	default:
		endpoints(&b, o, src, dst, -1, -1)
		fmt.Fprintf(&b, " ip-proto-%d %d", ip[9], len(l4))
	}
	if frag&wire.FlagMF != 0 {
		fragNote(&b, ip, frag, len(l4))
	}
	return b.String()
}

// endpoints writes " src.sport > dst.dport:" (ports -1: none), or the
// FAQ's bare " >".
func endpoints(b *strings.Builder, o Options, src, dst netip.Addr, sport, dport int) {
	if o.FAQ {
		b.WriteString(" >")
		return
	}
	b.WriteByte(' ')
	b.WriteString(src.String())
	if sport >= 0 {
		fmt.Fprintf(b, ".%d", sport)
	}
	b.WriteString(" > ")
	b.WriteString(dst.String())
	if dport >= 0 {
		fmt.Fprintf(b, ".%d", dport)
	}
	b.WriteByte(':')
}

// fragNote is tcpdump's "(frag id:size@offset+)".
func fragNote(b *strings.Builder, ip []byte, frag uint16, size int) {
	more := ""
	if frag&wire.FlagMF != 0 {
		more = "+"
	}
	fmt.Fprintf(b, " (frag %d:%d@%d%s)", binary.BigEndian.Uint16(ip[4:]), size, int(frag&wire.OffsetMask)*8, more)
}

func tcpLine(b *strings.Builder, o Options, src, dst netip.Addr, t []byte) {
	if len(t) < 20 {
		if len(t) >= 4 {
			endpoints(b, o, src, dst, int(binary.BigEndian.Uint16(t)), int(binary.BigEndian.Uint16(t[2:])))
		} else {
			endpoints(b, o, src, dst, -1, -1)
		}
		b.WriteString(" [|tcp]")
		return
	}
	endpoints(b, o, src, dst, int(binary.BigEndian.Uint16(t)), int(binary.BigEndian.Uint16(t[2:])))
	flags := t[13]
	seq, ack := binary.BigEndian.Uint32(t[4:]), binary.BigEndian.Uint32(t[8:])
	hl := min(int(t[12]>>4)*4, len(t))
	data := len(t) - hl
	b.WriteByte(' ')
	b.WriteString(flagLetters(flags))
	if data > 0 || flags&0x07 != 0 { // SYN, FIN or RST, or data
		fmt.Fprintf(b, " %d:%d(%d)", seq, seq+uint32(data), data)
	}
	if flags&0x10 != 0 {
		fmt.Fprintf(b, " ack %d", ack)
	}
	fmt.Fprintf(b, " win %d", binary.BigEndian.Uint16(t[14:]))
	if flags&0x20 != 0 {
		fmt.Fprintf(b, " urg %d", binary.BigEndian.Uint16(t[18:]))
	}
	if !o.FAQ && hl > 20 {
		b.WriteString(" <")
		b.WriteString(options(t[20:hl]))
		b.WriteByte('>')
	}
}

// flagLetters is tcpdump's flag field: S, F, P, R in that order, or "."
// when none of them is set.
func flagLetters(f byte) string {
	var s string
	for _, x := range []struct {
		bit byte
		c   string
	}{{0x02, "S"}, {0x01, "F"}, {0x08, "P"}, {0x04, "R"}} {
		if f&x.bit != 0 {
			s += x.c
		}
	}
	if s == "" {
		s = "."
	}
	return s
}

// options renders TCP options as tcpdump does.
func options(o []byte) string {
	var parts []string
	for len(o) > 0 {
		kind := o[0]
		if kind == 0 || kind == 1 {
			parts = append(parts, map[byte]string{0: "eol", 1: "nop"}[kind])
			o = o[1:]
			continue
		}
		if len(o) < 2 || int(o[1]) < 2 || int(o[1]) > len(o) {
			parts = append(parts, "[|tcp]")
			break
		}
		v := o[2:o[1]]
		switch {
		case kind == 2 && len(v) == 2:
			parts = append(parts, fmt.Sprintf("mss %d", binary.BigEndian.Uint16(v)))
		case kind == 3 && len(v) == 1:
			parts = append(parts, fmt.Sprintf("wscale %d", v[0]))
		case kind == 4:
			parts = append(parts, "sackOK")
		case kind == 8 && len(v) == 8:
			parts = append(parts, fmt.Sprintf("timestamp %d %d", binary.BigEndian.Uint32(v), binary.BigEndian.Uint32(v[4:])))
		default:
			parts = append(parts, fmt.Sprintf("opt-%d:%x", kind, v))
		}
		o = o[o[1]:]
	}
	return strings.Join(parts, ",")
}

func udpLine(b *strings.Builder, o Options, src, dst netip.Addr, u []byte) {
	if len(u) < 8 {
		endpoints(b, o, src, dst, -1, -1)
		b.WriteString(" [|udp]")
		return
	}
	endpoints(b, o, src, dst, int(binary.BigEndian.Uint16(u)), int(binary.BigEndian.Uint16(u[2:])))
	fmt.Fprintf(b, " udp %d", int(binary.BigEndian.Uint16(u[4:]))-8)
}

func icmpLine(b *strings.Builder, o Options, src, dst netip.Addr, m []byte) {
	endpoints(b, o, src, dst, -1, -1)
	if len(m) < 8 {
		b.WriteString(" [|icmp]")
		return
	}
	b.WriteString(" icmp: ")
	switch typ, code := m[0], m[1]; {
	case typ == 8:
		b.WriteString("echo request")
	case typ == 0:
		b.WriteString("echo reply")
	case typ == 3:
		b.WriteString(unreachable(code, m[8:]))
	case typ == 11:
		b.WriteString("time exceeded in-transit")
	default:
		fmt.Fprintf(b, "type-#%d code %d", typ, code)
	}
}

// unreachable names an ICMP unreachable as tcpdump does, e.g.
// "198.18.1.2 udp port 35401 unreachable".
func unreachable(code byte, q []byte) string {
	if len(q) >= 28 && q[0]>>4 == 4 {
		qd := netip.AddrFrom4([4]byte(q[16:20]))
		ihl := int(q[0]&0x0f) * 4
		if code == 3 && q[9] == 17 && len(q) >= ihl+4 {
			return fmt.Sprintf("%s udp port %d unreachable", qd, binary.BigEndian.Uint16(q[ihl+2:]))
		}
		if code == 13 {
			return fmt.Sprintf("%s unreachable - admin prohibited filter", qd)
		}
		return fmt.Sprintf("%s unreachable (code %d)", qd, code)
	}
	return fmt.Sprintf("unreachable (code %d)", code)
}

// kernelRSTs recognises the RST a host's kernel sends when a segment
// with ACK set reaches a port no socket holds: in a SYN scan, the
// scanner's answer to every open port's SYN/ACK (and in OS detection to
// T1's, or to IRIX's bare ACK after T3), which nmap never sends itself.
// The FAQ took them out of its traces; its author's note: "responses from
// the hostile system (i.e. RSTs sent in response to SYN/ACKs from the
// victim) have also been removed for the sake of signature clarity."
//
// Where a packet carries siglab's ground-truth comment, the comment
// decides: "scanner RST" is the kernel's own reset; "scanner RST (close,
// linger 0)", the RST a connect() scan's close() provokes, is nmap's
// doing and stays. A packet without a comment (capture.ReadFile keeps
// none, and other tools' captures have none) is taken for a kernel reset
// when it has RST set, is the host's first segment after the peer's
// ACK-bearing segment on that connection, carries that segment's ack as
// its seq (RFC 793's reset to an ACK-bearing segment), the host opened the
// exchange (its segment is the first seen on the connection: the probe)
// and it never acknowledged anything on the connection itself. The
// opener rule keeps the target's resets to nmap's ACK probes (T4, T6, the
// ACK ping), which are answers, not the scanner's; the last rule keeps a
// connect() scan's close RST: its kernel completed the handshake first.
type kernelRSTs struct {
	conns map[[12]byte]*rstConn // by the host's side: src, dst, sport, dport
}

type rstConn struct {
	ack     uint32 // the ack of the peer's last ACK-bearing segment
	pending bool   // that segment is not answered yet
	acked   bool   // the host has sent an ACK-bearing segment itself
	opened  bool   // the host sent the connection's first segment
}

func (k *kernelRSTs) conn(key [12]byte) *rstConn {
	if k.conns == nil {
		k.conns = map[[12]byte]*rstConn{}
	}
	c := k.conns[key]
	if c == nil {
		c = &rstConn{}
		k.conns[key] = c
	}
	return c
}

func (k *kernelRSTs) drop(ip []byte, comment string) bool {
	ihl := int(ip[0]&0x0f) * 4
	total := min(int(binary.BigEndian.Uint16(ip[2:])), len(ip))
	frag := binary.BigEndian.Uint16(ip[6:])
	if ip[9] != 6 || ihl < 20 || total < ihl+20 || frag&(wire.OffsetMask|wire.FlagMF) != 0 {
		return false
	}
	t := ip[ihl:total]
	var mine, peer [12]byte // this segment's connection, from each side
	copy(mine[:8], ip[12:20])
	copy(mine[8:], t[:4])
	copy(peer[:4], mine[4:8])
	copy(peer[4:8], mine[:4])
	copy(peer[8:10], mine[10:12])
	copy(peer[10:], mine[8:10])
	flags := t[13]
	const ack, rst = 0x10, 0x04
	if k.conns[mine] == nil && k.conns[peer] == nil {
		k.conn(mine).opened = true
	}
	if flags&ack != 0 && flags&rst == 0 { // the peer now owes an answer
		c := k.conn(peer)
		c.ack, c.pending = binary.BigEndian.Uint32(t[8:]), true
	}
	c := k.conn(mine)
	reset := flags&rst != 0 && c.pending && c.opened && !c.acked && binary.BigEndian.Uint32(t[4:]) == c.ack
	c.pending = false
	if flags&ack != 0 && flags&rst == 0 {
		c.acked = true
	}
	if comment != "" {
		return comment == "scanner RST"
	}
	return reset
}
