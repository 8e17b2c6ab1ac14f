package fingerprint

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/siglab/siglab/wire"
)

// EchoedMSS is the MSS nmap 2.0x's T1..T7 carry (option block WScale 10,
// NOP, MSS 265, Timestamp, EOL, EOL); a reply echoing it is marked "E"
// in Ops.
const EchoedMSS = 265

// TCPTest is fingerprint_iptcppacket(): the observed test for a TCP reply
// to one of T1..T7. ip is the whole IPv4 packet; seqBase is the attempt's
// sequence_base, which every T probe carried as its seq. Attributes, in
// nmap's order:
//
//	Resp=Y; DF=Y|N; W=window as %hX; ACK=S++ (ack = base+1), S (ack =
//	base) or O; Flags in the order B U A P R S F (B is the 0x40 bit);
//	Ops, one letter per option (see opsLetters).
//
// ok is false when ip is not a whole IPv4+TCP packet.
func TCPTest(name string, ip []byte, seqBase uint32) (Test, bool) {
	tcp, ok := l4(ip, wire.ProtoTCP, 20)
	if !ok {
		return Test{}, false
	}
	ack := binary.BigEndian.Uint32(tcp[8:])
	ackv := "O"
	switch ack {
	case seqBase + 1: // tested first, as nmap does
		ackv = "S++"
	case seqBase:
		ackv = "S"
	}
	return Test{Name: name, Attrs: []Attr{
		{"Resp", "Y"},
		{"DF", yesNo(binary.BigEndian.Uint16(ip[6:])&wire.FlagDF != 0)},
		{"W", hexUpper(uint64(binary.BigEndian.Uint16(tcp[14:])))},
		{"ACK", ackv},
		{"Flags", flagLetters(tcp[13])},
		{"Ops", opsLetters(tcp)},
	}}, true
}

// flagLetters spells TCP flags in nmap's fixed order B U A P R S F.
func flagLetters(f uint8) string {
	const letters, bits = "BUAPRSF", "\x40\x20\x10\x08\x04\x02\x01"
	var b []byte
	for i := range len(letters) {
		if f&bits[i] != 0 {
			b = append(b, letters[i])
		}
	}
	return string(b)
}

// opsLetters walks the reply's options as fingerprint_iptcppacket() does
// (code "partly swiped" from Linux's tcp_input.c): M for MSS, followed by
// E when it equals EchoedMSS; N for NOP; W for window scale; T for a
// timestamp; L for end of list, where the walk stops. Any other kind gets
// no letter and the walk goes on one byte at a time, reading its length
// and value bytes as kinds. Fixed sizes are assumed (MSS 4, WS 3, TS 10
// bytes) whatever the length byte says. Where nmap would read past the
// header (a truncated option at its end), bytes past the packet read as 0.
func opsLetters(tcp []byte) string {
	at := func(i int) byte {
		if i < len(tcp) {
			return tcp[i]
		}
		return 0
	}
	var b strings.Builder
	length := int(tcp[12]>>4)*4 - 20
	q := 20
	for length > 0 {
		kind := at(q)
		q++
		length--
		switch kind {
		case 0:
			b.WriteByte('L')
			return b.String()
		case 1:
			b.WriteByte('N')
		case 2:
			b.WriteByte('M')
			if uint16(at(q+1))<<8|uint16(at(q+2)) == EchoedMSS {
				b.WriteByte('E')
			}
			q += 3
			length -= 3
		case 3:
			b.WriteByte('W')
			q += 2
			length -= 2
		case 8:
			b.WriteByte('T')
			q += 9
			length -= 9
		}
	}
	return b.String()
}

// UDPProbe is what nmap remembers of the PU probe it sent (struct
// udpprobeinfo), to compare the ICMP error's quote against. IPID and
// UDPSum are the fields as they went on the wire, read big-endian.
type UDPProbe struct {
	Target       [4]byte
	SPort, DPort uint16
	IPID         uint16
	UDPSum       uint16
	Pattern      byte
}

// PUReply reports whether ip is an answer nmap 2.0x takes for the PU
// test: a whole ICMP port unreachable (type 3 code 3) from the probed
// host, quoting a UDP header with the probe's ports (the quoted IP header
// is taken to be 20 bytes long, as fingerprint_portunreach() does).
func PUReply(ip []byte, probe UDPProbe) bool {
	_, ok := puQuote(ip, probe)
	return ok
}

