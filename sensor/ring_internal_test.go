package sensor

import (
	"os"
	"sync/atomic"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
)

var _ = DescribeTable("the ring's geometry",
	func(size, block, blocks int) {
		b, n := ringGeometry(size)
		Expect([]int{b, n}).To(Equal([]int{block, blocks}))
	},
	Entry("the default: 128 KiB blocks", DefaultReceiveBuffer, 128<<10, 64),
	Entry("the largest", MaxReceiveBuffer, 128<<10, 8192),
	Entry("512 KiB: still 128 KiB blocks", 512<<10, 128<<10, 4),
	Entry("just under 512 KiB: four smaller blocks", 512<<10-1, 128<<10-os.Getpagesize(), 4),
	Entry("a stress scenario's 64 KiB", 64<<10, 16<<10, 4),
	Entry("one page: one block", 4096, 4096, 1),
	Entry("the smallest ask: one page", MinReceiveBuffer, 4096, 1),
)

var _ = Describe("a frame the ring kept only in part", func() {
	It("is not recorded but counted as dropped", func() {
		s := &Sensor{marker: make([]byte, 60), cap: &capture.Capture{}}
		Expect(s.take(frame{data: make([]byte, 100), truncated: true})).To(BeTrue(), "reading goes on")
		Expect(s.take(frame{data: make([]byte, 100)})).To(BeTrue())
		Expect(s.cap.Packets).To(HaveLen(1))
		Expect(s.cut).To(BeEquivalentTo(1))
	})

	It("is the marker: reading stops and the marker is not recorded", func() {
		s := &Sensor{marker: []byte("marker"), cap: &capture.Capture{}}
		Expect(s.take(frame{data: []byte("marker")})).To(BeFalse())
		Expect(s.cap.Packets).To(BeEmpty())
	})
})

// drained reports whether the reader has handed every block back to
// the kernel (the status words are shared with the kernel, so they are
// read atomically, as the reader does).
func drained(r *ring) bool {
	for b := range r.blocks {
		if atomic.LoadUint32(r.status(b))&unix.TP_STATUS_USER != 0 {
			return false
		}
	}
	return true
}

// sports decodes the capture's TCP frames with gopacket (the independent
// check) and returns the scanner's source ports in capture order, and
// how many frames were not TCP.
func sports(c *capture.Capture, scanner string) (out []uint16, other int) {
	for _, p := range c.Packets {
		pkt := gopacket.NewPacket(p.Data, layers.LayerTypeEthernet, gopacket.Default)
		ip, _ := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		tcp, _ := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		switch {
		case ip == nil || tcp == nil:
			other++
		case ip.SrcIP.String() == scanner:
			out = append(out, uint16(tcp.SrcPort))
		}
	}
	return out, other
}

var _ = Describe("the receive ring", Label("root"), func() {
	var lab *netns.Lab
	BeforeEach(func() {
		netnstest.RequireRoot()
		lab = netnstest.BuildLab(oneHost)
	})

	It("wraps around many times without losing or reordering a frame", func() {
		s, err := openWith(lab.SensorNS(), lab.SensorIface(), Options{ReceiveBuffer: 64 << 10})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.r.blocks).To(Equal(4))
		go s.run()
		// Batches well under a block, each read before the next is
		// sent, so that a busy machine cannot make the kernel drop.
		const batches, per = 20, 50
		var want []uint16
		for b := range batches {
			for i := range per {
				sport := uint16(20000 + b*per + i)
				sendSYN(lab, sport, 80) // closed: a SYN and a RST cross the link
				want = append(want, sport)
			}
			time.Sleep(2 * retireTimeout * time.Millisecond) // the batch's block retires
			Eventually(func() bool { return drained(s.r) }, 5*time.Second, time.Millisecond).Should(BeTrue())
		}
		c, err := s.Stop()
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Dropped).To(BeZero())
		got, _ := sports(c, lab.Scanner().String())
		Expect(got).To(Equal(want), "every SYN, in the order sent")
		Expect(len(c.Packets)).To(BeNumerically(">=", 2*batches*per), "and every RST")
		Expect(s.r.read).To(BeNumerically(">", 2*uint64(s.r.blocks)), "the ring wrapped")
		for i := 1; i < len(c.Packets); i++ {
			Expect(c.Packets[i].Time).To(BeTemporally(">=", c.Packets[i-1].Time))
		}
	})

	It("keeps every frame queued before Stop and nothing of the marker", func() {
		s, err := open(lab.SensorNS(), lab.SensorIface()) // nobody reading yet
		Expect(err).NotTo(HaveOccurred())
		for i := range 100 {
			sendSYN(lab, uint16(30000+i), 80)
		}
		go s.run()
		start := time.Now()
		c, err := s.Stop()
		Expect(err).NotTo(HaveOccurred())
		Expect(time.Since(start)).To(BeNumerically("<", grace+500*time.Millisecond), "the marker ends the reader at once")
		got, other := sports(c, lab.Scanner().String())
		Expect(got).To(HaveLen(100))
		Expect(len(c.Packets)).To(Equal(200+other), "each SYN and its RST, no marker")
		for _, p := range c.Packets {
			Expect(p.Data[12:14]).NotTo(Equal([]byte{0x88, 0xb5}), "a marker was recorded")
		}
		Expect(c.Dropped).To(BeZero())
	})
})
