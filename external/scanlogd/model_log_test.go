package scanlogd_test

import (
	"net/netip"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external/scanlogd"
)

var _ = Describe("Model.Log", func() {
	It("writes the model's lines as the daemon's log, each with the time it crossed, which Parse reads back", func() {
		c := synth(syns(0, time.Millisecond, portRange(1, 7)...))
		m := scanlogd.Simulate(scanlogd.Delivered(c, []netip.Addr{victim}))
		log := m.Log()
		Expect(log).To(HaveLen(1))
		Expect(log[0]).To(Equal(m.Lines()[0] + " @" + epoch.Add(6*time.Millisecond).UTC().Format("15:04:05")))
		recs, err := scanlogd.Parse(strings.NewReader(strings.Join(log, "\n") + "\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(recs).To(HaveLen(1))
		Expect(recs[0].Fields).To(HaveKeyWithValue("source", scanner.String()))
	})

	It("is empty when nothing crosses", func() {
		c := synth(syns(0, time.Millisecond, portRange(1, 6)...))
		Expect(scanlogd.Simulate(scanlogd.Delivered(c, []netip.Addr{victim})).Log()).To(BeEmpty())
	})
})
