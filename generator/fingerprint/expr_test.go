package fingerprint_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator/fingerprint"
)

var _ = Describe("value expressions (AVal_match)", func() {
	DescribeTable("match an observed value",
		func(expr, observed string, want bool) {
			e, err := fingerprint.ParseExpr(expr)
			Expect(err).NotTo(HaveOccurred())
			Expect(e.Match(observed)).To(Equal(want))
		},
		Entry("literal", "S++", "S++", true),
		Entry("literal, other value", "S++", "S", false),
		Entry("literals compare case-sensitively", "EF2A", "ef2a", false),
		Entry("empty literal matches an empty value (Ops=)", "", "", true),
		Entry("empty literal, non-empty value", "", "M", false),
		Entry("| alternatives, first", "EF2A|C000", "EF2A", true),
		Entry("| alternatives, second", "EF2A|C000", "C000", true),
		Entry("| alternatives, none", "EF2A|C000", "FFFF", false),
		Entry("<hex below", "<6", "5", true),
		Entry("<hex is strict", "<6", "6", false),
		Entry("<hex compares numbers, not strings", "<10", "F", true),
		Entry("<hex mixed with literals: gcd=<6|3E8", "<6|3E8|7D0", "3E8", true),
		Entry("<hex mixed with literals, no alternative holds", "<6|3E8|7D0", "3E9", false),
		Entry(">hex above", ">7A000", "7A001", true),
		Entry(">hex is strict", ">7A000", "7A000", false),
		Entry("+ non-zero", "+", "1", true),
		Entry("+ zero", "+", "0", false),
		Entry("+ empty", "+", "", false),
		Entry("+ not a number", "+", "S", false),
		Entry("+ a number with trailing garbage (strtol's end pointer)", "+", "1Z", false),
		Entry("& all true", ">2&<8", "5", true),
		Entry("& one false", ">2&<8", "9", false),
		Entry("& one false, other side", ">2&<8", "1", false),
		Entry("a comparison fails on trailing garbage (strtol's end pointer)", ">2", "3Z", false),
		Entry("< without a hex digit after it is a literal", "<", "<", true),
		Entry("<0x10: strtol takes the 0x prefix", "<0x10", "F", true),
		Entry("quirk: in a | expression an empty value reads as 0", "<5|M", "", true),
		Entry("but not in an & expression", "<5", "", false),
		Entry("32-bit strtol saturates at LONG_MAX", ">7FFFFFFE", "FFFFFFFF", true),
		Entry("... so it is never above LONG_MAX", ">7FFFFFFF", "FFFFFFFF", false),
	)

	It("refuses a value that mixes | and &", func() {
		_, err := fingerprint.ParseExpr("A|B&C")
		Expect(errors.Is(err, fingerprint.ErrExpr)).To(BeTrue())
	})
})
