package fingerprint_test

import (
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator/fingerprint"
)

// irix is the IRIX record as nmap 2.01's file has it.
const irix = `FingerPrint  IRIX 6.2 - 6.5  # Thanks to  Lamont Granquist
TSeq(Class=TD|64K|RI%gcd=<6|3E8|7D0|BB8|FA0)
T1(DF=N%W=EF2A|C000%ACK=S++%Flags=AS%Ops=MNWNNT)
T2(Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops=)
T3(Resp=Y%DF=N%W=EF2A|C000%ACK=O%Flags=A%Ops=NNT)
T4(DF=N%W=0%ACK=O%Flags=R%Ops=)
T5(DF=N%W=0%ACK=S++%Flags=AR%Ops=)
T6(DF=N%W=0%ACK=O%Flags=R%Ops=)
T7(DF=N%W=0%ACK=S%Flags=AR%Ops=)
PU(DF=N%TOS=0%IPLEN=38%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)
`

// summary renders a DB as "name: test names" lines, to compare shapes.
func summary(db *fingerprint.DB) []string {
	var out []string
	for _, r := range db.Records {
		var names []string
		for _, t := range r.Tests {
			names = append(names, t.Name)
		}
		out = append(out, r.Name+": "+strings.Join(names, " "))
	}
	return out
}

