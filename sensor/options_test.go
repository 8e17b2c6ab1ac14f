package sensor_test

import (
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/netns/nsthread"
	"github.com/siglab/siglab/sensor"
)

var _ = Describe("the sensor's options", func() {
	// A bad size is refused before any socket or namespace is touched, so
	// these need no lab (the handle is not even valid).
	DescribeTable("refuse a receive buffer outside the bounds",
		func(size int) {
			s, err := sensor.StartWith(nsthread.Handle(-1), "siglab-dn0", sensor.Options{ReceiveBuffer: size})
			Expect(s).To(BeNil())
			Expect(err).To(MatchError(sensor.ErrOpen))
			Expect(err).To(MatchError(ContainSubstring("receive buffer %d bytes is outside 2048-1073741824", size)))
		},
		Entry("negative", -1),
		Entry("just under the floor", sensor.MinReceiveBuffer-1),
		Entry("just over the cap", sensor.MaxReceiveBuffer+1),
	)

	Context("on a live lab", Label("root"), func() {
		BeforeEach(netnstest.RequireRoot)

		DescribeTable("size the capture's receive ring, in whole pages",
			func(o sensor.Options, want int) {
				lab := netnstest.BuildLab(victimLab)
				s, err := sensor.StartWith(lab.SensorNS(), lab.SensorIface(), o)
				Expect(err).NotTo(HaveOccurred())
				Expect(s.ReceiveBuffer()).To(Equal(want))
				_, err = s.Stop()
				Expect(err).NotTo(HaveOccurred())
			},
			Entry("the default, 8 MiB", sensor.Options{}, sensor.DefaultReceiveBuffer),
			Entry("Start's default named", sensor.Options{ReceiveBuffer: sensor.DefaultReceiveBuffer}, sensor.DefaultReceiveBuffer),
			Entry("a small one for floods, 16 KiB", sensor.Options{ReceiveBuffer: 16 << 10}, 16<<10),
			Entry("the floor: one page", sensor.Options{ReceiveBuffer: sensor.MinReceiveBuffer}, os.Getpagesize()),
		)

		It("with the smallest buffer, reports the kernel's drops of a burst it cannot keep up with", func() {
			lab := netnstest.BuildLab(victimLab)
			s, err := sensor.StartWith(lab.SensorNS(), lab.SensorIface(), sensor.Options{ReceiveBuffer: sensor.MinReceiveBuffer})
			Expect(err).NotTo(HaveOccurred())
			const syns = 5000 // each makes a SYN and a RST on the capture link
			for i := range syns {
				synTo(lab, uint16(20000+i), 80, 0)
			}
			start := time.Now()
			c, err := s.Stop()
			Expect(err).NotTo(HaveOccurred())
			Expect(time.Since(start)).To(BeNumerically("<", time.Second), "the marker still gets through once the burst is over")
			GinkgoWriter.Printf("%d frames captured, %d dropped\n", len(c.Packets), c.Dropped)
			Expect(c.Dropped).To(BeNumerically(">", 0))
			Expect(uint64(len(c.Packets))+c.Dropped).To(BeNumerically(">=", 2*syns), "every frame is read or counted")
		})
	})
})
