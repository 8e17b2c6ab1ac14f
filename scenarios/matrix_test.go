package scenarios_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/scenarios"
)

// smallMatrix is two techniques by two stacks by two port sets, with a
// table per technique and a case for one combination.
const smallMatrix = `name: m
summary: "${technique.flags} on ${stack}"
seed: 5
matrix:
  technique:
    syn: {flags: -sS}
    fin: {flags: -sF}
  stack:
    kernel: {stack: kernel}
    irix: {stack: personality/irix-6.2}
  ports:
    top: {open: [21, 22], range: 1-30}
    none: {open: [], range: 1-30}
network:
  hosts:
    - name: victim
      stack: ${stack.stack}
      open: ${ports.open}
scan:
  - nmap: -v ${technique.flags} -P0 -p${ports.range} victim
expect:
  reference:
    absent: [tool.nmap-modern]
expect_by:
  technique:
    syn:
      reference: {present: [scan.tcp-syn]}
    fin:
      reference: {present: [scan.tcp-fin]}
expect_when:
  - when: {technique: fin, stack: [irix]}
    expect:
      nmap_output: {contains: ["No ports open"]}
`

func parseMatrix(src string) ([]*scenarios.Scenario, error) {
	return scenarios.ParseAll("m.yaml", []byte(src), nil)
}

