package detector_test

import (
	"encoding/binary"
	"net"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire/wiretest"
)

// ipv6SYN is a SYN from 2001:db8::1 to 2001:db8::2 port p, window 1024
// and no options.
func ipv6SYN(p uint16) []byte {
	ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP,
		SrcIP: net.ParseIP("2001:db8::1"), DstIP: net.ParseIP("2001:db8::2")}
	tcp := &layers.TCP{SrcPort: 40000, DstPort: layers.TCPPort(p), SYN: true, Window: 1024, Seq: 7}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		panic(err)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, tcp); err != nil {
		panic(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// sll wraps a packet in a Linux cooked capture header (DLT_LINUX_SLL)
// with protocol proto.
func sll(proto uint16, ip []byte) []byte {
	h := make([]byte, 16, 16+len(ip))
	binary.BigEndian.PutUint16(h[0:], 4) // sent by us
	binary.BigEndian.PutUint16(h[2:], 1) // ARPHRD_ETHER
	binary.BigEndian.PutUint16(h[4:], 6)
	copy(h[6:], []byte{2, 0, 0, 0, 0, 1})
	binary.BigEndian.PutUint16(h[14:], proto)
	return append(h, ip...)
}

var _ = Describe("link types and IPv6", func() {
	const v6Ports = 30
	// scan6 is a 30-port IPv6 SYN scan, fed straight to Packet.
	scan6 := func() ([]detector.Finding, detector.Stats) {
		d := detector.New(detector.Config{})
		for p := range uint16(v6Ports) {
			d.Packet(t0, ipv6SYN(20+p))
		}
		return d.Findings(), d.Stats()
	}
	// want is what the IPv4 exchange and the IPv6 scan give alone, by
	// scanner (IPv4 first).
	want := func() []detector.Finding {
		fs, _ := detect(detector.Config{}, nmap202Scan().packets())
		fs6, _ := scan6()
		return append(fs, fs6...)
	}

	// mixed interleaves the IPv6 SYN scan with the IPv4 exchange.
	mixed := func(lt capture.LinkType, wrap4, wrap6 func([]byte) []byte) *capture.Capture {
		c := &capture.Capture{LinkType: lt}
		for i, p := range nmap202Scan().packets() {
			if i < v6Ports {
				c.Add(t0, wrap6(ipv6SYN(uint16(20+i))), "")
			}
			c.Add(p.at, wrap4(p.data), "")
		}
		return c
	}
	raw := func(b []byte) []byte { return b }
	ethernet := func(b []byte) []byte { return wiretest.Ethernet(wiretest.EtherIPv4, b) }
	ethernet6 := func(b []byte) []byte { return wiretest.Ethernet(wiretest.EtherIPv6, b) }

	DescribeTable("find in IPv4 and IPv6 what each would alone",
		func(c *capture.Capture) {
			Expect(detector.DetectCapture(c)).To(Equal(want()))
		},
		Entry("Ethernet with 0x86dd frames", mixed(capture.LinkTypeEthernet, ethernet, ethernet6)),
		Entry("raw IP with version-6 packets", mixed(capture.LinkTypeRaw, raw, raw)),
		Entry("Linux cooked capture (SLL)", mixed(capture.LinkTypeLinuxSLL,
			func(b []byte) []byte { return sll(0x0800, b) }, func(b []byte) []byte { return sll(0x86dd, b) })),
	)

	It("finds an IPv6 SYN scan fed straight to Packet, under its IPv6 addresses", func() {
		fs, st := scan6()
		// nmap 2.0x's template, but nmap 2.0x spoke IPv4 only; IPv6 has
		// no IP ID, so "one IP ID" is no feature.
		Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", "tool.other"}))
		Expect(fs[1].Attrs).To(HaveKeyWithValue("features", "no-tcp-options,window=1024,ttl=64,sport=40000"))
		Expect(fs[0].Scanner.String()).To(Equal("2001:db8::1"))
		Expect(fs[0].Targets).To(HaveLen(1))
		Expect(fs[0].Targets[0].String()).To(Equal("2001:db8::2"))
		Expect(fs[0].Ports).To(Equal(v6Ports))
		Expect(st.Sources).To(Equal(1))
		Expect(st.Flows).To(Equal(v6Ports))
	})
})
