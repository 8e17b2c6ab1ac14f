package detector_test

import (
	"net/netip"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
)

var _ = Describe("Expire", func() {
	late := netip.MustParseAddr("198.18.0.9")
	// Two scanners: the FAQ's at t0, another 10 s later.
	twoScans := func() ([]pkt, []pkt) {
		first := nmap202Scan().packets()
		s := nmap202Scan()
		s.src, s.start, s.sport, s.seq = late, t0.Add(10*time.Second), 40000, 77
		return first, s.packets()
	}

	It("returns a quiet source's findings, as Findings gave them, and forgets it", func() {
		first, second := twoScans()
		want, _ := detect(detector.Config{}, first)
		d := detector.New(detector.Config{})
		for _, p := range append(first, second...) {
			d.Packet(p.at, p.data)
		}
		got := d.Expire(t0.Add(12*time.Second), 5*time.Second)
		Expect(got).To(Equal(want))
		Expect(labels(got)).To(Equal([]string{"scan.tcp-syn", "tool.nmap-2.0x"}))

		rest := d.Findings()
		Expect(rest).NotTo(BeEmpty())
		for _, f := range rest {
			Expect(f.Scanner).To(Equal(late))
		}
		Expect(d.Stats().Sources).To(Equal(1))
		Expect(d.Stats().Evicted).To(BeZero(), "an expired source is not a lost one")
	})

	It("keeps sources that were active within idle", func() {
		first, _ := twoScans()
		d := detector.New(detector.Config{})
		for _, p := range first {
			d.Packet(p.at, p.data)
		}
		Expect(d.Expire(t0.Add(time.Second), 5*time.Second)).To(BeEmpty())
		Expect(d.Stats().Sources).To(Equal(1))
		Expect(labels(d.Findings())).To(Equal([]string{"scan.tcp-syn", "tool.nmap-2.0x"}))
	})

	It("starts a returning scanner afresh and reuses the memory without allocating", func() {
		first, _ := twoScans()
		d := detector.New(detector.Config{})
		for _, p := range first {
			d.Packet(p.at, p.data)
		}
		Expect(d.Expire(t0.Add(time.Minute), time.Second)).NotTo(BeEmpty())
		Expect(d.Stats()).To(Equal(detector.Stats{}))
		// The same scan again, twice, shifted: the source and its flow
		// table come off the free list.
		var mallocs uint64
		for round := 1; round <= 2; round++ {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for _, p := range first {
				d.Packet(p.at.Add(time.Duration(round)*time.Hour), p.data)
			}
			runtime.ReadMemStats(&after)
			mallocs = after.Mallocs - before.Mallocs
			Expect(labels(d.Expire(t0.Add(time.Duration(round)*time.Hour+time.Minute), time.Second))).To(Equal([]string{"scan.tcp-syn", "tool.nmap-2.0x"}))
		}
		Expect(mallocs).To(BeZero(), "replaying %d packets into recycled state allocated", len(first))
	})
})
