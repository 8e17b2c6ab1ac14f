package sensor

import (
	"net"
	"net/netip"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/netns/nsthread"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
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

// oneHost is the lab of the live specs: one host with port 22 open.
var oneHost = netns.Spec{Hosts: []labnet.Host{{Name: "v", Addr: netip.MustParseAddr("198.18.1.2"), OpenTCP: []uint16{22}}}}

// sendSYN writes a scanner SYN from sport to the host's dport into the
// lab's TUN.
func sendSYN(lab *netns.Lab, sport, dport uint16) {
	_, err := lab.TUN().Write(wiretest.TCP(wire.IPHeader{TTL: 64, Src: lab.Scanner(), Dst: oneHost.Hosts[0].Addr},
		wire.TCPSegment{SPort: sport, DPort: dport, Seq: 1, Flags: wire.FlagSYN, Window: 4096}))
	Expect(err).NotTo(HaveOccurred())
}

var _ = Describe("timestamps", Label("root"), func() {
	It("are the kernel's receive times, not the times frames were read", func() {
		lab := netnstest.BuildLab(oneHost)
		s, err := open(lab.SensorNS(), lab.SensorIface()) // nobody reads for a while
		Expect(err).NotTo(HaveOccurred())
		sent := time.Now()
		sendSYN(lab, 33333, 22)
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
	BeforeEach(func() { lab = netnstest.BuildLab(oneHost) })
	send := func(n int, dport uint16) {
		for i := range n {
			sendSYN(lab, uint16(20000+i), dport)
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
		// A small ring, to force drops; socket open, nobody reading yet.
		s, err := openWith(lab.SensorNS(), lab.SensorIface(), Options{ReceiveBuffer: 64 << 10})
		Expect(err).NotTo(HaveOccurred())
		const syns = 3000 // each makes a SYN and a RST on the link
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
