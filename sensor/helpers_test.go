package sensor_test

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
)

var victim = netip.MustParseAddr("198.18.1.2")

func buildLab() *netns.Lab {
	lab, err := netns.Build(netns.Spec{Hosts: []labnet.Host{{Name: "victim", Addr: victim,
		OpenTCP: []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}}}})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(lab.Close)
	return lab
}

// synTo writes a scanner SYN with payload bytes of data into the TUN.
func synTo(lab *netns.Lab, sport, dport uint16, payload int) {
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP, Id: sport,
		SrcIP: lab.Scanner().AsSlice(), DstIP: victim.AsSlice()}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: 7, SYN: true, Window: 4096}
	Expect(tcp.SetNetworkLayerForChecksum(ip)).To(Succeed())
	buf := gopacket.NewSerializeBuffer()
	Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		ip, tcp, gopacket.Payload(make([]byte, payload)))).To(Succeed())
	_, err := lab.TUN().Write(buf.Bytes())
	Expect(err).NotTo(HaveOccurred())
}

// awaitReply reads the TUN until a TCP packet from victim:sport arrives.
func awaitReply(lab *netns.Lab, sport uint16) {
	buf := make([]byte, 65536)
	Expect(lab.TUN().SetReadDeadline(time.Now().Add(2 * time.Second))).To(Succeed())
	for {
		n, err := lab.TUN().Read(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			Fail("no reply from port " + layers.TCPPort(sport).String())
		}
		Expect(err).NotTo(HaveOccurred())
		p := gopacket.NewPacket(buf[:n], layers.LayerTypeIPv4, gopacket.Default)
		if tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP); ok && uint16(tcp.SrcPort) == sport {
			return
		}
	}
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
