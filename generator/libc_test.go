package generator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
)

var _ = Describe("LibcRand", func() {
	// Expected values printed by this machine's glibc: srand(seed); rand().
	DescribeTable("reproduces glibc's rand() stream",
		func(seed uint32, want []uint32) {
			g := generator.NewLibcRand(seed)
			for i, w := range want {
				Expect(g.Rand()).To(Equal(w), "draw %d", i)
			}
		},
		Entry("srand(1), the classic 1804289383 sequence", uint32(1), []uint32{1804289383, 846930886, 1681692777, 1714636915, 1957747793}),
		Entry("srand(0) behaves as srand(1)", uint32(0), []uint32{1804289383, 846930886, 1681692777, 1714636915, 1957747793}),
		Entry("srand(12345)", uint32(12345), []uint32{383100999, 858300821, 357768173, 455528251, 133005921}),
	)

	It("gives the FAQ's source port 42558 as M for exactly 26 tv_usec seeds", func() {
		// nmap-2.0x-internals.md §7: only 26 seeds in 0..999999 give M = 42558.
		n, first := 0, -1
		for s := uint32(0); s < 1000000; s++ {
			if 33000+generator.NewLibcRand(s).Rand()%31000 == 42558 {
				n++
				if first < 0 {
					first = int(s)
				}
			}
		}
		Expect(n).To(Equal(26))
		Expect(first).To(Equal(34885))
	})
})
