package netns_test

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/google/nftables"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

// The lab of the live firewall specs: a kernel host and a personality
// host with the same TCP port states, the kernel host with UDP states
// too, and a plain kernel host without any filtered port.
var (
	fwKernel  = netip.MustParseAddr("198.18.1.2")
	fwPersona = netip.MustParseAddr("198.18.2.2")
	fwPlain   = netip.MustParseAddr("198.18.3.2")
)

func firewallSpec() netns.Spec {
	return netns.Spec{Hosts: []labnet.Host{
		{Name: "kernel", Addr: fwKernel, OpenTCP: []uint16{21, 22}, FilteredTCP: []uint16{23, 111}, ProhibitedTCP: []uint16{25, 113},
			OpenUDP: []uint16{53}, FilteredUDP: []uint16{69}, ProhibitedUDP: []uint16{161, 22}},
		{Name: "persona", Addr: fwPersona, Stack: "personality/linux-2.0.35", OpenTCP: []uint16{21, 22},
			FilteredTCP: []uint16{23, 111}, ProhibitedTCP: []uint16{25, 113}},
		{Name: "plain", Addr: fwPlain, OpenTCP: []uint16{22}},
	}}
}

// fwWindow is how long the specs listen after the probes: the lab's
// answers take well under a millisecond, so a port still silent after
// it is silent for good (a SYN/ACK retransmission would come after 1 s).
const fwWindow = 300 * time.Millisecond

// fwSeq is every TCP probe's sequence number.
const fwSeq = 7000

// fwSport is the scanner's source port for a probe to port.
func fwSport(port uint16) uint16 { return 40000 + port }

// verdict says in words what host answered to the probe of proto from
// sport to port among the packets read: "SYN/ACK", "RST/ACK",
// "ICMP 3/13", "silence".
func verdict(seen []wire.Packet, host netip.Addr, proto uint8, sport, port uint16) string {
	for _, pk := range seen {
		if !answers(pk, host, proto, sport, port) {
			continue
		}
		if pk.Proto() == protoICMP {
			return fmt.Sprintf("ICMP %d/%d", pk.ICMPType(), pk.ICMPCode())
		}
		v := map[uint8]string{wire.FlagSYN | wire.FlagACK: "SYN/ACK",
			wire.FlagRST | wire.FlagACK: "RST/ACK"}[pk.TCPFlags()]
		if v == "" {
			v = fmt.Sprintf("TCP flags %#x", pk.TCPFlags())
		}
		if pk.Ack() != fwSeq+1 {
			v += fmt.Sprintf(" with ack %d, not %d", pk.Ack(), fwSeq+1)
		}
		return v
	}
	return "silence"
}

