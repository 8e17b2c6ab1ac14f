package generator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

// pos_scan prepends each port whose tries ran out to pil.firewalled and
// rescans from that list's head (pil.testinglist = pil.firewalled), as
// super_scan does with its openlist: a rescan round goes backwards.
var _ = Describe("Rescan rounds", func() {
	It("send the silent ports in the reverse of the order they went silent", func() {
		h := labnet.Host{Addr: victim, FilteredTCP: []uint16{21, 22, 23}}
		run := runNmap("-sS -P0 -r -p21-23 victim", 8, simnet.Config{Seed: 3}, h)
		var order []uint16
		for _, w := range run.synProbes() {
			order = append(order, uint16(w.tcp.DstPort))
		}
		Expect(len(order)).To(BeNumerically(">=", 18))
		Expect(order[:3]).To(Equal([]uint16{21, 22, 23}), "round 0 in -r order")
		Expect(order[9:12]).To(Equal([]uint16{23, 22, 21}), "round 1 (after three tries of each) from the list's head")
	})
})

var _ = Describe("The connect scan's rescan rule", func() {
	It("is pos_scan's: round 0's silent ports are rescanned even when nothing changed", func() {
		h := labnet.Host{Addr: victim, FilteredTCP: []uint16{7}}
		run := runNmap("-d -sT -P0 -p7 victim", 8, simnet.Config{Seed: 3}, h)
		Expect(run.nmap.Output()).To(ContainSubstring("Preparing for retry, nonresponsive port 7 noted\nDone with round 1\n"))
		Expect(run.nmap.Output()).To(ContainSubstring("Done with round 2\n"))
	})
})
