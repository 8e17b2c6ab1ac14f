package generator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
)

var _ = Describe("TCP sequence analysis (ClassifySeq)", func() {
	DescribeTable("classifies as nmap 2.0x's get_fingerprint() did",
		func(seqs []uint32, class generator.SeqClass, index uint32, long, difficulty, test string) {
			r := generator.ClassifySeq(seqs)
			Expect(r.Class).To(Equal(class))
			Expect(r.Index).To(Equal(index))
			Expect(r.Class.String()).To(Equal(long))
			Expect(r.Difficulty()).To(Equal(difficulty))
			t := r.Test()
			Expect(t.String()).To(Equal(test))
			Expect(r.Seqs).To(Equal(seqs))
		},
		Entry("the FAQ's figure 3 (IRIX): +64000 each time",
			[]uint32{0x584D7800, 0x584E7200, 0x584F6C00, 0x58506600, 0x58516000, 0x58525A00},
			generator.Seq64K, uint32(1), "64K rule", "Trivial joke", "TSeq(Class=64K)"),
		Entry("the FAQ's figure 5 (Linux 2.0.35): jumps of hundreds of millions",
			[]uint32{0x8EE8EDC6, 0x6A9E9A8B, 0xDA6DB46D, 0x5D9366, 0xCFE64AAB, 0x4822733B},
			generator.SeqTR, uint32(9999999), "truly random", "Good luck!", "TSeq(Class=TR)"),
		Entry("constant: gcd 0; Val is the first number",
			[]uint32{0x12345678, 0x12345678, 0x12345678, 0x12345678, 0x12345678},
			generator.SeqConstant, uint32(0), "constant sequence number (!)", "Trivial joke", "TSeq(Class=C%Val=12345678)"),
		Entry("i800: increments of 800, 1600, 800, 2400, 800",
			[]uint32{1000, 1800, 3400, 4200, 6600, 7400},
			generator.SeqI800, uint32(10), "increments by 800", "Easy", "TSeq(Class=i800)"),
		Entry("TD with gcd 1000 (0x3E8): reduced 1,3,1,3,2, mean 2, SI round(sqrt(0.8)) = 1",
			[]uint32{5000, 6000, 9000, 10000, 13000, 15000},
			generator.SeqTD, uint32(1), "trivial time dependency", "Trivial joke", "TSeq(Class=TD%gcd=3E8%SI=1)"),
		Entry("the integer mean: 1,1,1,2 has mean 5/4 = 1, so SI = round(sqrt(1/4)) = 1 (a real mean would give 0)",
			[]uint32{100, 101, 102, 103, 105},
			generator.SeqTD, uint32(1), "trivial time dependency", "Trivial joke", "TSeq(Class=TD%gcd=1%SI=1)"),
		Entry("the mean is truncated, not rounded: 5,5,5,8 has mean 23/4 = 5, SI = round(sqrt(9/4)) = 2 (mean 6 would give 1)",
			[]uint32{100, 105, 110, 115, 123},
			generator.SeqTD, uint32(2), "trivial time dependency", "Trivial joke", "TSeq(Class=TD%gcd=1%SI=2)"),
		Entry("SI 74 (0x4A) is still TD",
			[]uint32{10000, 10927, 12002, 12929, 14004}, // 927, 1075, 927, 1075: mean 1001, gcd 1
			generator.SeqTD, uint32(74), "trivial time dependency", "Easy", "TSeq(Class=TD%gcd=1%SI=4A)"),
		Entry("SI 75 (0x4B) is RI",
			[]uint32{10000, 10929, 12008, 12937, 14016}, // 929, 1079, 929, 1079: mean 1004, gcd 1
			generator.SeqRI, uint32(75), "random positive increments", "Easy", "TSeq(Class=RI%gcd=1%SI=4B)"),
		Entry("an increment of exactly 50,000,000 is not TR (SI from the mean 12500000)",
			[]uint32{0, 50000000, 50000001, 50000002, 50000003},
			generator.SeqRI, uint32(21650635), "random positive increments", "Good luck!", "TSeq(Class=RI%gcd=1%SI=14A5CCB)"),
		Entry("one of 50,000,001 is",
			[]uint32{0, 50000001, 50000002, 50000003, 50000004},
			generator.SeqTR, uint32(9999999), "truly random", "Good luck!", "TSeq(Class=TR)"),
		Entry("64K overrides TR: increments of 64,000,000",
			[]uint32{0, 64000000, 128000000, 192000000},
			generator.Seq64K, uint32(1), "64K rule", "Trivial joke", "TSeq(Class=64K)"),
		Entry("i800 overrides TR: increments of 56,000,000 and 56,000,800 (gcd 800)",
			[]uint32{0, 56000000, 112000800, 168000800},
			generator.SeqI800, uint32(10), "increments by 800", "Easy", "TSeq(Class=i800)"),
		Entry("distances are circular (MOD_DIFF): across 2^32",
			[]uint32{0xFFFFFF00, 0x100, 0x300, 0x500},
			generator.SeqTD, uint32(0), "trivial time dependency", "Trivial joke", "TSeq(Class=TD%gcd=200%SI=0)"),
		Entry("... and either way: a decreasing run",
			[]uint32{1000, 900, 800, 700},
			generator.SeqTD, uint32(0), "trivial time dependency", "Trivial joke", "TSeq(Class=TD%gcd=64%SI=0)"),
	)

	It("does not classify fewer than four numbers", func() {
		r := generator.ClassifySeq([]uint32{1, 2, 3})
		Expect(r.Class).To(Equal(generator.SeqUnknown))
		Expect(r.Class.String()).To(Equal("unknown class"))
		Expect(r.Seqs).To(Equal([]uint32{1, 2, 3}))
	})

	It("keeps its own copy of the numbers", func() {
		s := []uint32{0x584D7800, 0x584E7200, 0x584F6C00, 0x58506600}
		r := generator.ClassifySeq(s)
		s[0] = 0
		Expect(r.Seqs[0]).To(Equal(uint32(0x584D7800)))
	})

	DescribeTable("labels the difficulty index as seqreport() did",
		func(index uint32, label string) { Expect(generator.Difficulty(index)).To(Equal(label)) },
		Entry(nil, uint32(0), "Trivial joke"), Entry(nil, uint32(9), "Trivial joke"),
		Entry(nil, uint32(10), "Easy"), Entry(nil, uint32(79), "Easy"),
		Entry(nil, uint32(80), "Medium"), Entry(nil, uint32(2999), "Medium"),
		Entry(nil, uint32(3000), "Formidable"), Entry(nil, uint32(4999), "Formidable"),
		Entry(nil, uint32(5000), "Worthy challenge"), Entry(nil, uint32(99999), "Worthy challenge"),
		Entry(nil, uint32(100000), "Good luck!"), Entry(nil, uint32(9999999), "Good luck!"),
	)
})
