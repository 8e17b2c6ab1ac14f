package personality

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/wire"
)

// "windows-2003-ipv6" is the IPv6 stack of Windows Server 2003 and XP
// (tcpip6.sys, a driver of its own beside the IPv4 tcpip.sys, with its
// own TCP), emulated for what makes it an idle-scan zombie over IPv6:
// one global Fragment-header identification, + 1 per datagram that
// carries one, whatever its destination. nmap's idle_scan.cc lists the
// fragment-ID classes its authors measured in 2013
// (seclists.org/nmap-dev/2013/q3/369; Mathias Morbitzer's thesis "TCP
// Idle Scans in IPv6", the work behind nmap -6 -sI): Windows Server 2003
// R2, Server 2008, XP SP3 and Vista "Global, incremental"; Windows 7, 8,
// Server 2008 R2 and 2012 "Global, incremental by 2"; OS X 10.6.7 global
// too; Linux and Solaris per host (per destination), FreeBSD, OpenBSD,
// iOS and later OS X random, none of which nmap can use.
//
// nmap reads that counter by making the zombie put a Fragment header on
// small packets: it pings the zombie with a 1266-byte echo request and
// answers the reply with an ICMPv6 Packet Too Big claiming a path MTU of
// 1278, below IPv6's minimum of 1280. RFC 2460 (section 5) told a node
// that learns such an MTU to keep sending packets of up to 1280 bytes
// but to put a Fragment header in every one ("atomic fragments"); RFC
// 8021 deprecated that and RFC 8200 dropped it, but the stacks above
// did it. So this stack keeps a path MTU per destination (learned from
// Packet Too Big, never raised again, at most maxPaths of them), sends a
// packet larger than its path's MTU as fragments and, below 1280, every
// packet with a Fragment header; each such datagram takes the next
// identification.
//
// The rest is an idle host's: echo requests get echo replies, a SYN to
// an open port a SYN/ACK (MSS 1440, window 16384, hop limit 128: Windows'
// defaults as assumed here, not read off a capture), a SYN
// to a closed port RST/ACK, any segment with ACK that belongs to no
// connection (the SYN/ACKs nmap probes with, and those a target sends
// the zombie's spoofed SYNs back) a RST, and, as Windows answers nmap's
// FIN, Null and Xmas probes, any other segment a RST/ACK. It keeps no
// connections (the ACK that completes a handshake is reset too) and
// does not reassemble fragments sent to it (they are dropped); its IPv4
// side (tcpip.sys) is not emulated: IPv4 packets get no answer. Nothing
// here is checked against a fingerprint record: nmap 2.0x had none for
// it, and Fingerprint reports ErrNoFingerprint.
func init() {
	register(win2003v6Name, newWin2003v6)
	speaks6[win2003v6Name] = true
}

// speaks6 names the personalities whose stacks are Stack6.
var speaks6 = map[string]bool{}

// SpeaksIPv6 reports whether the named personality answers IPv6 too
// (its Stack is a Stack6); the others are IPv4 only.
func SpeaksIPv6(name string) bool { return speaks6[name] }

const win2003v6Name = "windows-2003-ipv6"

// Stack6 is a Stack that speaks IPv6 as well: the lab routes the host's
// IPv6 address (labnet.IPv6 of its IPv4 one) to it.
type Stack6 interface {
	Stack
	// Answer6 returns the host's replies to one IPv6 packet, under
	// Answer's rules (valid until the next call).
	Answer6(now time.Time, ip []byte) [][]byte
}

const (
	ip6HeaderLen = 40
	ip6MinMTU    = 1280
	// ip6LinkMTU is the path MTU until a Packet Too Big says less: the
	// lab's Ethernet veths'.
	ip6LinkMTU    = 1500
	ip6NextFrag   = 44
	ip6NextICMPv6 = 58
	icmp6TooBig   = 2
	icmp6Echo     = 128
	icmp6Reply    = 129
	// maxPaths bounds the path MTUs kept; past it the oldest is forgotten.
	maxPaths     = 64
	win6HopLimit = 128
	win6Window   = 16384
	win6MSS      = 1440
)

type win2003v6 struct {
	addr netip.Addr
	a16  [16]byte
	open *portSet
	rnd  *rand.Rand
	// fragID is the global identification counter: the next datagram
	// with a Fragment header takes fragID+1. It starts low, as a count
	// of the fragmented datagrams sent since boot (below 2^16 here):
	// nmap reads the identification into a signed int and takes one
	// past 2^31 for a packet without a Fragment header.
	fragID uint32
	paths  map[[16]byte]uint32
	order  [][16]byte // paths' keys, oldest first
	replies
	pkt []byte // the reply being built, before fragmentation
}

