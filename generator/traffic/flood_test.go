package traffic_test

import (
	"context"
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/generator/traffic"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/simnet"
)

var _ = Describe("A spoofed-source SYN flood", func() {
	guard := func() *engine.Guard {
		g, err := engine.NewGuard(netip.PrefixFrom(victim, 32))
		Expect(err).NotTo(HaveOccurred())
		return g
	}

	It("sends its SYNs from its spoofed lab sources at its rate, and the answers stay in the lab", func() {
		type pkt struct {
			at  time.Time
			ip  *layers.IPv4
			tcp *layers.TCP
		}
		var seen []pkt
		net := simnet.New(simnet.Config{Seed: 5, Tap: func(t time.Time, p []byte) {
			pk := gopacket.NewPacket(append([]byte(nil), p...), layers.LayerTypeIPv4, gopacket.Default)
			ip, _ := pk.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
			tcp, _ := pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
			Expect(ip).NotTo(BeNil())
			Expect(tcp).NotTo(BeNil())
			seen = append(seen, pkt{t, ip, tcp})
		}}, labnet.Host{Addr: victim, OpenTCP: []uint16{80}})
		sources, err := labnet.SpoofSources(50, scanner)
		Expect(err).NotTo(HaveOccurred())
		g := guard()
		e := engine.NewEngine(net, scanner, g, 1)
		f, err := traffic.NewFlood(e, g, victim, 80, sources, 2000, 20000, 11)
		Expect(err).NotTo(HaveOccurred())
		e.Add(0, f)
		Expect(e.Run(context.Background())).To(Succeed())
		Expect(f.Sent()).To(Equal(2000))

		used := map[netip.Addr]int{}
		var syns, answers []pkt
		for _, p := range seen {
			src, _ := netip.AddrFromSlice(p.ip.SrcIP)
			dst, _ := netip.AddrFromSlice(p.ip.DstIP)
			Expect(labnet.Contains(src)).To(BeTrue(), "source %s", src)
			Expect(labnet.Contains(dst)).To(BeTrue(), "destination %s", dst)
			if dst == victim {
				Expect(sources).To(ContainElement(src), "every SYN comes from one of the flood's sources")
				Expect(p.tcp.SYN && !p.tcp.ACK).To(BeTrue())
				Expect(p.tcp.DstPort).To(BeEquivalentTo(80))
				Expect([]any{p.ip.TTL, p.tcp.Window, len(p.tcp.Options)}).To(Equal([]any{uint8(64), uint16(65535), 0}))
				used[src]++
				syns = append(syns, p)
				continue
			}
			Expect(labnet.ScannerSide.Contains(dst)).To(BeTrue(), "answers go back to the scanner side: %s", dst)
			Expect(dst).NotTo(Equal(scanner))
			Expect(p.tcp.SYN && p.tcp.ACK).To(BeTrue(), "port 80 is open")
			answers = append(answers, p)
		}
		Expect(syns).To(HaveLen(2000))
		Expect(len(answers)).To(BeNumerically(">", 1980), "a SYN/ACK to each, but for the last few still on the simulated wire when the flood ends")
		Expect(len(used)).To(Equal(50), "every source takes part")
		span := syns[len(syns)-1].at.Sub(syns[0].at)
		Expect(span).To(BeNumerically("~", 100*time.Millisecond, 5*time.Millisecond), "2000 SYNs at 20000 a second")
	})

	DescribeTable("is refused before anything is sent",
		func(dst netip.Addr, sources []netip.Addr, count, rate int, sentinel error) {
			l := &counter{}
			g := guard()
			e := engine.NewEngine(l, scanner, g, 1)
			f, err := traffic.NewFlood(e, g, dst, 80, sources, count, rate, 1)
			Expect(f).To(BeNil())
			Expect(err).To(MatchError(sentinel))
			Expect(l.written).To(BeZero())
		},
		Entry("a source outside the lab", victim, []netip.Addr{netip.MustParseAddr("198.18.0.9"), netip.MustParseAddr("203.0.113.5")}, 10, 100, labnet.ErrOutsideLab),
		Entry("a source just past the lab", victim, []netip.Addr{netip.MustParseAddr("198.20.0.1")}, 10, 100, labnet.ErrOutsideLab),
		Entry("a target the guard does not allow", netip.MustParseAddr("198.18.1.3"), []netip.Addr{netip.MustParseAddr("198.18.0.9")}, 10, 100, labnet.ErrOutsideLab),
		Entry("a target outside the lab", netip.MustParseAddr("192.0.2.1"), []netip.Addr{netip.MustParseAddr("198.18.0.9")}, 10, 100, labnet.ErrOutsideLab),
		Entry("no sources", victim, nil, 10, 100, traffic.ErrFlood),
		Entry("no SYNs", victim, []netip.Addr{netip.MustParseAddr("198.18.0.9")}, 0, 100, traffic.ErrFlood),
		Entry("no rate", victim, []netip.Addr{netip.MustParseAddr("198.18.0.9")}, 10, 0, traffic.ErrFlood),
		Entry("a rate above the cap", victim, []netip.Addr{netip.MustParseAddr("198.18.0.9")}, 10, traffic.MaxFloodRate+1, traffic.ErrFlood),
	)

	It("drops its backlog rather than catch up in one burst when it falls behind", func() {
		l := &counter{}
		g := guard()
		e := engine.NewEngine(l, scanner, g, 1)
		f, err := traffic.NewFlood(e, g, victim, 80, []netip.Addr{netip.MustParseAddr("198.18.0.9")}, 100000, 1000000, 1)
		Expect(err).NotTo(HaveOccurred())
		t0 := time.Unix(0, 0)
		_, done := f.Wake(t0)
		Expect(done).To(BeFalse())
		Expect(f.Sent()).To(Equal(1), "the first SYN goes at once")
		next, _ := f.Wake(t0.Add(time.Second)) // a second late: a million SYNs due
		Expect(f.Sent()).To(Equal(1+64), "one burst at most")
		Expect(next).To(Equal(t0.Add(time.Second+20*time.Microsecond)), "and the engine gets time to read before the next")
	})
})

// counter is a Link that counts what is written and never answers.
type counter struct {
	now     time.Time
	written int
}

func (c *counter) WritePacket([]byte) error { c.written++; return nil }
func (c *counter) ReadPacket(_ []byte, deadline time.Time) (int, time.Time, error) {
	c.now = deadline
	return 0, time.Time{}, link.ErrTimeout
}
func (c *counter) Now() time.Time { return c.now }
func (c *counter) Close() error   { return nil }
