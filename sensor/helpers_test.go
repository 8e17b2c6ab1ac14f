package sensor_test

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

var (
	victim = netip.MustParseAddr("198.18.1.2")
	// victimLab is the lab of the specs: the victim with nine listeners.
	victimLab = netns.Spec{Hosts: []labnet.Host{{Name: "victim", Addr: victim,
		OpenTCP: []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}}}}
)

// synTo writes a scanner SYN with payload bytes of data into the TUN.
func synTo(lab *netns.Lab, sport, dport uint16, payload int) {
	_, err := lab.TUN().Write(wiretest.TCP(wire.IPHeader{ID: sport, TTL: 64, Src: lab.Scanner(), Dst: victim},
		wire.TCPSegment{SPort: sport, DPort: dport, Seq: 7, Flags: wire.FlagSYN, Window: 4096, Payload: make([]byte, payload)}))
	Expect(err).NotTo(HaveOccurred())
}

// awaitReply reads the TUN until a TCP packet from victim:sport arrives.
func awaitReply(lab *netns.Lab, sport uint16) {
	Expect(netnstest.ReadReply(lab.TUN(), sport, 2*time.Second)).NotTo(BeNil(), "no reply from port %d", sport)
}

// seg is one decoded TCP frame of a capture.
type seg struct {
	Time     time.Time
	Src, Dst string
	Sport    uint16
	Dport    uint16
	Flags    string
	Length   int
	TTL      uint8
}

func segments(c *capture.Capture) []seg {
	var out []seg
	for _, p := range c.Packets {
		pkt := gopacket.NewPacket(p.Data, layers.LayerTypeEthernet, gopacket.Default)
		ip, _ := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		tcp, _ := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if ip == nil || tcp == nil {
			continue
		}
		f := ""
		for _, b := range []struct {
			on bool
			c  string
		}{{tcp.SYN, "S"}, {tcp.ACK, "A"}, {tcp.RST, "R"}, {tcp.FIN, "F"}} {
			if b.on {
				f += b.c
			}
		}
		out = append(out, seg{p.Time, ip.SrcIP.String(), ip.DstIP.String(), uint16(tcp.SrcPort), uint16(tcp.DstPort), f, len(p.Data), ip.TTL})
	}
	return out
}

// tcpSumOK verifies the TCP checksum of an IPv4 packet.
func tcpSumOK(ip []byte) bool {
	ihl := int(ip[0]&0xf) * 4
	tot := int(binary.BigEndian.Uint16(ip[2:]))
	seg := ip[ihl:tot]
	var sum uint32
	add := func(b []byte) {
		for i := 0; i+1 < len(b); i += 2 {
			sum += uint32(binary.BigEndian.Uint16(b[i:]))
		}
		if len(b)%2 == 1 {
			sum += uint32(b[len(b)-1]) << 8
		}
	}
	add(ip[12:20])
	sum += uint32(layers.IPProtocolTCP) + uint32(len(seg))
	add(seg)
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return sum == 0xffff
}

// expectTCPSums checks every TCP segment of a capture.
func expectTCPSums(c *capture.Capture) int {
	n := 0
	for _, p := range c.Packets {
		ip, err := capture.IPv4(c.LinkType, p.Data)
		if err != nil || ip[9] != byte(layers.IPProtocolTCP) {
			continue
		}
		Expect(tcpSumOK(ip)).To(BeTrue(), "bad TCP checksum in % x", p.Data)
		n++
	}
	return n
}
