package sensor

import (
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/nsthread"
)

var _ = Describe("recording a frame", func() {
	It("does not allocate", func() {
		s := &Sensor{cap: &capture.Capture{Packets: make([]capture.Packet, 0, 4096)}}
		frame, now := make([]byte, 60), time.Now()
		Expect(testing.AllocsPerRun(1000, func() { s.record(frame, now) })).To(BeZero())
		Expect(s.cap.Packets).To(HaveLen(1001))
		s.cap.Packets[0].Data = append(s.cap.Packets[0].Data, 0xff) // must not clobber the next
		Expect(s.cap.Packets[1].Data[0]).To(BeZero())
	})
})

func mkLab() *netns.Lab {
	lab, err := netns.Build(netns.Spec{Hosts: []labnet.Host{{Name: "v", Addr: netip.MustParseAddr("198.18.1.2"), OpenTCP: []uint16{22}}}})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(lab.Close)
	return lab
}

func sendSYN(lab *netns.Lab, dport uint16) {
	buf := gopacket.NewSerializeBuffer()
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP,
		SrcIP: lab.Scanner().AsSlice(), DstIP: []byte{198, 18, 1, 2}}
	tcp := &layers.TCP{SrcPort: 33333, DstPort: layers.TCPPort(dport), Seq: 1, SYN: true, Window: 4096}
	Expect(tcp.SetNetworkLayerForChecksum(ip)).To(Succeed())
	Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, tcp)).To(Succeed())
	_, err := lab.TUN().Write(buf.Bytes())
	Expect(err).NotTo(HaveOccurred())
}

var _ = Describe("timestamps", Label("root"), func() {
	It("are the kernel's receive times, not the times frames were read", func() {
		if os.Geteuid() != 0 {
			Skip("NOT RUN: needs root to build a lab and capture")
		}
		lab := mkLab()
		s, err := open(lab.SensorNS(), lab.SensorIface()) // nobody reads for a while
		Expect(err).NotTo(HaveOccurred())
		sent := time.Now()
		sendSYN(lab, 22)
		time.Sleep(300 * time.Millisecond)
		go s.run()
		c, err := s.Stop()
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Packets).NotTo(BeEmpty())
		for _, p := range c.Packets {
			Expect(p.Time).To(BeTemporally("~", sent, 100*time.Millisecond))
		}
	})
})

var _ = Describe("the sensor under stress", Label("root"), func() {
	var lab *netns.Lab
	victim := netip.MustParseAddr("198.18.1.2")
	BeforeEach(func() {
		if os.Geteuid() != 0 {
			Skip("NOT RUN: needs root to build a lab and capture")
		}
		var err error
		lab, err = netns.Build(netns.Spec{Hosts: []labnet.Host{{Name: "v", Addr: victim, OpenTCP: []uint16{22}}}})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(lab.Close)
	})
	send := func(n int, dport uint16) {
		buf := gopacket.NewSerializeBuffer()
		for i := range n {
			ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP,
				SrcIP: lab.Scanner().AsSlice(), DstIP: victim.AsSlice()}
			tcp := &layers.TCP{SrcPort: layers.TCPPort(20000 + i), DstPort: layers.TCPPort(dport), Seq: 1, SYN: true, Window: 4096}
			Expect(tcp.SetNetworkLayerForChecksum(ip)).To(Succeed())
			Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, tcp)).To(Succeed())
			_, err := lab.TUN().Write(buf.Bytes())
			Expect(err).NotTo(HaveOccurred())
		}
	}

	It("keeps a whole burst while the reader is held back (a large receive buffer)", func() {
		s, err := open(lab.SensorNS(), lab.SensorIface()) // socket open, nobody reading yet
		Expect(err).NotTo(HaveOccurred())
		const syns = 3000
		send(syns, 80)
		time.Sleep(50 * time.Millisecond)
		go s.run()
		c, err := s.Stop()
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Dropped).To(BeZero())
		Expect(len(c.Packets)).To(BeNumerically(">=", 2*syns))
	})

	It("counts the kernel's drops when the reader falls behind", func() {
		s, err := open(lab.SensorNS(), lab.SensorIface()) // socket open, nobody reading yet
		Expect(err).NotTo(HaveOccurred())
		Expect(setReceiveBuffer(s.h, 64<<10)).To(Succeed()) // small, to force drops
		const syns = 3000                                   // each makes a SYN and a RST on the link
		send(syns, 80)
		time.Sleep(50 * time.Millisecond)
		go s.run()
		c, err := s.Stop()
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Dropped).To(BeNumerically(">", 0))
		Expect(len(c.Packets)).To(BeNumerically(">", 0))
		Expect(uint64(len(c.Packets))+c.Dropped).To(BeNumerically(">=", 2*syns), "every frame is read or counted")
	})

	It("takes the link down as a last resort when its marker never gets through", func() {
		s, err := open(lab.SensorNS(), lab.SensorIface())
		Expect(err).NotTo(HaveOccurred())
		s.wake = append([]byte(nil), s.marker...)
		s.wake[len(s.wake)-1] ^= 0xff // the reader will not recognise it
		s.stopTimeout = 200 * time.Millisecond
		go s.run()
		send(1, 22)
		c, err := s.Stop()
		Expect(err).To(MatchError(ErrForced))
		Expect(err).NotTo(MatchError(ErrRead))
		Expect(c).NotTo(BeNil())
		Expect(len(c.Packets)).To(BeNumerically(">=", 2), "SYN, SYN/ACK and the unrecognised markers")
		var flags net.Flags
		Expect(nsthread.Do(lab.SensorNS(), func() error {
			ifi, err := net.InterfaceByName(lab.SensorIface())
			if err == nil {
				flags = ifi.Flags
			}
			return err
		})).To(Succeed())
		Expect(flags & net.FlagUp).To(BeZero())
	})
})
