package generator_test

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

var _ = Describe("Decoys (-D)", func() {
	d1, d2 := netip.MustParseAddr("198.18.0.7"), netip.MustParseAddr("198.18.0.9")

	It("sends every probe once per address in list order, ME where it stands, sharing sport and seq", func() {
		run := runNmap("-sS -P0 -D 198.18.0.7,ME,198.18.0.9 -p1-5 victim", 31, simnet.Config{Seed: 3}, labnet.Host{Addr: victim})
		var syns []wirePacket
		for _, w := range run.wire {
			if w.tcp != nil && w.tcp.SYN && !w.tcp.ACK {
				syns = append(syns, w)
			}
		}
		Expect(syns).To(HaveLen(15))
		d := replayDraws(31, 5) // ME given: no decoy draw between M and the shuffle
		order := []netip.Addr{d1, scanner, d2}
		for i, w := range syns {
			Expect(w.ip.SrcIP.Equal(order[i%3].AsSlice())).To(BeTrue(), "copy %d", i)
			first := syns[i-i%3]
			Expect(w.tcp.SrcPort).To(Equal(first.tcp.SrcPort))
			Expect(w.tcp.Seq).To(Equal(first.tcp.Seq))
			Expect(w.tcp.DstPort).To(BeEquivalentTo(d.order[i/3]))
			if i%3 > 0 {
				Expect(w.ip.Id).NotTo(Equal(syns[i-1].ip.Id), "each copy gets a fresh IP ID")
			}
		}
	})

	It("puts the real address at rand()%n without ME, drawn right after M, never last", func() {
		for seed := uint32(1); seed < 40; seed++ {
			run := runNmap("-sS -P0 -D 198.18.0.7,198.18.0.9 -p1 victim", seed, simnet.Config{Seed: 3}, labnet.Host{Addr: victim})
			g := generator.NewLibcRand(seed)
			g.Rand() // M
			turn := int(g.Rand() % 2)
			var srcs []netip.Addr
			for _, w := range run.wire {
				if w.tcp != nil && w.tcp.SYN && !w.tcp.ACK {
					a, _ := netip.AddrFromSlice(w.ip.SrcIP)
					srcs = append(srcs, a.Unmap())
				}
			}
			Expect(srcs).To(HaveLen(3))
			Expect(srcs[turn]).To(Equal(scanner))
			Expect(srcs[2]).NotTo(Equal(scanner))
		}
	})

	It("refuses decoys outside the lab", func() {
		g, _ := engine.NewGuard(netip.PrefixFrom(victim, 32))
		_, err := generator.ResolveNmap("-sS -P0 -D 10.0.0.1 victim", map[string]netip.Addr{"victim": victim}, g)
		Expect(err).To(MatchError(labnet.ErrOutsideLab))
	})
})