var _ = Describe("filtered and prohibited ports, live", Ordered, Label("root"), func() {
	var (
		lab  *netns.Lab
		seen []wire.Packet
	)
	tcpPorts := []uint16{21, 22, 23, 24, 25, 111, 113}
	udpPorts := []uint16{53, 54, 69, 161, 22}

	BeforeAll(func() {
		lab = netnstest.BuildLab(firewallSpec())
		// Every probe at once and one listening window, so that a silent
		// port is judged over the same time in which its neighbours
		// answered.
		var pkts [][]byte
		for _, host := range []netip.Addr{fwKernel, fwPersona} {
			for _, port := range tcpPorts {
				pkts = append(pkts, tcpProbe(lab, host, fwSport(port), port, fwSeq, wire.FlagSYN, nil))
			}
		}
		for i, port := range udpPorts {
			pkts = append(pkts, udpProbe(lab, fwKernel, uint16(100+i), fwSport(port), port, []byte("siglab")))
		}
		writeTUN(lab, pkts...)
		seen = readTUN(lab, fwWindow)
	})

	DescribeTable("answers a SYN to each TCP port as its state says",
		func(host netip.Addr, port uint16, want string) {
			Expect(verdict(seen, host, protoTCP, fwSport(port), port)).To(Equal(want))
		},
		Entry("kernel host, open 21", fwKernel, uint16(21), "SYN/ACK"),
		Entry("kernel host, open 22", fwKernel, uint16(22), "SYN/ACK"),
		Entry("kernel host, closed 24", fwKernel, uint16(24), "RST/ACK"),
		Entry("kernel host, filtered 23: dropped", fwKernel, uint16(23), "silence"),
		Entry("kernel host, filtered 111: dropped", fwKernel, uint16(111), "silence"),
		Entry("kernel host, prohibited 25: reject", fwKernel, uint16(25), "ICMP 3/13"),
		Entry("kernel host, prohibited 113: reject", fwKernel, uint16(113), "ICMP 3/13"),
		Entry("personality host, open 21", fwPersona, uint16(21), "SYN/ACK"),
		Entry("personality host, closed 24", fwPersona, uint16(24), "RST/ACK"),
		Entry("personality host, filtered 23", fwPersona, uint16(23), "silence"),
		Entry("personality host, prohibited 25", fwPersona, uint16(25), "ICMP 3/13"),
		Entry("personality host, prohibited 113", fwPersona, uint16(113), "ICMP 3/13"),
	)

	DescribeTable("answers a datagram to each UDP port of the kernel host as its state says",
		func(port uint16, want string) {
			Expect(verdict(seen, fwKernel, protoUDP, fwSport(port), port)).To(Equal(want))
		},
		Entry("open 53 (a bound socket): silence", uint16(53), "silence"),
		Entry("closed 54: port unreachable", uint16(54), "ICMP 3/3"),
		Entry("filtered 69: dropped", uint16(69), "silence"),
		Entry("prohibited 161: reject", uint16(161), "ICMP 3/13"),
		Entry("prohibited 22, open on TCP: the lists are per protocol", uint16(22), "ICMP 3/13"),
	)

	It("answers the reject from the host's own address, quoting the probe whole", func() {
		var icmp []wire.Packet
		for _, pk := range seen {
			if pk.Proto() == protoICMP && pk.ICMPCode() == 13 && pk.Src() == fwKernel {
				icmp = append(icmp, pk)
			}
		}
		Expect(icmp).To(HaveLen(4), "25/tcp, 113/tcp, 161/udp, 22/udp")
		for _, pk := range icmp {
			q, ok := pk.Quoted()
			Expect(ok).To(BeTrue())
			Expect(q.Src()).To(Equal(lab.Scanner()))
			Expect(q.Dst()).To(Equal(fwKernel))
			Expect(pk.TTL()).To(BeEquivalentTo(62), "64 less the sensor and the scan namespace")
		}
	})

	It("puts its rules in an nftables table of the host's namespace, and none where nothing is filtered", func() {
		tables := func(host string) []string {
			ns, ok := lab.HostNS(host)
			Expect(ok).To(BeTrue())
			c, err := nftables.New(nftables.WithNetNSFd(int(ns)))
			Expect(err).NotTo(HaveOccurred())
			ts, err := c.ListTables()
			Expect(err).NotTo(HaveOccurred())
			var names []string
			for _, t := range ts {
				names = append(names, t.Name)
			}
			return names
		}
		Expect(tables("kernel")).To(Equal([]string{"siglab"}))
		Expect(tables("plain")).To(BeEmpty())
	})

	DescribeTable("applies the same rules to a SYN split into fragments, as nmap -f sends it",
		func(port uint16, want string) {
			sport := fwSport(port) + 1000 // not the sport of the first round's probe
			// 8-byte pieces, as today's nmap cuts them
			frags := wiretest.Fragments(tcpProbe(lab, fwKernel, sport, port, fwSeq, wire.FlagSYN, nil), 8, 16)
			Expect(frags).To(HaveLen(3))
			writeTUN(lab, frags...)
			Expect(verdict(readTUN(lab, fwWindow), fwKernel, protoTCP, sport, port)).To(Equal(want))
		},
		Entry("closed 24: reassembled and reset", uint16(24), "RST/ACK"),
		Entry("filtered 23: dropped", uint16(23), "silence"),
		Entry("prohibited 25: rejected", uint16(25), "ICMP 3/13"),
	)

	It("keeps a plain kernel host's ports as the kernel answers them", func() {
		writeTUN(lab, tcpProbe(lab, fwPlain, fwSport(23), 23, fwSeq, wire.FlagSYN, nil),
			tcpProbe(lab, fwPlain, fwSport(22), 22, fwSeq, wire.FlagSYN, nil))
		more := readTUN(lab, fwWindow)
		Expect(verdict(more, fwPlain, protoTCP, fwSport(22), 22)).To(Equal("SYN/ACK"))
		Expect(verdict(more, fwPlain, protoTCP, fwSport(23), 23)).To(Equal("RST/ACK"))
	})
})

var _ = Describe("Build refuses port lists that contradict each other", func() {
	host := func(h labnet.Host) netns.Spec {
		h.Name, h.Addr = "x", netip.MustParseAddr("198.18.1.2")
		return netns.Spec{Hosts: []labnet.Host{h}}
	}
	DescribeTable("refusal",
		func(spec netns.Spec, mention string) {
			lab, err := netns.Build(spec)
			Expect(lab).To(BeNil())
			Expect(err).To(MatchError(netns.ErrBadSpec))
			Expect(err.Error()).To(ContainSubstring(mention))
		},
		Entry("open and filtered", host(labnet.Host{OpenTCP: []uint16{22}, FilteredTCP: []uint16{22}}), "tcp port 22 is both open and filtered"),
		Entry("filtered and prohibited", host(labnet.Host{FilteredTCP: []uint16{25}, ProhibitedTCP: []uint16{25}}), "tcp port 25 is both filtered and prohibited"),
		Entry("open and prohibited UDP", host(labnet.Host{OpenUDP: []uint16{53}, ProhibitedUDP: []uint16{53}}), "udp port 53 is both open and prohibited"),
		Entry("filtered twice", host(labnet.Host{FilteredTCP: []uint16{23, 23}}), "filtered tcp port 23 listed twice"),
		Entry("open UDP twice", host(labnet.Host{OpenUDP: []uint16{53, 53}}), "open udp port 53 listed twice"),
		Entry("prohibited port 0", host(labnet.Host{ProhibitedTCP: []uint16{0}}), "prohibited tcp port 0"),
		Entry("filtered UDP on a personality", host(labnet.Host{Stack: "personality/irix-6.2", FilteredUDP: []uint16{69}}), "need a kernel host"),
		Entry("prohibited UDP on a personality", host(labnet.Host{Stack: "personality/irix-6.2", ProhibitedUDP: []uint16{69}}), "need a kernel host"),
	)
})
