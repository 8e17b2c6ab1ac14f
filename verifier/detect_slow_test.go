package verifier_test

import (
	"context"
	"io"
	"net/netip"
	"os/exec"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
	"github.com/siglab/siglab/wire"
)

// labScanner is the scanner namespace's address in RunExternal's labs.
var labScanner = netip.MustParseAddr("198.19.0.1")

// isLabSYN reports whether frame p of c is a bare SYN from the lab's
// scanner: a new probe of a SYN scan (or its retransmission).
func isLabSYN(c *capture.Capture, p capture.Packet) bool {
	ip, err := capture.IPv4(c.LinkType, p.Data)
	if err != nil || len(ip) < 20 || ip[9] != wire.ProtoTCP || netip.AddrFrom4([4]byte(ip[12:16])) != labScanner {
		return false
	}
	ihl := int(ip[0]&0xf) * 4
	return len(ip) > ihl+13 && ip[ihl+13]&(wire.FlagSYN|wire.FlagACK|wire.FlagRST) == wire.FlagSYN
}

// retimed is c as a scanner waiting gap between probes would have sent
// it (nmap -T0: 5 minutes): every SYN starts a new slot gap after the
// last, every other frame keeps its offset from the SYN before it, so
// the target's answers still follow at once.
func retimed(c *capture.Capture, gap time.Duration) *capture.Capture {
	out := &capture.Capture{LinkType: c.LinkType}
	start := c.Packets[0].Time
	slot, base := -1, start
	for _, p := range c.Packets {
		if isLabSYN(c, p) {
			slot++
			base = p.Time
		}
		out.Add(start.Add(time.Duration(max(slot, 0))*gap+p.Time.Sub(base)), p.Data, p.Comment)
	}
	slices.SortStableFunc(out.Packets, func(a, b capture.Packet) int { return a.Time.Compare(b.Time) })
	return out
}

// expireAll runs c through a detector as a live caller would: Expire(now,
// idle) every tick of capture time, then on past the default
// SlowHorizon until every source is let go. It returns each non-empty
// Expire result.
func expireAll(c *capture.Capture, idle, tick time.Duration) [][]detector.Finding {
	d := detector.New(detector.Config{})
	var out [][]detector.Finding
	next := c.Packets[0].Time.Add(tick)
	expire := func() {
		if fs := d.Expire(next, idle); len(fs) > 0 {
			out = append(out, fs)
		}
		next = next.Add(tick)
	}
	for _, p := range c.Packets {
		for !p.Time.Before(next) {
			expire()
		}
		if ip, err := capture.IPv4(c.LinkType, p.Data); err == nil {
			d.Packet(p.Time, ip)
		}
	}
	for end := c.Packets[len(c.Packets)-1].Time.Add(6*time.Hour + idle + tick); !next.After(end); {
		expire()
	}
	ExpectWithOffset(1, d.Stats().Sources).To(BeZero())
	return out
}

// Slow scans by today's nmap, captured now in fresh labs. A real -T1
// scan (15 s a probe) is kept in detector/testdata/real/nmap-slow-t1;
// here --scan-delay 2s over 20 ports (about 40 s) stands for it, and a
// quick scan re-timed to -T0's 5 minutes a probe for the hours-long one.
var _ = Describe("the reference detector on today's slow scans, captured live", Label("root"), func() {
	BeforeEach(func() {
		netnstest.RequireRoot()
		_, err := exec.LookPath("nmap")
		Expect(err).NotTo(HaveOccurred(), "nmap is not installed: .ci/run must apt-get install nmap")
	})

	const me = "198.19.0.1 "
	scan := func(argv ...string) *capture.Capture {
		s, err := scenarios.Find("fig2-syn")
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		c, err := verifier.RunExternal(ctx, s, argv, io.Discard, io.Discard)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Dropped).To(BeZero())
		return c
	}

	It("finds nmap --scan-delay 2s and says how slow it was", func() {
		c := scan("nmap", "-n", "-sS", "-Pn", "--scan-delay", "2s", "-p1-20", "{victim}")
		fs := detector.DetectCapture(c)
		Expect(findingLines(fs, "tool")).To(Equal([]string{me + "scan.tcp-syn", me + "tool.nmap-modern"}))
		gap, err := time.ParseDuration(fs[0].Attr("median_gap"))
		Expect(err).NotTo(HaveOccurred(), "median_gap %q", fs[0].Attr("median_gap"))
		Expect(gap).To(BeNumerically("~", 2*time.Second, 500*time.Millisecond))
		Expect(fs[0].Ports).To(Equal(20))
		Expect(fs[0].Evidence).To(ContainElement(MatchRegexp(`^20 probes over \d+ s, one every 2\.\d s \(the median gap between new probes\)$`)))
	})

	It("finds a quick nmap -sS re-timed to one probe every 5 min, through DetectCapture and through Expire", func() {
		c := retimed(scan("nmap", "-n", "-sS", "-Pn", "-p1-30", "{victim}"), 5*time.Minute)
		fs := detector.DetectCapture(c)
		Expect(findingLines(fs, "median_gap", "tool")).To(Equal([]string{me + "scan.tcp-syn median_gap=5m0s", me + "tool.nmap-modern"}))
		Expect(fs[0].Ports).To(Equal(30))
		// 29 gaps of 5 min, more if nmap retransmitted a SYN.
		Expect(fs[0].Evidence).To(ContainElement(MatchRegexp(`^30 probes over [2-9] h( \d+ min)?, one every 5 min \(the median gap between new probes\)$`)))
		for _, idle := range []time.Duration{5 * time.Second, time.Minute} {
			got := expireAll(c, idle, 5*time.Second)
			Expect(got).To(HaveLen(1), "idle %v: one report of the whole scan, not pieces", idle)
			Expect(got[0]).To(Equal(fs))
		}
	})
})
