package wire

import (
	"math/rand/v2"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// plainSum is the one's-complement sum as RFC 1071 states it: 16-bit
// words one at a time, an odd last byte padded, folded at the end.
func plainSum(b []byte, acc uint32) uint16 {
	for ; len(b) >= 2; b = b[2:] {
		acc += uint32(b[0])<<8 | uint32(b[1])
	}
	if len(b) == 1 {
		acc += uint32(b[0]) << 8
	}
	return fold(acc)
}

var _ = Describe("The checksum sum", func() {
	It("folds to what the word-by-word sum folds to, for every length and start value", func() {
		r := rand.New(rand.NewPCG(1, 2))
		b := make([]byte, 1600)
		for i := 0; i < 20000; i++ {
			n := r.IntN(len(b) + 1)
			for j := range n {
				b[j] = byte(r.Uint32())
			}
			acc := r.Uint32N(0x30000)
			Expect(fold(sum(b[:n], acc))).To(Equal(plainSum(b[:n], acc)), "length %d, acc %#x", n, acc)
		}
	})

	DescribeTable("keeps one's-complement zero and all-ones apart as the plain sum does",
		func(b []byte, acc uint32) {
			Expect(fold(sum(b, acc))).To(Equal(plainSum(b, acc)))
		},
		Entry("nothing at all", []byte{}, uint32(0)),
		Entry("all zero bytes", make([]byte, 37), uint32(0)),
		Entry("all-ones words (a non-zero multiple of 0xFFFF)", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, uint32(0)),
		Entry("words summing to 0xFFFF exactly", []byte{0x80, 0x00, 0x7f, 0xff, 0, 0, 0, 0}, uint32(0)),
		Entry("a start value that is a multiple of 0xFFFF", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0}, uint32(0x1fffe)),
	)
})
