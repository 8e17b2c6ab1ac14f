package verifier

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/wire"
)

// flowTuple is one direction of a conversation as the probe went: its
// protocol, source and destination. ICMP echoes use the identifier as
// the source "port" and the sequence number as the destination's.
type flowTuple struct {
	proto    uint8
	src, dst netip.AddrPort
}

// annotateReplies labels the answers after annotate has labelled the
// probes: a packet without a comment that answers a labelled one (the
// same addresses and ports reversed, an echo reply to an echo request,
// an ICMP error quoting the probe) gets "answer to T3: SYN/ACK". An
// analyst reading the pcapng in Wireshark sees which probe drew which
// answer without matching ports by hand.
func annotateReplies(c *capture.Capture) {
	probes := map[flowTuple]string{}
	for i := range c.Packets {
		p := &c.Packets[i]
		ip, err := capture.IPv4(c.LinkType, p.Data)
		if err != nil {
			continue
		}
		pk, ok := wire.ParsePacket(ip)
		if !ok {
			continue
		}
		if p.Comment != "" {
			if k, ok := probeTuple(pk); ok {
				probes[k] = p.Comment
			}
			continue
		}
		if k, what, ok := answerTuple(pk); ok {
			if label := probes[k]; label != "" {
				p.Comment = "answer to " + label + ": " + what
			}
		}
	}
}

// probeTuple is pk's tuple as a probe.
func probeTuple(pk wire.Packet) (flowTuple, bool) {
	l4 := pk.L4()
	switch {
	case (pk.IsTCP() || pk.Proto() == wire.ProtoUDP) && len(l4) >= 4:
		return flowTuple{pk.Proto(), netip.AddrPortFrom(pk.Src(), pk.SPort()), netip.AddrPortFrom(pk.Dst(), pk.DPort())}, true
	case pk.Proto() == wire.ProtoICMP && len(l4) >= 8 && l4[0] == 8: // echo request
		return flowTuple{wire.ProtoICMP, netip.AddrPortFrom(pk.Src(), binary.BigEndian.Uint16(l4[4:])), netip.AddrPortFrom(pk.Dst(), binary.BigEndian.Uint16(l4[6:]))}, true
	}
	return flowTuple{}, false
}

// answerTuple is the tuple of the probe pk answers, and what pk is.
func answerTuple(pk wire.Packet) (flowTuple, string, bool) {
	l4 := pk.L4()
	switch {
	case pk.IsTCP() && len(l4) >= 14:
		return flowTuple{wire.ProtoTCP, netip.AddrPortFrom(pk.Dst(), pk.DPort()), netip.AddrPortFrom(pk.Src(), pk.SPort())}, tcpFlagNames(pk.TCPFlags()), true
	case pk.Proto() == wire.ProtoUDP && len(l4) >= 4:
		return flowTuple{wire.ProtoUDP, netip.AddrPortFrom(pk.Dst(), pk.DPort()), netip.AddrPortFrom(pk.Src(), pk.SPort())}, "UDP reply", true
	case pk.Proto() == wire.ProtoICMP && len(l4) >= 8 && l4[0] == 0: // echo reply
		return flowTuple{wire.ProtoICMP, netip.AddrPortFrom(pk.Dst(), binary.BigEndian.Uint16(l4[4:])), netip.AddrPortFrom(pk.Src(), binary.BigEndian.Uint16(l4[6:]))}, "echo reply", true
	}
	if q, ok := pk.Quoted(); ok {
		if k, ok := probeTuple(q); ok {
			return k, icmpErrorName(l4[0], l4[1]), true
		}
	}
	return flowTuple{}, "", false
}

// tcpFlagNames spells flags as tcpdump users say them: "SYN/ACK",
// "RST/ACK", "FIN/PSH/URG".
func tcpFlagNames(f uint8) string {
	var names []string
	for _, fl := range []struct {
		bit  uint8
		name string
	}{{0x02, "SYN"}, {0x01, "FIN"}, {0x04, "RST"}, {0x08, "PSH"}, {0x10, "ACK"}, {0x20, "URG"}, {0x40, "ECE"}, {0x80, "CWR"}} {
		if f&fl.bit != 0 {
			names = append(names, fl.name)
		}
	}
	if len(names) == 0 {
		return "TCP without flags"
	}
	return strings.Join(names, "/")
}

// icmpErrorName names an ICMP error: "ICMP port unreachable".
func icmpErrorName(typ, code uint8) string {
	if typ == 3 {
		switch code {
		case 3:
			return "ICMP port unreachable"
		case 13:
			return "ICMP administratively prohibited"
		case 1:
			return "ICMP host unreachable"
		}
		return fmt.Sprintf("ICMP unreachable code %d", code)
	}
	return fmt.Sprintf("ICMP type %d code %d", typ, code)
}