func newWin2003v6(c labnet.Host, seed uint64) Stack {
	r := rand.New(rand.NewPCG(seed, seedStream))
	s := &win2003v6{addr: c.Addr, open: newPortSet(c.OpenTCP), rnd: r, fragID: r.Uint32N(1 << 16), paths: map[[16]byte]uint32{}}
	if a6, err := labnet.IPv6(c.Addr); err == nil {
		s.a16 = a6.As16()
	}
	return s
}

func (s *win2003v6) Name() string { return win2003v6Name }

// Answer: tcpip.sys, the IPv4 stack, is not emulated.
func (s *win2003v6) Answer(time.Time, wire.Packet) [][]byte { return nil }

// Answer6 answers one IPv6 packet addressed to the host from a lab
// address: TCP and ICMPv6 with valid checksums, no extension headers.
func (s *win2003v6) Answer6(_ time.Time, ip []byte) [][]byte {
	if len(ip) < ip6HeaderLen || ip[0]>>4 != 6 || [16]byte(ip[24:40]) != s.a16 {
		return nil
	}
	src := [16]byte(ip[8:24])
	if !labnet.Contains6(netip.AddrFrom16(src)) {
		return nil // never answer outside the lab
	}
	plen := int(binary.BigEndian.Uint16(ip[4:]))
	if ip6HeaderLen+plen > len(ip) {
		return nil
	}
	l4 := ip[ip6HeaderLen : ip6HeaderLen+plen]
	if sum6(src, s.a16, ip[6], l4) != 0 {
		return nil
	}
	s.begin()
	switch ip[6] {
	case wire.ProtoTCP:
		s.tcp6(src, l4)
	case ip6NextICMPv6:
		s.icmp6(src, l4)
	}
	return s.out
}

// icmp6 answers an echo request and learns from a Packet Too Big.
func (s *win2003v6) icmp6(src [16]byte, m []byte) {
	if len(m) < 8 || m[1] != 0 {
		return
	}
	switch m[0] {
	case icmp6Echo:
		b := append(s.header(src, ip6NextICMPv6, len(m)), m...)
		s.pkt = b
		b[ip6HeaderLen] = icmp6Reply
		s.send(src, b)
	case icmp6TooBig:
		// The quoted packet's destination is the path the MTU is for;
		// nothing else of it is read. Today's nmap quotes the zombie's
		// echo reply from a capture buffer it has already closed, and in
		// the lab the quote's first 16 bytes (version, lengths, half the
		// source) arrive zeroed; a stack that checked them would refuse
		// it. Whether tcpip6.sys checked more than the destination is
		// not known here: this emulation does not, so that nmap 7.93's
		// idle scan runs as it did against those stacks in 2013.
		q := m[8:]
		if len(q) < ip6HeaderLen {
			return
		}
		s.learn([16]byte(q[24:40]), binary.BigEndian.Uint32(m[4:]))
	}
}

// learn records a smaller path MTU toward dst.
func (s *win2003v6) learn(dst [16]byte, mtu uint32) {
	if old, ok := s.paths[dst]; ok {
		s.paths[dst] = min(old, mtu)
		return
	}
	if mtu >= ip6LinkMTU {
		return
	}
	if len(s.order) == maxPaths {
		delete(s.paths, s.order[0])
		s.order = append(s.order[:0], s.order[1:]...)
	}
	s.paths[dst] = mtu
	s.order = append(s.order, dst)
}

// tcp6 answers a segment as an idle Windows host does.
func (s *win2003v6) tcp6(src [16]byte, seg []byte) {
	if len(seg) < 20 {
		return
	}
	sport, dport := binary.BigEndian.Uint16(seg[0:]), binary.BigEndian.Uint16(seg[2:])
	seq, ackn := binary.BigEndian.Uint32(seg[4:]), binary.BigEndian.Uint32(seg[8:])
	flags := seg[13]
	off := int(seg[12]>>4) * 4
	if off < 20 || off > len(seg) {
		return
	}
	data := uint32(len(seg) - off)
	switch {
	case flags&rst != 0:
		return
	case flags&ack != 0:
		s.segment(src, dport, sport, ackn, 0, rst, 0, false)
	case flags&syn != 0 && s.open.has(dport):
		s.segment(src, dport, sport, s.rnd.Uint32(), seq+1, syn|ack, win6Window, true)
	default:
		n := seq + data
		if flags&syn != 0 {
			n++
		}
		if flags&fin != 0 {
			n++
		}
		s.segment(src, dport, sport, 0, n, rst|ack, 0, false)
	}
}