// puQuote returns the offset of the quoted IP header in ip.
func puQuote(ip []byte, probe UDPProbe) (int, bool) {
	icmp, ok := l4(ip, wire.ProtoICMP, 8+20+8)
	if !ok || [4]byte(ip[12:16]) != probe.Target || icmp[0] != 3 || icmp[1] != 3 {
		return 0, false
	}
	q := int(ip[0]&0x0f)*4 + 8 // the quote follows the 8-byte ICMP header
	udp := icmp[8+20:]
	if binary.BigEndian.Uint16(udp[0:]) != probe.SPort || binary.BigEndian.Uint16(udp[2:]) != probe.DPort {
		return 0, false
	}
	return q, true
}

// PUTest is fingerprint_portunreach(): the observed PU test for an ICMP
// port unreachable answering the probe. Attributes, in nmap's order:
//
//	Resp=Y; DF; TOS (%hX); IPLEN, the reply's IP total length (%hX);
//	RIPTL, the quoted IP total length (%hX); RID, the quoted IP ID: 0 if
//	zero, E if ours, F otherwise; RIPCK, the quoted IP header checksum
//	recomputed: 0 if zero, E if right, F if wrong; UCK, the quoted UDP
//	checksum: 0 if zero, E if ours, F otherwise; ULEN, the quoted UDP
//	length (%hX); DAT: E if every quoted payload byte, up to the reply's
//	IP total length, is the pattern byte (also when none is quoted).
//
// RID is included: 2.0x left it out only when built on Solaris, SunOS or
// IRIX, and nmap ran on Linux here.
func PUTest(ip []byte, probe UDPProbe) (Test, bool) {
	q, ok := puQuote(ip, probe)
	if !ok {
		return Test{}, false
	}
	quoted := ip[q:]
	udp := quoted[20:]
	total := int(binary.BigEndian.Uint16(ip[2:]))
	return Test{Name: "PU", Attrs: []Attr{
		{"Resp", "Y"},
		{"DF", yesNo(binary.BigEndian.Uint16(ip[6:])&wire.FlagDF != 0)},
		{"TOS", hexUpper(uint64(ip[1]))},
		{"IPLEN", hexUpper(uint64(total))},
		{"RIPTL", hexUpper(uint64(binary.BigEndian.Uint16(quoted[2:])))},
		{"RID", sameZeroOther(binary.BigEndian.Uint16(quoted[4:]), probe.IPID)},
		{"RIPCK", quotedIPChecksum(quoted[:20])},
		{"UCK", sameZeroOther(binary.BigEndian.Uint16(udp[6:]), probe.UDPSum)},
		{"ULEN", hexUpper(uint64(binary.BigEndian.Uint16(udp[4:])))},
		{"DAT", yesNoEF(patternIntact(ip[q+28:total], probe.Pattern))},
	}}, true
}

// sameZeroOther is the E/0/F verdict nmap gives a quoted field: 0 when it
// is zero (checked first), E when it equals what was sent, F otherwise.
func sameZeroOther(got, sent uint16) string {
	switch got {
	case 0:
		return "0"
	case sent:
		return "E"
	}
	return "F"
}

// quotedIPChecksum recomputes the quoted IP header's checksum over its
// first 20 bytes: 0 when the field is zero, E when it is right, F if not.
func quotedIPChecksum(h []byte) string {
	field := binary.BigEndian.Uint16(h[10:])
	if field == 0 {
		return "0"
	}
	var acc uint32
	for i := 0; i < 20; i += 2 {
		if i != 10 {
			acc += uint32(h[i])<<8 | uint32(h[i+1])
		}
	}
	for acc > 0xffff {
		acc = acc>>16 + acc&0xffff
	}
	if ^uint16(acc) == field {
		return "E"
	}
	return "F"
}

func patternIntact(data []byte, pattern byte) bool {
	for _, c := range data {
		if c != pattern {
			return false
		}
	}
	return true
}

// l4 returns the transport part of a whole IPv4 packet of protocol proto
// with at least min bytes; "whole" means the buffer holds the IP total
// length, which nmap checks before it reads an ICMP error.
func l4(ip []byte, proto uint8, min int) ([]byte, bool) {
	if len(ip) < 20 || ip[0]>>4 != 4 || ip[9] != proto {
		return nil, false
	}
	ihl := int(ip[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(ip[2:]))
	if ihl < 20 || total > len(ip) || total < ihl+min {
		return nil, false
	}
	return ip[ihl:total], true
}

func yesNo(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

func yesNoEF(b bool) string {
	if b {
		return "E"
	}
	return "F"
}

// hexUpper is printf's %X (and %hX for 16-bit values): upper-case hex
// without leading zeros.
func hexUpper(v uint64) string { return strings.ToUpper(strconv.FormatUint(v, 16)) }
