package wiretest

import (
	"encoding/binary"

	"github.com/siglab/siglab/wire"
)

// TCP is one IPv4/TCP packet with h's and t's fields, lengths and both
// checksums right.
func TCP(h wire.IPHeader, t wire.TCPSegment) []byte { return wire.AppendTCP(nil, &h, &t) }

// Answer is the segment that answers t with flags: ports swapped and Ack
// t.Seq+1 (a SYN/ACK or RST/ACK of a target); the caller sets Seq,
// Window and Options as the answering stack would.
func Answer(t wire.TCPSegment, flags uint8) wire.TCPSegment {
	return wire.TCPSegment{SPort: t.DPort, DPort: t.SPort, Ack: t.Seq + 1, Flags: flags}
}

// UDP is one IPv4/UDP datagram.
func UDP(h wire.IPHeader, sport, dport uint16, payload []byte) []byte {
	return wire.AppendUDP(nil, &h, sport, dport, payload)
}

// ICMP is one IPv4/ICMP message of type typ and code whose second header
// word holds id and seq (an echo's identifier and sequence number; zero
// in an unreachable), followed by data.
func ICMP(h wire.IPHeader, typ, code uint8, id, seq uint16, data []byte) []byte {
	body := make([]byte, 4, 4+len(data))
	binary.BigEndian.PutUint16(body[0:], id)
	binary.BigEndian.PutUint16(body[2:], seq)
	return wire.AppendICMP(nil, &h, typ, code, append(body, data...))
}

// Unreachable is the ICMP destination unreachable (type 3) with code
// that h.Src sends h.Dst about a probe, quoting quoted: the probe's IP
// header and as much of the rest as the answering stack quotes (8 bytes
// by RFC 792, Linux the whole datagram).
func Unreachable(h wire.IPHeader, code uint8, quoted []byte) []byte {
	return ICMP(h, 3, code, 0, 0, quoted)
}

// Fragments splits an IPv4 packet with a 20-byte header into fragments
// cut at the given offsets into its payload (multiples of 8, rising), as
// a sender's -f does: len(cuts)+1 fragments, all with pkt's header
// fields and ID, MF on all but the last, each header's checksum right.
func Fragments(pkt []byte, cuts ...int) [][]byte {
	if pkt[0] != 0x45 {
		panic("wiretest.Fragments: not an IPv4 packet with a 20-byte header")
	}
	p := wire.Packet(pkt)
	h := wire.IPHeader{TOS: pkt[1], ID: p.ID(), TTL: p.TTL(), Src: p.Src(), Dst: p.Dst(), Proto: p.Proto()}
	df := binary.BigEndian.Uint16(pkt[6:]) & wire.FlagDF
	data := pkt[20:binary.BigEndian.Uint16(pkt[2:])]
	var out [][]byte
	from := 0
	for i := 0; i <= len(cuts); i++ {
		to, mf := len(data), uint16(0)
		if i < len(cuts) {
			to, mf = cuts[i], wire.FlagMF
		}
		if from%8 != 0 || to <= from || to > len(data) {
			panic("wiretest.Fragments: cuts must be rising multiples of 8 inside the payload")
		}
		h.Frag = df | mf | uint16(from/8)
		out = append(out, wire.AppendIPv4(nil, &h, data[from:to]))
		from = to
	}
	return out
}

// EtherType values for Ethernet.
const (
	EtherIPv4 = 0x0800
	EtherARP  = 0x0806
	EtherIPv6 = 0x86dd
)

// Ethernet wraps payload in an Ethernet frame of type typ from
// 02:00:00:00:00:01 to 02:00:00:00:00:02, padded with zeros to 60 bytes
// (the minimum frame without its FCS) as a capture shows short frames.
func Ethernet(typ uint16, payload []byte) []byte {
	f := make([]byte, 14, max(60, 14+len(payload)))
	copy(f[0:6], []byte{2, 0, 0, 0, 0, 2})
	copy(f[6:12], []byte{2, 0, 0, 0, 0, 1})
	binary.BigEndian.PutUint16(f[12:], typ)
	f = append(f, payload...)
	return f[:cap(f)]
}
