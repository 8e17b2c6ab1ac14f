package generator_test

import (
	"context"
	"net/netip"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

// targets.c's nexthost() (2.01 and 2.05) fills a batch of up to 500
// hosts (main() asks for lookahead 500) and, without -A, leaves out
// every address ending in .0 or .255, printing as it meets each one
// "Skipping host %s because no '-A' and IGNORE_ZERO_AND_255_HOSTS is set
// in the source.\n". The test is of o.allowall; nmap.h's
// IGNORE_ZERO_AND_255_HOSTS (0 in 2.01) is not read by it.
var _ = Describe("nexthost()'s .0 and .255 hosts", func() {
	skipLine := func(a string) string {
		return "Skipping host " + a + " because no '-A' and IGNORE_ZERO_AND_255_HOSTS is set in the source.\n"
	}

	It("prints both skip lines of a /24 when its one batch is filled, before any host's line, and sends them nothing", func() {
		run := runNmap("-v -sP 198.18.1.0/24", 3, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		out := run.nmap.Output()
		first := strings.Index(out, "Host ")
		Expect(first).To(BeNumerically(">", 0))
		Expect(out[:first]).To(HaveSuffix(skipLine("198.18.1.0") + skipLine("198.18.1.255")))
		Expect(out).To(ContainSubstring("Nmap run completed -- 254 IP addresses"))
		for _, w := range run.wire {
			Expect(w.ip.DstIP.String()).NotTo(BeElementOf("198.18.1.0", "198.18.1.255"))
		}
	})

	It("prints a skip line where the fill meets it: a /23's last .255 with its second batch of 500", func() {
		// A lab of a /23: the harness's guards approve one /24.
		lab := netip.MustParsePrefix("198.18.2.0/23")
		guard := func() *engine.Guard {
			g, err := engine.NewGuard(lab)
			Expect(err).NotTo(HaveOccurred())
			return g
		}
		c, err := generator.ResolveNmap("-v -sP 198.18.2.0/23", nil, guard())
		Expect(err).NotTo(HaveOccurred())
		e := engine.NewEngine(simnet.New(simnet.Config{Seed: 1}, labnet.Host{Addr: netip.MustParseAddr("198.18.2.5")}), scanner, guard(), 1)
		n := c.Start(e, 3)
		e.Add(0, n)
		Expect(e.Run(context.Background())).To(Succeed())
		out := n.Output()
		first := strings.Index(out, "Host ")
		Expect(out[:first]).To(HaveSuffix(skipLine("198.18.2.0") + skipLine("198.18.2.255") + skipLine("198.18.3.0")))
		// Kept hosts 0-499 are the first batch; the 501st, 198.18.3.247,
		// starts the second, whose fill meets 198.18.3.255.
		late := strings.Index(out, skipLine("198.18.3.255"))
		Expect(late).To(BeNumerically(">", first))
		Expect(out[:late]).NotTo(ContainSubstring("198.18.3.247)"))
		Expect(out[late:]).To(ContainSubstring("198.18.3.247)"))
		Expect(out).To(ContainSubstring("Nmap run completed -- 508 IP addresses"))
	})

	It("skips a single target address ending in .255 too", func() {
		run := runNmap("-v -sP 198.18.1.255", 3, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		Expect(run.nmap.Output()).To(ContainSubstring(skipLine("198.18.1.255")))
		Expect(run.wire).To(BeEmpty())
	})

	It("scans them under -A, with no skip line", func() {
		run := runNmap("-v -A -sP 198.18.1.0/24", 3, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		out := run.nmap.Output()
		Expect(out).NotTo(ContainSubstring("Skipping host"))
		Expect(out).To(ContainSubstring("Nmap run completed -- 256 IP addresses"))
	})
})
