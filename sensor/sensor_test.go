package sensor_test

import (
	"bufio"
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/sensor"
)

var _ = Describe("the sensor on a live lab", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	It("captures both directions of a SYN exchange with kernel timestamps and no drops", func() {
		lab := netnstest.BuildLab(victimLab)
		s, err := sensor.Start(lab.SensorNS(), lab.SensorIface())
		Expect(err).NotTo(HaveOccurred())
		before := time.Now()
		synTo(lab, 40022, 22, 0)
		awaitReply(lab, 22)
		synTo(lab, 40080, 80, 0)
		awaitReply(lab, 80)

		stopAt := time.Now()
		c, err := s.Stop()
		// The kernel may stamp the sensor's copy of a reply a little after
		// the TUN handed the reply to us (the tap runs on the sensor's
		// transmit path), so the bound is when the capture stopped.
		after := time.Now()
		Expect(err).NotTo(HaveOccurred())
		Expect(time.Since(stopAt)).To(BeNumerically("<", 500*time.Millisecond), "the marker unblocks the reader at once")
		Expect(c.LinkType).To(Equal(capture.LinkTypeEthernet))
		Expect(c.Dropped).To(BeZero())

		scanner, v := lab.Scanner().String(), victim.String()
		segs := segments(c)
		Expect(segs).To(ContainElements(
			MatchFields(IgnoreExtras, Fields{"Src": Equal(scanner), "Dst": Equal(v), "Dport": BeEquivalentTo(22), "Flags": Equal("S")}),
			MatchFields(IgnoreExtras, Fields{"Src": Equal(v), "Dst": Equal(scanner), "Sport": BeEquivalentTo(22), "Flags": Equal("SA")}),
			MatchFields(IgnoreExtras, Fields{"Src": Equal(scanner), "Dst": Equal(v), "Dport": BeEquivalentTo(80), "Flags": Equal("S")}),
			MatchFields(IgnoreExtras, Fields{"Src": Equal(v), "Dst": Equal(scanner), "Sport": BeEquivalentTo(80), "Flags": Equal("AR")}),
		))
		Expect(segs).To(HaveLen(4), "only the lab's traffic: %v", segs)
		Expect(expectTCPSums(c)).To(Equal(4))
		for _, sg := range segs { // generator and host both send with TTL 64
			Expect(sg.TTL).To(BeEquivalentTo(64-netns.CaptureHops), "%+v", sg)
		}
		for i, sg := range segs {
			Expect(sg.Time).To(BeTemporally(">=", before))
			Expect(sg.Time).To(BeTemporally("<=", after))
			if i > 0 {
				Expect(sg.Time).To(BeTemporally(">=", segs[i-1].Time))
			}
		}
		for _, p := range c.Packets {
			_, err := capture.IPv4(c.LinkType, p.Data)
			if err != nil { // ARP is fine; the marker must never be recorded
				Expect(p.Data[12:14]).To(Equal([]byte{0x08, 0x06}), "non-IPv4 frame % x", p.Data)
			}
		}

		c2, err2 := s.Stop()
		Expect(c2).To(BeIdenticalTo(c))
		Expect(err2).To(BeNil())
	})

	It("records a real TCP conversation through the lab with correct checksums", func() {
		lab := netnstest.BuildLab(victimLab)
		s, err := sensor.Start(lab.SensorNS(), lab.SensorIface())
		Expect(err).NotTo(HaveOccurred())
		conn := netnstest.DialFrom(lab.ScannerNS(), netip.AddrPortFrom(victim, 22))
		_, err = conn.Write([]byte("SSH-1.5-probe\r\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(conn.SetReadDeadline(time.Now().Add(2 * time.Second))).To(Succeed())
		line, err := bufio.NewReader(conn).ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		Expect(line).To(Equal("siglab 22 ok\r\n"))
		Expect(conn.Close()).To(Succeed())
		time.Sleep(50 * time.Millisecond) // let the FIN exchange finish
		c, err := s.Stop()
		Expect(err).NotTo(HaveOccurred())
		// SYN, SYN/ACK, ACK, data, its ACK, reply, its ACK, FIN, ACK, FIN, ACK: at least 7.
		Expect(expectTCPSums(c)).To(BeNumerically(">=", 7))
		var payload []string
		for _, p := range c.Packets {
			pkt := gopacket.NewPacket(p.Data, layers.LayerTypeEthernet, gopacket.Default)
			if app := pkt.ApplicationLayer(); app != nil {
				payload = append(payload, string(app.Payload()))
			}
		}
		Expect(payload).To(Equal([]string{"SSH-1.5-probe\r\n", "siglab 22 ok\r\n"}))
	})

	It("keeps whole full-size frames", func() {
		lab := netnstest.BuildLab(victimLab)
		s, err := sensor.Start(lab.SensorNS(), lab.SensorIface())
		Expect(err).NotTo(HaveOccurred())
		synTo(lab, 40023, 23, 1460) // 1500-byte IP packet, 1514-byte frame
		awaitReply(lab, 23)
		c, err := s.Stop()
		Expect(err).NotTo(HaveOccurred())
		Expect(segments(c)).To(ContainElement(
			MatchFields(IgnoreExtras, Fields{"Dport": BeEquivalentTo(23), "Length": Equal(1514)})))
	})

	It("leaves the lab working, so a second sensor captures the next exchange only", func() {
		lab := netnstest.BuildLab(victimLab)
		first, err := sensor.Start(lab.SensorNS(), lab.SensorIface())
		Expect(err).NotTo(HaveOccurred())
		synTo(lab, 40021, 21, 0)
		awaitReply(lab, 21)
		_, err = first.Stop()
		Expect(err).NotTo(HaveOccurred())

		second, err := sensor.Start(lab.SensorNS(), lab.SensorIface())
		Expect(err).NotTo(HaveOccurred())
		synTo(lab, 40025, 25, 0)
		awaitReply(lab, 25)
		c, err := second.Stop()
		Expect(err).NotTo(HaveOccurred())
		var ports []uint16
		for _, sg := range segments(c) {
			ports = append(ports, sg.Sport, sg.Dport)
		}
		Expect(ports).To(ContainElement(BeEquivalentTo(25)))
		Expect(ports).NotTo(ContainElement(BeEquivalentTo(21)))
	})

	It("reports a capture cut short when the lab is closed under it, and still stops", func() {
		lab := netnstest.BuildLab(victimLab)
		s, err := sensor.Start(lab.SensorNS(), lab.SensorIface())
		Expect(err).NotTo(HaveOccurred())
		synTo(lab, 40009, 9, 0)
		awaitReply(lab, 9)
		Expect(lab.Close()).To(Succeed()) // takes the capture link away
		start := time.Now()
		c, err := s.Stop()
		Expect(err).To(MatchError(sensor.ErrRead))
		Expect(err).NotTo(MatchError(sensor.ErrForced))
		Expect(time.Since(start)).To(BeNumerically("<", time.Second))
		Expect(segments(c)).To(HaveLen(2), "what it saw before is kept")
	})
})