var _ = Describe("Matrix files", func() {
	It("expand to one scenario per combination, the last axis turning fastest, with stable names", func() {
		ss, err := parseMatrix(smallMatrix)
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for _, s := range ss {
			names = append(names, s.Name)
		}
		Expect(names).To(Equal([]string{
			"m[technique=syn,stack=kernel,ports=top]", "m[technique=syn,stack=kernel,ports=none]",
			"m[technique=syn,stack=irix,ports=top]", "m[technique=syn,stack=irix,ports=none]",
			"m[technique=fin,stack=kernel,ports=top]", "m[technique=fin,stack=kernel,ports=none]",
			"m[technique=fin,stack=irix,ports=top]", "m[technique=fin,stack=irix,ports=none]",
		}))
		Expect(ss[6].Matrix).To(Equal(&scenarios.MatrixPoint{Base: "m", Values: []scenarios.AxisValue{
			{Axis: "technique", Value: "fin"}, {Axis: "stack", Value: "irix"}, {Axis: "ports", Value: "top"}}}))
	})

	It("substitutes variables whole (a list of ports) and inside text", func() {
		ss, err := parseMatrix(smallMatrix)
		Expect(err).NotTo(HaveOccurred())
		s := ss[6] // fin, irix, top
		Expect(s.Summary).To(Equal("-sF on irix"))
		Expect(s.Scan[0].Nmap).To(Equal("-v -sF -P0 -p1-30 victim"))
		v, ok := s.Host("victim")
		Expect(ok).To(BeTrue())
		Expect(v.Stack).To(Equal(labnet.Stack("personality/irix-6.2")))
		Expect(v.OpenTCP).To(Equal([]uint16{21, 22}))
		none, _ := ss[7].Host("victim")
		Expect(none.OpenTCP).To(BeEmpty())
	})

	It("adds the table of each value and the cases that match to the expect: section", func() {
		ss, err := parseMatrix(smallMatrix)
		Expect(err).NotTo(HaveOccurred())
		syn, fin, finIrix := ss[0], ss[4], ss[6]
		Expect(labelsOf(syn.Expect.Detectors["reference"].Present)).To(Equal([]string{"scan.tcp-syn"}))
		Expect(labelsOf(syn.Expect.Detectors["reference"].Absent)).To(Equal([]string{"tool.nmap-modern"}))
		Expect(labelsOf(fin.Expect.Detectors["reference"].Present)).To(Equal([]string{"scan.tcp-fin"}))
		Expect(fin.Expect.NmapOutput.Contains).To(BeEmpty())
		Expect(finIrix.Expect.NmapOutput.Contains).To(Equal([]string{"No ports open"}))
		// Lines point into the table, where the expectation is written.
		Expect(finIrix.Expect.NmapOutput.Lines).To(Equal([]int{33}))
	})

	It("derives each seed from the name: stable, and different for every point", func() {
		a, err := parseMatrix(smallMatrix)
		Expect(err).NotTo(HaveOccurred())
		b, err := parseMatrix(smallMatrix)
		Expect(err).NotTo(HaveOccurred())
		seen := map[uint64]bool{}
		for i, s := range a {
			Expect(s.Seed).To(Equal(b[i].Seed))
			Expect(s.Seed).To(Equal(scenarios.MatrixSeed(5, s.Name)))
			Expect(seen[s.Seed]).To(BeFalse())
			seen[s.Seed] = true
		}
		// The value is fixed across machines and releases: FNV-1a of "5/name"
		// (checked against an independent implementation).
		Expect(scenarios.MatrixSeed(5, "m[technique=syn,stack=kernel,ports=top]")).To(Equal(uint64(0x5e170cb3b77cb875)))
	})

	It("reads a plain scenario file as its one scenario", func() {
		ss, err := parseMatrix(minimal)
		Expect(err).NotTo(HaveOccurred())
		Expect(ss).To(HaveLen(1))
		Expect(ss[0].Name).To(Equal("t"))
		Expect(ss[0].Matrix).To(BeNil())
	})

	It("is refused by Parse, which reads one scenario, with a pointer to what expands it", func() {
		_, err := scenarios.Parse("m.yaml", []byte(smallMatrix))
		Expect(err).To(MatchError(ContainSubstring("m.yaml:5: a matrix file holds many scenarios")))
	})

	DescribeTable("refuses a bad matrix with file:line",
		func(edit func(string) string, want string) {
			_, err := parseMatrix(edit(smallMatrix))
			Expect(err).To(HaveOccurred())
			Expect(errors.Is(err, scenarios.ErrInvalid)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix("m.yaml:"))
			Expect(err.Error()).To(ContainSubstring(want))
			Expect(err.Error()).NotTo(ContainSubstring("\n"))
		},
		Entry("an unknown variable", replace("${ports.range}", "${ports.rnage}"),
			`m.yaml:20: ${ports.rnage}: value ports=top (line 12) sets no variable "rnage" (in m[technique=syn,stack=kernel,ports=top])`),
		Entry("an unknown axis", replace("${stack.stack}", "${os.stack}"), `m.yaml:17: ${os.stack}: "os" is not an axis`),
		Entry("a list inside text", replace("-p${ports.range}", "-p${ports.open}"), "m.yaml:20: ${ports.open} is a list"),
		Entry("an axis without values", replace("    none: {open: [], range: 1-30}\n", "").then(replace("    top: {open: [21, 22], range: 1-30}\n", "    {}\n")),
			"m.yaml:11: matrix: axis ports has no values"),
		Entry("an empty matrix", replace("matrix:\n", "matrix: {}\nx:\n"), "m.yaml:4: matrix: give at least one axis"),
		Entry("a bad value name", replace("    syn: {flags: -sS}", "    Syn: {flags: -sS}"), `m.yaml:6: matrix: value "Syn" of axis technique`),
		Entry("a table for an unknown axis", replace("expect_by:\n  technique:", "expect_by:\n  tech:"), `m.yaml:25: expect_by: "tech" is not an axis of the matrix (axes: technique, stack, ports)`),
		Entry("a table for an unknown value", replace("    fin:\n      reference", "    xmas:\n      reference"), `m.yaml:28: expect_by: "xmas" is not a value of axis technique`),
		Entry("a case for an unknown value", replace("stack: [irix]", "stack: [irix, nt4]"), `m.yaml:31: when: "nt4" is not a value of axis stack (values: kernel, irix)`),
		Entry("a case without expect", replace("    expect:\n      nmap_output", "    x:\n      nmap_output"), `m.yaml:32: unknown key "x" in expect_when entry`),
		Entry("a bad label in a table", replace("[scan.tcp-fin]", "[scan.tcp-fni]"), `m.yaml:29: unknown reference label "scan.tcp-fni"`),
		Entry("a single value set twice", replace("expect:\n  reference:\n    absent: [tool.nmap-modern]", "expect:\n  reference: x"),
			"m.yaml:26: cannot add this (a mapping) to line 22's a single value"),
		Entry("no name", replace("name: m\n", ""), "m.yaml:1: missing name"),
		Entry("matrix twice", replace("seed: 5\n", "seed: 5\nmatrix: {}\n"), `key "matrix" appears twice`),
		Entry("a substituted value the scenario refuses", replace("irix: {stack: personality/irix-6.2}", "irix: {stack: personality/irix-9}"), `m.yaml:10: stack "personality/irix-9": no personality "irix-9"`),
	)

	It("bounds the expansion, so a short file cannot ask for millions of scenarios", func() {
		var b strings.Builder
		b.WriteString("name: big\nmatrix:\n")
		for _, ax := range []string{"a", "b", "c", "d", "e"} {
			b.WriteString("  " + ax + ":\n")
			for i := range 11 {
				fmt.Fprintf(&b, "    v%d: {}\n", i)
			}
		}
		b.WriteString(strings.TrimPrefix(minimal, "name: t\n"))
		_, err := parseMatrix(b.String())
		Expect(err).To(MatchError(ContainSubstring("m.yaml:51: matrix: more than 100000 scenarios by axis e")))
	})

	It("loads through Load and Resolve like any scenario file", func() {
		ss, err := scenarios.ResolveAll("matrix/technique-matrix.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(len(ss)).To(BeNumerically(">=", 1000))
		Expect(ss[0].Name).To(Equal("technique-matrix[technique=syn,stack=kernel,ports=top,timing=linux20]"))
		Expect(ss[0].File).To(Equal("matrix/technique-matrix.yaml"))
		names := map[string]bool{}
		for _, s := range ss {
			Expect(names[s.Name]).To(BeFalse())
			names[s.Name] = true
		}
	})
})

// srcEdit is a change to a matrix's source, chainable with then.
type srcEdit func(string) string

func replace(old, new string) srcEdit {
	return func(s string) string {
		Expect(s).To(ContainSubstring(old))
		return strings.Replace(s, old, new, 1)
	}
}

func (e srcEdit) then(f srcEdit) srcEdit { return func(s string) string { return f(e(s)) } }

// FuzzParseMatrix feeds ParseAll arbitrary bytes seeded with small matrices
// (the 1,008-point example makes each run too slow to explore): it
// must never panic, fail only with one-line file:line errors, and
// whatever it accepts must expand to scenarios with unique, stable names
// that meet the format's rules.
func FuzzParseMatrix(f *testing.F) {
	f.Add([]byte(smallMatrix))
	f.Add([]byte(minimal))
	f.Add([]byte("name: a\nmatrix: {x: {y: {v: \"${x}\"}}}\n" + strings.TrimPrefix(minimal, "name: t\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		ss, err := scenarios.ParseAll("fuzz.yaml", data, nil)
		if err != nil {
			if !errors.Is(err, scenarios.ErrInvalid) || !errRE.MatchString(err.Error()) {
				t.Fatalf("malformed error %q", err)
			}
			return
		}
		names := map[string]bool{}
		for _, s := range ss {
			if names[s.Name] {
				t.Fatalf("name %q twice", s.Name)
			}
			names[s.Name] = true
			if s.Matrix != nil && s.Name != scenarios.MatrixName(s.Matrix.Base, s.Matrix.Values) {
				t.Fatalf("name %q is not its point's %v", s.Name, s.Matrix)
			}
			if s.Matrix == nil {
				checkAccepted(t, s)
			}
		}
	})
}
