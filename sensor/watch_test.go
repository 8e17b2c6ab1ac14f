package sensor_test

import (
	"context"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/sensor"
)

var _ = Describe("Watch", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	It("hands over both directions of an exchange as they cross, beside a Sensor, and ends with its context", func() {
		lab := netnstest.BuildLab(victimLab)
		s, err := sensor.Start(lab.SensorNS(), lab.SensorIface())
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var (
			mu   sync.Mutex
			seen = &capture.Capture{LinkType: capture.LinkTypeEthernet}
		)
		done := make(chan error, 1)
		go func() {
			done <- sensor.Watch(ctx, lab.SensorNS(), lab.SensorIface(), func(t time.Time, frame []byte) bool {
				mu.Lock()
				defer mu.Unlock()
				seen.Add(t, append([]byte(nil), frame...), "")
				return true
			})
		}()
		n := func() int { mu.Lock(); defer mu.Unlock(); return len(segments(seen)) }
		// Watch opens its socket in its goroutine: send until it sees.
		Eventually(func() int {
			synTo(lab, 40022, 22, 0)
			awaitReply(lab, 22)
			return n()
		}, 5*time.Second, 50*time.Millisecond).Should(BeNumerically(">=", 2))
		mu.Lock()
		segs := segments(seen)
		mu.Unlock()
		Expect(segs[0].Flags).To(Equal("S"))
		Expect(segs[1].Flags).To(Equal("SA"))
		Expect(segs[1].Time).To(BeTemporally(">=", segs[0].Time))
		Expect(segs[1].Time).To(BeTemporally("~", time.Now(), 5*time.Second), "kernel receive times")

		cancel()
		Eventually(done, time.Second).Should(Receive(BeNil()), "ends within its read timeout")
		c, err := s.Stop()
		Expect(err).NotTo(HaveOccurred())
		Expect(len(segments(c))).To(BeNumerically(">=", len(segs)), "the Sensor saw it all too")
	})

	It("stops when its function says so", func() {
		lab := netnstest.BuildLab(victimLab)
		calls := 0
		done := make(chan error, 1)
		go func() {
			done <- sensor.Watch(context.Background(), lab.SensorNS(), lab.SensorIface(), func(time.Time, []byte) bool {
				calls++
				return false
			})
		}()
		Eventually(func() bool {
			synTo(lab, 40023, 23, 0)
			select {
			case err := <-done:
				Expect(err).NotTo(HaveOccurred())
				return true
			case <-time.After(100 * time.Millisecond):
				return false
			}
		}, 5*time.Second).Should(BeTrue())
		Expect(calls).To(Equal(1))
	})
})
