package detector

import (
	"encoding/binary"

	"github.com/siglab/siglab/wire"
)

// Host discovery probes beside echo, timestamp and TCP: ICMP address
// mask requests (nmap -PM), SCTP INIT chunks (-PY) and bare datagrams of
// other IP protocols (-PO: IGMP, IP-in-IP and the rest).
const (
	icmpMask      = 17
	icmpMaskReply = 18
	// icmpProtoUnreach is the ICMP unreachable code for "protocol
	// unreachable": the host is up and does not speak the protocol.
	icmpProtoUnreach = 2

	protoSCTP = 132
	// sctpInit and the chunk types a target answers an INIT with.
	sctpInit    = 1
	sctpInitAck = 2
	sctpAbort   = 6

	// maxProtoProbeLen is the most payload a datagram of another IP
	// protocol may carry and still be a protocol probe: nmap's IGMP
	// query is 8 bytes, its other protocols' probes are empty, while a
	// tunnel's packets carry a whole inner packet (20 bytes and more).
	maxProtoProbeLen = 8
)

// decodeSCTP fills p's SCTP fields: ports from the common header, and
// in flags the type of the first chunk. ok is false when the first
// chunk's header is not all there.
func decodeSCTP(d []byte, sent int, p *packet) bool {
	if len(d) < 16 {
		return false
	}
	p.sport = binary.BigEndian.Uint16(d[0:])
	p.dport = binary.BigEndian.Uint16(d[2:])
	p.seq = binary.BigEndian.Uint32(d[4:]) // verification tag
	p.flags = d[12]
	p.payLen = max(sent-12, 0)
	p.payload = d[12:]
	return true
}

// sctp handles an SCTP packet: an answer to an INIT probe, or an INIT
// probe itself (the first chunk is INIT, as nmap -PY and -sY send it).
// Other SCTP traffic is an association's and passes.
func (d *Detector) sctp(p *packet) {
	if d.answer(p) || p.flags != sctpInit {
		return
	}
	s := d.prober(p, true)
	d.probe(s, flowKey{p.dst, p.dport, kindSCTP}, p)
}

// ipProto handles a packet of an IP protocol the detector has no
// decoder for: a short one to a unicast address is a protocol probe
// (nmap -PO), kept under the protocol number as its port.
func (d *Detector) ipProto(p *packet, sent int) {
	p.payLen = sent
	if d.answer(p) || sent > maxProtoProbeLen || !unicast(p.dst) {
		return
	}
	s := d.prober(p, true)
	d.probe(s, flowKey{p.dst, uint16(p.proto), kindProto}, p)
}

// unicast reports whether a is an address one host has: not multicast
// (IGMP reports go to 224.0.0.0/4), not limited broadcast.
func unicast(a [4]byte) bool { return a[0] < 224 }

// inboundOther records an answer to an SCTP or protocol probe: an INIT
// ACK or ABORT from the probed port, or any packet of the probed
// protocol from the target.
func (t *flowTable) inboundOther(p *packet) bool {
	var f *flow
	switch p.proto {
	case wire.ProtoTCP, wire.ProtoUDP, wire.ProtoICMP:
		return false
	case protoSCTP:
		f = t.find(flowKey{p.src, p.sport, kindSCTP})
		switch {
		case f == nil:
			return false
		case p.flags == sctpInitAck:
			f.state |= gotReply
		case p.flags == sctpAbort:
			f.state |= gotRST
		}
		return true
	default:
		f = t.find(flowKey{p.src, uint16(p.proto), kindProto})
	}
	if f == nil {
		return false
	}
	f.state |= gotReply
	return true
}

// inboundICMPOther records the ICMP answers to mask, SCTP and protocol
// probes: a mask reply, or an unreachable quoting the probe (protocol
// unreachable says the host is up).
func (t *flowTable) inboundICMPOther(p *packet) bool {
	var f *flow
	switch {
	case p.icmpType == icmpMaskReply:
		f = t.find(flowKey{p.src, 0, kindMask})
		if f != nil {
			f.state |= gotReply
		}
		return f != nil
	case p.icmpType != icmpUnreachable || !p.quote.ok:
		return false
	case p.quote.proto == protoSCTP:
		f = t.find(flowKey{p.quote.dst, p.quote.dport, kindSCTP})
	case p.quote.proto != wire.ProtoTCP && p.quote.proto != wire.ProtoUDP && p.quote.proto != wire.ProtoICMP:
		f = t.find(flowKey{p.quote.dst, uint16(p.quote.proto), kindProto})
	}
	if f == nil {
		return false
	}
	if p.flags == icmpProtoUnreach || p.flags == 3 {
		f.state |= gotRST
	} else {
		f.state |= gotUnreach
	}
	return true
}
