package generator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

// nmap.c (2.01 and 2.05 alike) has two "down" lines: the ping scan's
// `Host %s (%s) appears to be down.` (under -v, -d or -R) and the port
// scans' `Host %s (%s) appears to be down, skipping it.` (under -v with a
// ping). An unnamed host gives the empty %s and so the double space.
var _ = Describe("Down hosts in the output", func() {
	const down = "198.18.1.7" // no host there: every ping try goes unanswered

	It("prints the ping scan's line, without \", skipping it\", under -sP -v", func() {
		run := runNmap("-v -sP "+down, 5, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		out := run.nmap.Output()
		Expect(out).To(ContainSubstring("\nHost  (198.18.1.7) appears to be down.\n"))
		Expect(out).NotTo(ContainSubstring("skipping"))
		Expect(out).To(ContainSubstring("Nmap run completed -- 1 IP address (0 hosts up)"))
	})

	It("prints nothing for it under -sP without -v", func() {
		run := runNmap("-sP "+down, 5, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		Expect(run.nmap.Output()).NotTo(ContainSubstring("appears to be down"))
	})

	It("keeps \", skipping it\" for a port scan under -v", func() {
		run := runNmap("-v -sS -p1-5 "+down, 5, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		Expect(run.nmap.Output()).To(ContainSubstring("\nHost  (198.18.1.7) appears to be down, skipping it.\n"))
	})
})
