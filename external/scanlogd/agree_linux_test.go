package scanlogd_test

import (
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external/scanlogd"
	"github.com/siglab/siglab/wire"
)

// changed is ps with each packet changed by f.
func changed(ps []probe, f func(i int, p *probe)) []probe {
	for i := range ps {
		f(i, &ps[i])
	}
	return ps
}

// fromEach is 7 SYNs to ports 1-7 from each of the sources 198.18.0.10,
// .11, ..., n of them, one source after the other.
func fromEach(n int, gap time.Duration) []probe {
	var out []probe
	for s := range n {
		src := netip.AddrFrom4([4]byte{198, 18, 0, byte(10 + s)})
		out = append(out, changed(syns(time.Duration(s)*gap, time.Millisecond, portRange(1, 7)...), func(_ int, p *probe) { p.src = src })...)
	}
	return out
}

var _ = Describe("the model against the real scanlogd", Label("root"), func() {
	BeforeEach(requireScanlogd)

	ms := time.Millisecond
	other := netip.MustParseAddr("198.18.1.3")
	DescribeTable("predicts whether scanlogd logs, and every line it logs (time aside)",
		func(make func() *capture.Capture, targets []netip.Addr) {
			c := make()
			m := scanlogd.Simulate(scanlogd.Delivered(c, targets))
			log, _ := replay(c, targets...)
			GinkgoWriter.Printf("scanlogd logged:\n%s", log)
			for _, s := range scanlogd.Explain(c, targets) {
				GinkgoWriter.Println(s)
			}
			Expect(messages(log)).To(Equal(m.Lines()))
		},
		Entry("6 privileged ports: weight 18, no line", func() *capture.Capture { return synth(syns(0, ms, portRange(1, 6)...)) }, []netip.Addr{victim}),
		Entry("7 privileged ports: weight 21, a line", func() *capture.Capture { return synth(syns(0, ms, portRange(1, 7)...)) }, []netip.Addr{victim}),
		Entry("20 high ports: weight 20, no line", func() *capture.Capture { return synth(syns(0, ms, portRange(1024, 1043)...)) }, []netip.Addr{victim}),
		Entry("21 high ports: a line, its list cut to fit", func() *capture.Capture { return synth(syns(0, ms, portRange(1024, 1044)...)) }, []netip.Addr{victim}),
		Entry("6 privileged and 3 high ports: 18 + 3", func() *capture.Capture {
			return synth(syns(0, ms, 21, 22, 23, 25, 80, 1024, 8080, 8081, 8082))
		}, []netip.Addr{victim}),
		Entry("7 privileged ports, 3.5 s before the 7th: the count restarts", func() *capture.Capture {
			return synth(syns(0, ms, portRange(1, 6)...), syns(3500*ms, ms, 7))
		}, []netip.Addr{victim}),
		Entry("7 privileged ports, 2.5 s before the 4th: still one scan", func() *capture.Capture {
			return synth(syns(0, ms, 1, 2, 3), syns(2500*ms, ms, 4, 5, 6, 7))
		}, []netip.Addr{victim}),
		Entry("a port repeated 2.5 s and 5 s later does not keep the entry", func() *capture.Capture {
			return synth(syns(0, ms, 1, 2, 3), syns(2500*ms, ms, 1), syns(3200*ms, ms, 4, 5, 6, 7))
		}, []netip.Addr{victim}),
		Entry("7 ACKs: an ACK from a new source is ignored", func() *capture.Capture {
			return synth(probes(0, ms, wire.FlagACK, portRange(1, 7)...))
		}, []netip.Addr{victim}),
		Entry("a SYN, then RSTs to new ports: ignored", func() *capture.Capture {
			return synth(syns(0, ms, 1), probes(ms, ms, wire.FlagRST, portRange(2, 8)...))
		}, []netip.Addr{victim}),
		Entry("RST first starts an entry, SYNs follow", func() *capture.Capture {
			return synth(probes(0, ms, wire.FlagRST, 1), syns(ms, ms, portRange(2, 7)...))
		}, []netip.Addr{victim}),
		Entry("FIN scan", func() *capture.Capture { return synth(probes(0, ms, wire.FlagFIN, portRange(1, 7)...)) }, []netip.Addr{victim}),
		Entry("Xmas scan", func() *capture.Capture {
			return synth(probes(0, ms, wire.FlagFIN|wire.FlagPSH|wire.FlagURG, portRange(1, 7)...))
		}, []netip.Addr{victim}),
		Entry("NULL scan", func() *capture.Capture { return synth(probes(0, ms, 0, portRange(1, 7)...)) }, []netip.Addr{victim}),
		Entry("SYN and the scanner's RST to the same ports: flags that changed", func() *capture.Capture {
			return synth(syns(0, 2*ms, 1, 2, 3), probes(ms, 2*ms, wire.FlagRST, 1, 2, 3), syns(10*ms, ms, 4, 5, 6, 7))
		}, []netip.Addr{victim}),
		Entry("source port, TTL and TOS that change", func() *capture.Capture {
			return synth(changed(syns(0, ms, portRange(1, 8)...), func(i int, p *probe) {
				p.sport, p.ttl, p.tos = uint16(40000+i), uint8(50+i), uint8(i<<2)
			}))
		}, []netip.Addr{victim}),
		Entry("two targets of one machine: and others", func() *capture.Capture {
			return synth(changed(syns(0, ms, portRange(1, 7)...), func(i int, p *probe) {
				if i%2 == 1 {
					p.dst = other
				}
			}))
		}, []netip.Addr{victim, other}),
		Entry("a target that is not scanlogd's machine's is not seen", func() *capture.Capture {
			return synth(changed(syns(0, ms, portRange(1, 14)...), func(i int, p *probe) {
				if i%2 == 1 {
					p.dst = other
				}
			}))
		}, []netip.Addr{victim}),
		Entry("tiny fragments (nmap -f): the kernel reassembles them", func() *capture.Capture {
			return fragCapture(false, syns(0, ms, portRange(1, 7)...))
		}, []netip.Addr{victim}),
		Entry("overlapping fragments: the kernel drops them", func() *capture.Capture {
			return fragCapture(true, syns(0, ms, portRange(1, 7)...))
		}, []netip.Addr{victim}),
		Entry("first fragments only: the kernel never completes them", func() *capture.Capture {
			c := synth()
			for _, p := range syns(0, ms, portRange(1, 7)...) {
				c.Add(epoch.Add(p.at), fragmented(p, false)[0], "")
			}
			return c
		}, []netip.Addr{victim}),
		Entry("three sources, 7 ports each: three lines", func() *capture.Capture { return synth(fromEach(3, 10*ms)) }, []netip.Addr{victim}),
		Entry("seven sources in a burst: five lines, then the flood notice", func() *capture.Capture { return synth(fromEach(7, 10*ms)) }, []netip.Addr{victim}),
	)

	DescribeTable("agrees on nmap 2.02's scans from the catalogue (offline captures)",
		func(name string) {
			s := scenario(name)
			c := offline(s)
			targets := hostAddrs(s)
			m := scanlogd.Simulate(scanlogd.Delivered(c, targets))
			log, _ := replay(c, targets...)
			GinkgoWriter.Printf("scanlogd logged:\n%s", log)
			for _, s := range scanlogd.Explain(c, targets) {
				GinkgoWriter.Println(s)
			}
			Expect(messages(log)).To(Equal(m.Lines()))
		},
		Entry(nil, "threshold-scanlogd-under"),
		Entry(nil, "threshold-scanlogd-over"),
		Entry(nil, "fig2-syn"),
		Entry(nil, "tech-connect"),
		Entry(nil, "tech-fin"),
		Entry(nil, "tech-xmas"),
		Entry(nil, "tech-null"),
		Entry(nil, "tech-fragments"),
		Entry(nil, "tech-decoys"),
		Entry(nil, "tech-source-port"),
		Entry(nil, "tech-ping-ack"),
		Entry(nil, "tech-udp"),
	)
})
