package scanlogd_test

import (
	"net/netip"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external/scanlogd"
	"github.com/siglab/siglab/wire"
)

// model runs Simulate over c for a scanlogd on victim.
func model(c *capture.Capture) *scanlogd.Model {
	return scanlogd.Simulate(scanlogd.Delivered(c, []netip.Addr{victim}))
}

var _ = Describe("Simulate and Explain", func() {
	ms := time.Millisecond

	DescribeTable("follow scanlogd's weights, its 3 s delay and what it does not count",
		func(c *capture.Capture, logged bool, weight, ports, privileged int, ignored map[string]int) {
			m := model(c)
			var e *scanlogd.Entry
			for i := range m.Entries { // the heaviest entry
				if e == nil || m.Entries[i].Weight > e.Weight {
					e = &m.Entries[i]
				}
			}
			Expect(e).NotTo(BeNil())
			Expect(e.Logged).To(Equal(logged))
			Expect([]int{e.Weight, e.Ports, e.Privileged}).To(Equal([]int{weight, ports, privileged}))
			Expect(m.Ignored[scanner]).To(Equal(ignored))
		},
		Entry("6 privileged ports", synth(syns(0, ms, portRange(1, 6)...)), false, 18, 6, 6, map[string]int(nil)),
		Entry("7 privileged ports", synth(syns(0, ms, portRange(1, 7)...)), true, 21, 7, 7, map[string]int(nil)),
		Entry("6 privileged and 2 high ports", synth(syns(0, ms, 1, 2, 3, 4, 5, 6, 2000, 2001)), false, 20, 8, 6, map[string]int(nil)),
		Entry("21 high ports", synth(syns(0, ms, portRange(1024, 1044)...)), true, 21, 21, 0, map[string]int(nil)),
		Entry("2.9 s between new ports", synth(syns(0, 2900*ms, portRange(1, 7)...)), true, 21, 7, 7, map[string]int(nil)),
		Entry("3.1 s between the 6th and 7th port: a fresh count", synth(syns(0, ms, portRange(1, 6)...), syns(3105*ms, ms, 7)),
			false, 18, 6, 6, map[string]int(nil)),
		Entry("a repeated port renews nothing", synth(syns(0, ms, 1, 2, 3, 4, 5), syns(2*time.Second, ms, 1), syns(3500*ms, ms, 6, 7)),
			false, 15, 5, 5, map[string]int{scanlogd.IgnoredSeenPort: 1}),
		Entry("ACKs and RSTs to new ports", synth(syns(0, ms, 1), probes(ms, ms, wire.FlagACK, 2, 3), probes(5*ms, ms, wire.FlagRST, 4, 5)),
			false, 3, 1, 1, map[string]int{scanlogd.IgnoredAckRst: 4}),
		Entry("an ACK from a new source", synth(probes(0, ms, wire.FlagACK, 80), syns(ms, ms, 1)),
			false, 3, 1, 1, map[string]int{scanlogd.IgnoredAckNew: 1}),
		Entry("ports after the line", synth(syns(0, ms, portRange(1, 9)...)), true, 21, 7, 7, map[string]int{scanlogd.IgnoredAfterLog: 2}),
		Entry("tiny fragments, reassembled", fragCapture(false, syns(0, ms, portRange(1, 7)...)), true, 21, 7, 7,
			map[string]int{scanlogd.IgnoredFragment: 7}),
	)

	It("counts fragments the kernel never hands over", func() {
		m := model(fragCapture(true, syns(0, ms, portRange(1, 7)...)))
		Expect(m.Entries).To(BeEmpty())
		Expect(m.Ignored[scanner]).To(HaveKeyWithValue(scanlogd.IgnoredOverlap, 14))
		c := synth()
		for _, p := range syns(0, ms, portRange(1, 7)...) {
			c.Add(epoch.Add(p.at), fragmented(p, false)[0], "") // first fragments only
		}
		m = model(c)
		Expect(m.Entries).To(BeEmpty())
		Expect(m.Ignored[scanner]).To(HaveKeyWithValue(scanlogd.IgnoredIncomplete, 7))
	})

	It("marks a gap within a tick of 3 s as one that can go either way", func() {
		m := model(synth(syns(0, ms, 1, 2), syns(3005*ms, ms, 3)))
		Expect(m.Entries).To(HaveLen(2)) // 3.004 s: over, by less than a tick
		Expect(m.Entries[0].Borderline).To(BeTrue())
		Expect(scanlogd.Explain(synth(syns(0, ms, 1, 2), syns(3005*ms, ms, 3)), []netip.Addr{victim})[0]).To(ContainSubstring("either way"))
	})

	It("holds lines back as the flood guard does, until 20 s pass quietly", func() {
		var ps []probe
		for s := range 8 {
			src := netip.AddrFrom4([4]byte{198, 18, 0, byte(10 + s)})
			at := time.Duration(s) * 100 * ms
			if s == 7 {
				at = 22 * time.Second
			}
			ps = append(ps, changed(syns(at, ms, portRange(1, 7)...), func(_ int, p *probe) { p.src = src })...)
		}
		lines := model(synth(ps)).Lines()
		Expect(lines).To(HaveLen(7))
		Expect(lines[5]).To(Equal(scanlogd.FloodLine))
		Expect(lines[6]).To(HavePrefix("198.18.0.17:40000 to"))
	})

	It("predicts the very line the daemon logged, its cut port list included", func() {
		lines := model(synth(syns(0, ms, portRange(1024, 1044)...))).Lines()
		Expect(lines).To(HaveLen(1))
		Expect(daemonLog()).To(ContainSubstring("scanlogd: " + lines[0] + " @"))
		Expect(lines[0]).To(ContainSubstring("1030, ...,"))
	})

	It("says in scanlogd's terms why the under scan stays silent and the over one is logged", func() {
		under := scanlogd.Explain(synth(syns(0, ms, portRange(1, 6)...)), []netip.Addr{victim})
		Expect(under).To(Equal([]string{
			"scanlogd: 198.18.0.2 to 198.18.1.2: weight 18 < 21 (6 ports, 6 below 1024; largest gap 0.001 s): no line"}))
		over := scanlogd.Explain(synth(syns(0, ms, portRange(1, 7)...), probes(10*ms, ms, wire.FlagRST, 1, 8)), []netip.Addr{victim})
		Expect(over).To(Equal([]string{
			"scanlogd: 198.18.0.2 to 198.18.1.2: weight 21 >= 21 (7 ports, 7 below 1024; largest gap 0.001 s): logs a line",
			"scanlogd: 198.18.0.2: not counted: 1 ACK or RST to a new port, 1 to a port counted already",
		}))
		restarted := scanlogd.Explain(synth(syns(0, ms, portRange(1, 4)...), syns(4*time.Second, ms, portRange(5, 7)...)), []netip.Addr{victim})
		Expect(restarted[0]).To(ContainSubstring("weight 12 < 21 (4 ports"))
		Expect(strings.Join(restarted, "\n")).NotTo(ContainSubstring("logs a line"))
		Expect(scanlogd.Explain(synth(syns(0, ms, 1)), []netip.Addr{netip.MustParseAddr("198.18.1.9")})).To(Equal([]string{
			"scanlogd: no TCP packet to 198.18.1.9"}))
	})
})
