package generator_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

var _ = Describe("the engine's per-packet path", func() {
	// A full-range SYN scan with OS detection against a simulated host:
	// the probes, the host's answers and the scanner kernel's RSTs. What
	// allocates is set-up (port lists, tables) and each open port's
	// connection state, not the packets: far below one allocation in a
	// hundred packets.
	It("allocates next to nothing per packet on a full-range scan", func() {
		var pkts int
		allocs := testing.AllocsPerRun(1, func() {
			pkts = 0
			net := simnet.New(simnet.Config{Seed: 1, Tap: func(time.Time, []byte) { pkts++ }},
				labnet.Host{Addr: victim, OpenTCP: []uint16{22, 80, 443}})
			g, _ := engine.NewGuard(netip.MustParsePrefix("198.18.1.0/24"))
			e := engine.NewEngine(net, scanner, g, 1)
			nm, err := generator.NewNmap("-sS -P0 -O -p1-65535 victim", generator.NmapEnv{Host: e, Names: map[string]netip.Addr{"victim": victim}, Guard: g, Seed: 1})
			Expect(err).NotTo(HaveOccurred())
			e.Add(0, nm)
			Expect(e.Run(context.Background())).To(Succeed())
		})
		Expect(pkts).To(BeNumerically(">", 131000))
		Expect(allocs).To(BeNumerically("<", float64(pkts)/100), "%v allocations for %d packets", allocs, pkts)
	})
})
