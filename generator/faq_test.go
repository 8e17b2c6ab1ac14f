package generator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

var _ = Describe("The FAQ's figure 1, replayed from one libc seed", func() {
	It("gives srand(439649) the wild scan's fixed source port 42558 and its one ISN 3596953827", func() {
		// Default ping, default port list: M, the echo id, the 1034-port
		// shuffle, three draws for the one ping try, then sequences[0].
		run := runNmap("-sS victim", 439649, simnet.Config{Seed: 1}, labnet.Host{Addr: victim, OpenTCP: []uint16{13}})
		probes := run.synProbes()
		Expect(probes).To(HaveLen(1034))
		for _, p := range probes {
			Expect(p.tcp.SrcPort).To(BeEquivalentTo(42558))
			Expect(p.tcp.Seq).To(BeEquivalentTo(3596953827))
		}
	})
})
