package fingerprint_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator/fingerprint"
)

// Merge is nmap 2.01's mergeFPs() (osscan.c): the attempts walked side
// by side, a test left out when the next attempt's test at the same place
// has its name and agrees with it under AVal_match().
var _ = Describe("Merge (mergeFPs)", func() {
	It("prints three equal attempts as one", func() {
		a := observed(linuxSeen)
		Expect(fingerprint.Merge([]*fingerprint.Fingerprint{a, a, a})).To(Equal(linuxSeen + "\n"))
	})

	It("prints one attempt as it is", func() {
		Expect(fingerprint.Merge([]*fingerprint.Fingerprint{observed(irixSeen)})).To(Equal(irixSeen + "\n"))
	})

	It("interleaves what differs, round by round, in attempt order", func() {
		a := observed("T5(Resp=Y%DF=N%W=0)\nT6(Resp=N)\nPU(Resp=N)")
		b := observed("T5(Resp=Y%DF=N%W=0)\nT6(Resp=Y%DF=N)\nPU(Resp=N)")
		c := observed("T5(Resp=Y%DF=N%W=0)\nT6(Resp=N)\nPU(Resp=Y%DF=N)")
		Expect(fingerprint.Merge([]*fingerprint.Fingerprint{a, b, c})).To(Equal(
			"T5(Resp=Y%DF=N%W=0)\n" +
				"T6(Resp=N)\nT6(Resp=Y%DF=N)\nT6(Resp=N)\n" +
				"PU(Resp=N)\nPU(Resp=Y%DF=N)\n"))
	})

	It("compares tests by place, not by name: an attempt without TSeq shifts the rounds", func() {
		a := observed("TSeq(Class=TR)\nT1(Resp=Y%DF=N)")
		b := observed("T1(Resp=Y%DF=N)")
		Expect(fingerprint.Merge([]*fingerprint.Fingerprint{a, b})).To(Equal(
			"TSeq(Class=TR)\nT1(Resp=Y%DF=N)\nT1(Resp=Y%DF=N)\n"))
	})

	It("skips an attribute one of the two lacks, as AVal_match() does: the later test is printed", func() {
		a := observed("T2(Resp=Y%DF=N%W=0)")
		b := observed("T2(Resp=Y)")
		Expect(fingerprint.Merge([]*fingerprint.Fingerprint{a, b})).To(Equal("T2(Resp=Y)\n"))
		Expect(fingerprint.Merge([]*fingerprint.Fingerprint{b, a})).To(Equal("T2(Resp=Y%DF=N%W=0)\n"))
	})
})
