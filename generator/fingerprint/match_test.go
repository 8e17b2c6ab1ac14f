package fingerprint_test

import (
	"errors"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator/fingerprint"
)

// observed parses "T1(Resp=Y%DF=N)\nT2(Resp=N)" into an observed
// fingerprint (written by hand here, not with the package's parser, which
// reads reference records).
func observed(text string) *fingerprint.Fingerprint {
	fp := &fingerprint.Fingerprint{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		name, body, _ := strings.Cut(strings.TrimSuffix(line, ")"), "(")
		t := fingerprint.Test{Name: name}
		for _, av := range strings.Split(body, "%") {
			if av == "" {
				continue
			}
			k, v, _ := strings.Cut(av, "=")
			t.Attrs = append(t.Attrs, fingerprint.Attr{Name: k, Value: v})
		}
		fp.Tests = append(fp.Tests, t)
	}
	return fp
}

func mustParse(src string) *fingerprint.DB {
	db, err := fingerprint.Parse([]byte(src))
	Expect(err).NotTo(HaveOccurred())
	return db
}

func names(rs []*fingerprint.Record) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

// irixSeen is what nmap 2.02 saw of the FAQ's figure 3 IRIX host.
const irixSeen = `TSeq(Class=64K)
T1(Resp=Y%DF=N%W=EF2A%ACK=S++%Flags=AS%Ops=MNWNNT)
T2(Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops=)
T3(Resp=Y%DF=N%W=EF2A%ACK=O%Flags=A%Ops=NNT)
T4(Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops=)
T5(Resp=Y%DF=N%W=0%ACK=S++%Flags=AR%Ops=)
T6(Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops=)
T7(Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops=)
PU(Resp=Y%DF=N%TOS=0%IPLEN=38%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)`

// linuxSeen is what nmap 2.02 saw of the FAQ's figure 5 Linux 2.0.35 host.
const linuxSeen = `TSeq(Class=TR)
T1(Resp=Y%DF=N%W=7FE0%ACK=S++%Flags=AS%Ops=ME)
T2(Resp=N)
T3(Resp=Y%DF=N%W=7FE0%ACK=S++%Flags=ASF%Ops=ME)
T4(Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops=)
T5(Resp=Y%DF=N%W=0%ACK=S++%Flags=AR%Ops=)
T6(Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops=)
T7(Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops=)
PU(Resp=Y%DF=N%TOS=C0%IPLEN=164%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)`