// segment builds one TCP reply to dst.
func (s *win2003v6) segment(dst [16]byte, sport, dport uint16, seq, ackn uint32, flags uint8, window uint16, mss bool) {
	hl := 20
	if mss {
		hl = 24
	}
	b := s.header(dst, wire.ProtoTCP, hl)
	b = append(b, make([]byte, hl)...)
	s.pkt = b
	t := b[ip6HeaderLen:]
	binary.BigEndian.PutUint16(t[0:], sport)
	binary.BigEndian.PutUint16(t[2:], dport)
	binary.BigEndian.PutUint32(t[4:], seq)
	binary.BigEndian.PutUint32(t[8:], ackn)
	t[12] = byte(hl/4) << 4
	t[13] = flags
	binary.BigEndian.PutUint16(t[14:], window)
	if mss {
		t[20], t[21] = 2, 4
		binary.BigEndian.PutUint16(t[22:], win6MSS)
	}
	s.send(dst, b)
}

// header starts a reply to dst in s.pkt: the fixed IPv6 header for a
// payload of plen bytes of protocol next.
func (s *win2003v6) header(dst [16]byte, next uint8, plen int) []byte {
	b := append(s.pkt[:0], make([]byte, ip6HeaderLen)...)
	b[0] = 0x60
	binary.BigEndian.PutUint16(b[4:], uint16(plen))
	b[6], b[7] = next, win6HopLimit
	copy(b[8:24], s.a16[:])
	copy(b[24:40], dst[:])
	s.pkt = b
	return b
}

// send checksums the packet b and queues it, cut into fragments when
// its path to dst needs that: longer than the path MTU, or any length
// on a path below IPv6's minimum MTU (an atomic fragment). Each
// fragmented datagram takes the next global identification.
func (s *win2003v6) send(dst [16]byte, b []byte) {
	l4 := b[ip6HeaderLen:]
	at := 16 // TCP
	if b[6] == ip6NextICMPv6 {
		at = 2
	}
	l4[at], l4[at+1] = 0, 0
	binary.BigEndian.PutUint16(l4[at:], sum6(s.a16, dst, b[6], l4))
	limit, allfrag := ip6LinkMTU, false
	if mtu, ok := s.paths[dst]; ok {
		limit = int(mtu)
		if mtu < ip6MinMTU {
			limit, allfrag = ip6MinMTU, true
		}
	}
	if !allfrag && len(b) <= limit {
		s.add(append(s.next(), b...))
		return
	}
	s.fragID++
	per := (limit - ip6HeaderLen - 8) &^ 7
	for off := 0; off < len(l4); off += per {
		end := min(off+per, len(l4))
		f := append(s.next(), b[:ip6HeaderLen]...)
		f = append(f, make([]byte, 8)...)
		f = append(f, l4[off:end]...)
		binary.BigEndian.PutUint16(f[4:], uint16(8+end-off))
		f[6] = ip6NextFrag
		f[ip6HeaderLen] = b[6]
		fo := uint16(off)
		if end < len(l4) {
			fo |= 1 // more fragments
		}
		binary.BigEndian.PutUint16(f[ip6HeaderLen+2:], fo)
		binary.BigEndian.PutUint32(f[ip6HeaderLen+4:], s.fragID)
		s.add(f)
	}
}

// sum6 is the Internet checksum of an upper-layer message with IPv6's
// pseudo-header (RFC 8200 section 8.1): 0 over a message whose checksum
// field is right.
func sum6(src, dst [16]byte, next uint8, msg []byte) uint16 {
	var ph [40]byte
	copy(ph[0:], src[:])
	copy(ph[16:], dst[:])
	binary.BigEndian.PutUint32(ph[32:], uint32(len(msg)))
	ph[39] = next
	var acc uint32
	for _, part := range [][]byte{ph[:], msg} {
		for i := 0; i+1 < len(part); i += 2 {
			acc += uint32(part[i])<<8 | uint32(part[i+1])
		}
		if len(part)%2 == 1 {
			acc += uint32(part[len(part)-1]) << 8
		}
	}
	for acc>>16 != 0 {
		acc = acc&0xffff + acc>>16
	}
	return ^uint16(acc)
}