var _ = Describe("Parse", func() {
	It("reads the IRIX record of nmap 2.01's file: name without the comment (its blanks kept), nine tests, attributes in order", func() {
		db, err := fingerprint.Parse([]byte(irix))
		Expect(err).NotTo(HaveOccurred())
		Expect(db.Records).To(HaveLen(1))
		r := db.Records[0]
		Expect(r.Name).To(Equal("IRIX 6.2 - 6.5  "))
		Expect(r.Line).To(Equal(1))
		Expect(summary(db)).To(Equal([]string{"IRIX 6.2 - 6.5  : TSeq T1 T2 T3 T4 T5 T6 T7 PU"}))
		t1 := r.Test("T1")
		Expect(t1).NotTo(BeNil())
		var attrs []string
		for _, a := range t1.Attrs {
			attrs = append(attrs, a.Name+"="+a.Expr.String())
		}
		Expect(attrs).To(Equal([]string{"DF=N", "W=EF2A|C000", "ACK=S++", "Flags=AS", "Ops=MNWNNT"}))
		Expect(r.Test("T2").Attr("Ops").Expr.String()).To(BeEmpty())
	})

	DescribeTable("accepts what nmap 2.01 accepts",
		func(src string, want []string) {
			db, err := fingerprint.Parse([]byte(src))
			Expect(err).NotTo(HaveOccurred())
			Expect(summary(db)).To(Equal(want))
		},
		Entry("comments and blank lines around and inside records",
			"# header\n\n#x\nFingerPrint A\n# inside\nT1(DF=N)\n\n\n# between\nFingerPrint B\nPU(DAT=E)\n",
			[]string{"A: T1", "B: PU"}),
		Entry("a FingerPrint line right after a test starts a new record (2.01's goto fparse)",
			"FingerPrint A\nT1(DF=N)\nFingerPrint B\nT2(Resp=N)\n", []string{"A: T1", "B: T2"}),
		Entry("CRLF line ends, white-only separator lines, no final newline",
			"FingerPrint A\r\nT1(DF=N)\r\n  \t\r\nFingerPrint B\r\nT2(Resp=N)", []string{"A: T1", "B: T2"}),
		Entry("a # comment after the closing parenthesis", "FingerPrint A\nT1(DF=N)  # reconstructed\n", []string{"A: T1"}),
		Entry("a test without attributes", "FingerPrint A\nT2()\n", []string{"A: T2"}),
		Entry("a tab after the keyword, trailing blanks kept in the name (2.01's back-up loop never runs)", "FingerPrint\tSome OS  \t\nT1(W=0)\n", []string{"Some OS  \t: T1"}),
		Entry("any character after the keyword, as 2.01's file's FingerPrintt line", "FingerPrintt  HP-UX 11.00  # Thanks\nT1(W=0)\n", []string{"HP-UX 11.00  : T1"}),
		Entry("what follows a test's \")\" is ignored, even a second test", "FingerPrint A\nT6(DF=N)T7(DF=N)\nT7(W=0) PU(Resp=N)\n", []string{"A: T6 T7"}),
		Entry("a test given twice is kept twice", "FingerPrint A\nT1(DF=N)\nT1(DF=Y)\n", []string{"A: T1 T1"}),
		Entry("an empty file", "", nil),
	)

	DescribeTable("names the line of what it refuses",
		func(src string, line int, msg string) {
			_, err := fingerprint.Parse([]byte(src))
			Expect(err).To(HaveOccurred())
			Expect(errors.Is(err, fingerprint.ErrSyntax)).To(BeTrue())
			var se *fingerprint.SyntaxError
			Expect(errors.As(err, &se)).To(BeTrue())
			Expect(se.Line).To(Equal(line))
			Expect(err.Error()).To(HavePrefix("line %d: ", line))
			Expect(err.Error()).To(ContainSubstring(msg))
		},
		Entry("2.05's Fingerprint keyword", "FingerPrint A\nT1(DF=N)\n\nFingerprint Linux 2.2.0-pre6 - 2.2.0-final\nT2(Resp=N)\n", 4, "case-sensitively"),
		Entry("a lower-case keyword inside a record", "FingerPrint A\nT1(DF=N)\nfingerprint B\n", 3, "case-sensitively"),
		Entry("a test before any record", "# c\nT1(DF=N)\n", 2, "outside a record"),
		Entry("a test after a record ended", "FingerPrint A\nT1(DF=N)\n\nT2(Resp=N)\n", 4, "outside a record"),
		Entry("no opening parenthesis", "FingerPrint A\nT1 DF=N\n", 2, `no "(" found`),
		Entry("no closing parenthesis", "FingerPrint A\nT1(DF=N\n", 2, `no closing ")"`),
		Entry("an attribute without =", "FingerPrint A\nT1(DF=N%W)\n", 2, `attribute "W" has no "="`),
		Entry("an unknown test", "FingerPrint A\nT8(DF=N)\n", 2, `unknown test "T8"`),
		Entry("a test name with a leading blank (nmap keeps it and never matches it)", "FingerPrint A\n T1(DF=N)\n", 2, "unknown test"),
		Entry("an attribute the test does not have", "FingerPrint A\nT1(TOS=0)\n", 2, `no attribute "TOS"`),
		Entry("an attribute given twice", "FingerPrint A\nT1(DF=N%DF=Y)\n", 2, "given twice"),
		Entry("| and & in one value", "FingerPrint A\nTSeq(gcd=<6|3E8&FA0)\n", 2, "mixes | and &"),
		Entry("a record without tests, at its keyword line", "# c\nFingerPrint A\n\nFingerPrint B\nT1(DF=N)\n", 2, "has no tests"),
		Entry("a record without tests at the end of the file", "FingerPrint A\nT1(DF=N)\n\nFingerPrint B\n", 4, "has no tests"),
		Entry("no name", "FingerPrint   # nameless\nT1(DF=N)\n", 1, "no OS name"),
		Entry("nothing after the keyword", "FingerPrint\nT1(DF=N)\n", 1, "no OS name"),
	)

	It("prints records in the file's syntax and reads them back to the same records", func() {
		db, err := fingerprint.Parse([]byte(irix + "\nFingerPrint  B\nT2()\n"))
		Expect(err).NotTo(HaveOccurred())
		text := db.String()
		Expect(text).To(Equal(strings.Replace(irix, "# Thanks to  Lamont Granquist", "", 1) + "\nFingerPrint  B\nT2()\n"))
		again, err := fingerprint.Parse([]byte(text))
		Expect(err).NotTo(HaveOccurred())
		Expect(again.String()).To(Equal(text))
	})
})

var _ = Describe("the embedded nmap-os-fingerprints", func() {
	It("takes any number of records (nmap 2.0x stopped at 2048)", func() {
		var b strings.Builder
		for range 3000 {
			b.WriteString("FingerPrint  X\nT1(DF=Y)\n\n")
		}
		db, err := fingerprint.Parse([]byte(b.String()))
		Expect(err).NotTo(HaveOccurred())
		Expect(db.Records).To(HaveLen(3000))
	})
})