var _ = Describe("Match (match_fingerprint)", func() {
	DescribeTable("one record, all or nothing",
		func(record, seen string, want bool) {
			db := mustParse("FingerPrint  R\n" + record + "\n")
			Expect(db.Records[0].Matches(observed(seen))).To(Equal(want))
			got, err := fingerprint.Match(db, observed(seen))
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(HaveLen(map[bool]int{true: 1, false: 0}[want]))
		},
		Entry("every attribute satisfied", "T1(DF=N%W=7FE0|7FF0)", "T1(Resp=Y%DF=N%W=7FF0)", true),
		Entry("one attribute off fails the record", "T1(DF=N%W=7FE0|7FF0)", "T1(Resp=Y%DF=Y%W=7FF0)", false),
		Entry("Resp=N passes a reference test without Resp (its other attributes are absent, so skipped)",
			"T4(DF=N%W=0%ACK=O%Flags=R%Ops=)", "T4(Resp=N)", true),
		Entry("Resp=N fails a reference test saying Resp=Y", "T2(Resp=Y%DF=N%W=0)", "T2(Resp=N)", false),
		Entry("Resp=Y fails a reference test saying Resp=N", "T2(Resp=N)", "T2(Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops=)", false),
		Entry("a test the observed fingerprint lacks is skipped (no open port: no TSeq, no T1)",
			"TSeq(Class=TR)\nT1(DF=N)\nT5(DF=N)", "T5(Resp=Y%DF=N)", true),
		Entry("the failing test may be any of them", "TSeq(Class=TR)\nT5(DF=N)", "TSeq(Class=64K)\nT5(Resp=Y%DF=N)", false),
		Entry("an empty Ops= matches only no options", "T4(Ops=)", "T4(Resp=Y%Ops=M)", false),
		Entry("TSeq comparisons: gcd=<6 and SI=>7A000", "TSeq(Class=RI%gcd=<6%SI=>7A000)", "TSeq(Class=RI%gcd=1%SI=8F2C4)", true),
	)

	It("identifies the FAQ's two hosts in the embedded file, each as exactly one OS", func() {
		db, err := fingerprint.Default()
		Expect(err).NotTo(HaveOccurred())
		got, err := fingerprint.Match(db, observed(irixSeen))
		Expect(err).NotTo(HaveOccurred())
		Expect(names(got)).To(Equal([]string{"IRIX 6.2 - 6.5  "}))
		got, err = fingerprint.Match(db, observed(linuxSeen))
		Expect(err).NotTo(HaveOccurred())
		Expect(names(got)).To(Equal([]string{"Linux 2.0.35-36"}))
	})

	It("matches every record of the embedded file on a silent host, so 2.01 has no result (the FAQ's exploits plus)", func() {
		db, err := fingerprint.Default()
		Expect(err).NotTo(HaveOccurred())
		Expect(len(db.Records)).To(BeNumerically(">", fingerprint.MatchLimit))
		_, err = fingerprint.Match(db, observed("T5(Resp=N)\nT6(Resp=N)\nT7(Resp=N)\nPU(Resp=N)"))
		Expect(errors.Is(err, fingerprint.ErrTooManyMatches)).To(BeTrue())
	})

	DescribeTable("2.01's limit: five matches are listed, a sixth voids the result",
		func(records int, want []string, tooMany bool) {
			var b strings.Builder
			for i := range records {
				fmt.Fprintf(&b, "FingerPrint  OS %d\nT1(DF=N)\n\n", i+1)
			}
			b.WriteString("FingerPrint  Other\nT1(DF=Y)\n")
			got, err := fingerprint.Match(mustParse(b.String()), observed("T1(Resp=Y%DF=N)"))
			Expect(errors.Is(err, fingerprint.ErrTooManyMatches)).To(Equal(tooMany))
			Expect(names(got)).To(Equal(want))
		},
		Entry("one", 1, []string{"OS 1"}, false),
		Entry("five, in file order", 5, []string{"OS 1", "OS 2", "OS 3", "OS 4", "OS 5"}, false),
		Entry("six", 6, nil, true),
		Entry("many", 40, nil, true),
	)

	// match_fingerprint() (osscan.c, 2.01) stores every match; listing a
	// name once came with 2.05.
	It("lists a name twice when two records of that name match, and counts both toward the limit", func() {
		db := mustParse("FingerPrint  A\nT1(DF=N)\n\nFingerPrint  A\nT1(W=0)\n\nFingerPrint  B\nT1(DF=N)\n")
		got, err := fingerprint.Match(db, observed("T1(Resp=Y%DF=N%W=0)"))
		Expect(err).NotTo(HaveOccurred())
		Expect(names(got)).To(Equal([]string{"A", "A", "B"}))
		var b strings.Builder
		for _, n := range []string{"A", "B", "C", "D", "E", "E"} {
			fmt.Fprintf(&b, "FingerPrint  %s\nT1(DF=N)\n\n", n)
		}
		_, err = fingerprint.Match(mustParse(b.String()), observed("T1(Resp=Y%DF=N)"))
		Expect(errors.Is(err, fingerprint.ErrTooManyMatches)).To(BeTrue())
	})
})

var _ = Describe("Fingerprint.String (fp2ascii)", func() {
	It("prints one test per line as nmap printed an observed fingerprint", func() {
		fp := &fingerprint.Fingerprint{Tests: []fingerprint.Test{
			{Name: "TSeq", Attrs: []fingerprint.Attr{{Name: "Class", Value: "TD"}, {Name: "gcd", Value: "3E8"}, {Name: "SI", Value: "1"}}},
			{Name: "T1", Attrs: []fingerprint.Attr{{Name: "Resp", Value: "Y"}, {Name: "DF", Value: "N"}, {Name: "W", Value: "7FE0"},
				{Name: "ACK", Value: "S++"}, {Name: "Flags", Value: "AS"}, {Name: "Ops", Value: "ME"}}},
			fingerprint.NoResponse("T2"),
			{Name: "T4", Attrs: []fingerprint.Attr{{Name: "Resp", Value: "Y"}, {Name: "Ops", Value: ""}}},
			{Name: "T7"},
		}}
		Expect(fp.String()).To(Equal("TSeq(Class=TD%gcd=3E8%SI=1)\n" +
			"T1(Resp=Y%DF=N%W=7FE0%ACK=S++%Flags=AS%Ops=ME)\n" +
			"T2(Resp=N)\n" +
			"T4(Resp=Y%Ops=)\n" +
			"T7()\n"))
		Expect(observed(irixSeen).String()).To(Equal(irixSeen + "\n"))
	})
})
