package generator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

// targets.c's nexthost() leaves out a block's .0 and .255 (printing
// "Skipping host ...") only when o.allowall is 0; 2.01's options_init()
// sets o.allowall = !(IGNORE_ZERO_AND_255_HOSTS), which nmap.h defines
// as 0, so 2.0x pinged and scanned them with or without -A.
var _ = Describe("a block's .0 and .255 hosts", func() {
	DescribeTable("are pinged like any other, with or without -A, and no skip line is printed",
		func(args string) {
			run := runNmap(args, 3, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
			out := run.nmap.Output()
			Expect(out).NotTo(ContainSubstring("Skipping host"))
			Expect(out).To(ContainSubstring("Host  (198.18.1.0) appears to be down.\n"))
			Expect(out).To(ContainSubstring("Host  (198.18.1.255) appears to be down.\n"))
			Expect(out).To(ContainSubstring("Nmap run completed -- 256 IP addresses"))
			var to0, to255 int
			for _, w := range run.wire {
				switch w.ip.DstIP.String() {
				case "198.18.1.0":
					to0++
				case "198.18.1.255":
					to255++
				}
			}
			Expect(to0).To(BeNumerically(">", 0))
			Expect(to255).To(BeNumerically(">", 0))
		},
		Entry("without -A", "-v -sP 198.18.1.0/24"),
		Entry("with -A", "-v -A -sP 198.18.1.0/24"),
	)
})
