package wire

import (
	"encoding/binary"
	"net/netip"
)

// Packet is a read-only view of an IPv4 packet received, with
// the fields the scan engines, the emulated stacks and the scanner's kernel look at. Views are
// cheap to make and do not copy.
type Packet []byte

// ParsePacket returns a view of b if b is a whole IPv4 packet with at
// least its transport header (TCP 20, UDP 8, ICMP 8 bytes).
func ParsePacket(b []byte) (Packet, bool) {
	if len(b) < 20 || b[0]>>4 != 4 {
		return nil, false
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:]))
	if ihl < 20 || total < ihl || total > len(b) {
		return nil, false
	}
	need := 8
	if b[9] == ProtoTCP {
		need = 20
	}
	if binary.BigEndian.Uint16(b[6:])&OffsetMask != 0 || total-ihl < need {
		return nil, false // fragments past the first carry no header
	}
	return Packet(b[:total]), true
}

func (p Packet) ihl() int              { return int(p[0]&0x0f) * 4 }
func (p Packet) Proto() uint8          { return p[9] }
func (p Packet) TTL() uint8            { return p[8] }
func (p Packet) ID() uint16            { return binary.BigEndian.Uint16(p[4:]) }
func (p Packet) Src() netip.Addr       { return netip.AddrFrom4([4]byte(p[12:16])) }
func (p Packet) Dst() netip.Addr       { return netip.AddrFrom4([4]byte(p[16:20])) }
func (p Packet) L4() []byte            { return p[p.ihl():] }
func (p Packet) SPort() uint16         { return binary.BigEndian.Uint16(p.L4()[0:]) }
func (p Packet) DPort() uint16         { return binary.BigEndian.Uint16(p.L4()[2:]) }
func (p Packet) Seq() uint32           { return binary.BigEndian.Uint32(p.L4()[4:]) }
func (p Packet) Ack() uint32           { return binary.BigEndian.Uint32(p.L4()[8:]) }
func (p Packet) TCPFlags() uint8       { return p.L4()[13] }
func (p Packet) Window() uint16        { return binary.BigEndian.Uint16(p.L4()[14:]) }
func (p Packet) ICMPType() uint8       { return p.L4()[0] }
func (p Packet) ICMPCode() uint8       { return p.L4()[1] }
func (p Packet) TCPOptions() []byte    { return p.L4()[20:p.tcpHeaderEnd()] }
func (p Packet) TCPPayload() []byte    { return p.L4()[p.tcpHeaderEnd():] }
func (p Packet) IsTCP() bool           { return p.Proto() == ProtoTCP }
func (p Packet) HasFlags(f uint8) bool { return p.TCPFlags()&f == f }

// Quoted returns the IPv4 packet an ICMP error message quotes (its header
// and at least 8 bytes), if p is one.
func (p Packet) Quoted() (Packet, bool) {
	if p.Proto() != ProtoICMP || len(p.L4()) < 8+20+8 {
		return nil, false
	}
	q := []byte(p.L4()[8:])
	if q[0]>>4 != 4 {
		return nil, false
	}
	ihl := int(q[0]&0x0f) * 4
	if ihl < 20 || len(q) < ihl+8 {
		return nil, false
	}
	return Packet(q), true
}

// tcpHeaderEnd is where the TCP header ends within L4: its data offset,
// read as at least the 20 fixed bytes (a malformed offset below 5 would
// put the options before the header's end) and at most what arrived.
func (p Packet) tcpHeaderEnd() int {
	return min(max(int(p.L4()[12]>>4)*4, 20), len(p.L4()))
}
