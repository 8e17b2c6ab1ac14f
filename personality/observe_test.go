package personality_test

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/wire"
)

// decoded is a reply taken apart by gopacket, independently of the
// builders the stacks use.
type decoded struct {
	raw  []byte
	ip   *layers.IPv4
	tcp  *layers.TCP
	icmp *layers.ICMPv4
}

func decode(b []byte) decoded {
	pk := gopacket.NewPacket(b, layers.LayerTypeIPv4, gopacket.Default)
	d := decoded{raw: b}
	d.ip, _ = pk.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	d.tcp, _ = pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
	d.icmp, _ = pk.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
	return d
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

// tcpLine is what nmap 2.0x's fingerprint says of the replies to one T
// probe (osscan.c, get_fingerprint).
func tcpLine(replies [][]byte) string {
	if len(replies) == 0 {
		return "Resp=N"
	}
	d := decode(replies[0])
	if d.tcp == nil {
		return "Resp=?not TCP"
	}
	ack := "O"
	switch d.tcp.Ack {
	case seqBase:
		ack = "S"
	case seqBase + 1:
		ack = "S++"
	}
	return fmt.Sprintf("Resp=Y%%DF=%s%%W=%X%%ACK=%s%%Flags=%s%%Ops=%s",
		yn(d.ip.Flags&layers.IPv4DontFragment != 0), d.tcp.Window, ack,
		flagLetters(d.raw[d.ip.IHL*4+13]), opsLetters(d.tcp.Contents[20:d.tcp.DataOffset*4]))
}

// flagLetters spells TCP flags in nmap's fixed order B U A P R S F.
func flagLetters(f byte) string {
	var s strings.Builder
	for _, l := range []struct {
		bit byte
		c   byte
	}{{0x40, 'B'}, {0x20, 'U'}, {0x10, 'A'}, {0x08, 'P'}, {0x04, 'R'}, {0x02, 'S'}, {0x01, 'F'}} {
		if f&l.bit != 0 {
			s.WriteByte(l.c)
		}
	}
	return s.String()
}

// opsLetters reads TCP options as nmap 2.0x did: M (E if the MSS is 265),
// N, W, T, L (and stop); other kinds get no letter and the walk goes on
// byte by byte.
func opsLetters(o []byte) string {
	var s strings.Builder
	for i := 0; i < len(o); {
		switch o[i] {
		case 0:
			s.WriteByte('L')
			return s.String()
		case 1:
			s.WriteByte('N')
			i++
		case 2:
			s.WriteByte('M')
			if i+3 < len(o) && binary.BigEndian.Uint16(o[i+2:]) == 265 {
				s.WriteByte('E')
			}
			i += 4
		case 3:
			s.WriteByte('W')
			i += 3
		case 8:
			s.WriteByte('T')
			i += 10
		default:
			i++
		}
	}
	return s.String()
}

// puLine is what nmap 2.0x says of the ICMP port unreachable to PU.
func puLine(replies [][]byte) string {
	if len(replies) == 0 {
		return "Resp=N"
	}
	d := decode(replies[0])
	if d.icmp == nil || d.icmp.TypeCode != layers.CreateICMPv4TypeCode(3, 3) {
		return "Resp=?not a port unreachable"
	}
	q := d.icmp.Payload // the quoted datagram
	ihl := int(q[0]&0x0f) * 4
	rid := "F"
	switch binary.BigEndian.Uint16(q[4:]) {
	case puID:
		rid = "E"
	case 0:
		rid = "0"
	}
	ripck := "F"
	if sum := binary.BigEndian.Uint16(q[10:]); sum == 0 {
		ripck = "0"
	} else if wire.Checksum(q[:ihl]) == 0 {
		ripck = "E"
	}
	sent := decode(puProbe()).raw
	uck := "F"
	switch got := binary.BigEndian.Uint16(q[ihl+6:]); got {
	case binary.BigEndian.Uint16(sent[26:]):
		uck = "E"
	case 0:
		uck = "0"
	}
	dat := "E"
	for _, c := range q[ihl+8:] {
		if c != puPattern {
			dat = "F"
		}
	}
	return fmt.Sprintf("Resp=Y%%DF=%s%%TOS=%X%%IPLEN=%X%%RIPTL=%X%%RID=%s%%RIPCK=%s%%UCK=%s%%ULEN=%X%%DAT=%s",
		yn(d.ip.Flags&layers.IPv4DontFragment != 0), d.ip.TOS, d.ip.Length,
		binary.BigEndian.Uint16(q[2:]), rid, ripck, uck, binary.BigEndian.Uint16(q[ihl+4:]), dat)
}

// tseqLine is the observed TSeq line of these ISNs, classified by the
// generator's ClassifySeq (nmap-2.0x-internals.md section 5).
func tseqLine(isns []uint32) string {
	t := generator.ClassifySeq(isns).Test()
	return strings.TrimSuffix(strings.TrimPrefix(t.String(), "TSeq("), ")")
}
