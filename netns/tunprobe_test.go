package netns_test

import (
	"net/netip"
	"time"

	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/wire"
)

// Probes written into a lab's TUN, built by the generator's own packet
// builders, and the replies read back from it, as wire.Packet views.
// The live firewall and personality specs share them.

// probeTTL is the TTL of the specs' probes (nmap 2.02's 51..64 range).
const probeTTL = 52

// probeHeader is the IP header of a raw probe from the lab's scanner:
// no DF, TOS 0, as nmap 2.02's send_tcp_raw and send_udp_raw made them.
func probeHeader(lab *netns.Lab, dst netip.Addr, id uint16) wire.IPHeader {
	return wire.IPHeader{ID: id, TTL: probeTTL, Src: lab.Scanner(), Dst: dst}
}

// tcpProbe is a TCP segment from the scanner to dst:dport.
func tcpProbe(lab *netns.Lab, dst netip.Addr, sport, dport uint16, seq uint32, flags uint8, opts []byte) []byte {
	h := probeHeader(lab, dst, sport^0x1234)
	t := wire.TCPSegment{SPort: sport, DPort: dport, Seq: seq, Flags: flags, Window: 1024, Options: opts}
	return wire.AppendTCP(nil, &h, &t)
}

// udpProbe is a UDP datagram from the scanner to dst:dport.
func udpProbe(lab *netns.Lab, dst netip.Addr, id, sport, dport uint16, payload []byte) []byte {
	h := probeHeader(lab, dst, id)
	return wire.AppendUDP(nil, &h, sport, dport, payload)
}

// writeTUN writes packets into the lab as the generator does.
func writeTUN(lab *netns.Lab, pkts ...[]byte) {
	for _, p := range pkts {
		_, err := lab.TUN().Write(p)
		Expect(err).NotTo(HaveOccurred())
	}
}

// readTUN returns every IPv4 packet to the scanner that the lab's TUN
// gives within d, in arrival order.
func readTUN(lab *netns.Lab, d time.Duration) []wire.Packet {
	return netnstest.ReadTUN(lab.TUN(), d, func(p wire.Packet) bool { return p.Dst() == lab.Scanner() })
}

// answers reports whether pk is host's answer to a probe of proto from
// the scanner's sport to host's dport: a TCP segment between those
// ports, or an ICMP error quoting that probe.
func answers(pk wire.Packet, host netip.Addr, proto uint8, sport, dport uint16) bool {
	if pk.Src() != host {
		return false
	}
	if pk.Proto() == protoICMP {
		q, ok := pk.Quoted()
		return ok && q.Dst() == host && q.Proto() == proto && q.SPort() == sport && q.DPort() == dport
	}
	return proto == protoTCP && pk.Proto() == protoTCP && pk.SPort() == dport && pk.DPort() == sport
}

// IP protocol numbers the specs read.
const (
	protoICMP = 1
	protoTCP  = 6
	protoUDP  = 17
)
