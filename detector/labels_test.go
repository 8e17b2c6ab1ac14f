package detector_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
)

// sourceLabels reads the package's own source (not its tests): the value
// of every string constant named label*, and how often each string
// literal occurs. The table is checked against the analyzers' constants
// this way so that a label added to an analyzer without a row in the
// table fails here, not in a SIEM that never sees its alerts.
func sourceLabels() (consts map[string]string, literals map[string]int) {
	consts, literals = map[string]string{}, map[string]int{}
	files, err := filepath.Glob("*.go")
	Expect(err).NotTo(HaveOccurred())
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		Expect(err).NotTo(HaveOccurred())
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GenDecl:
				if n.Tok != token.CONST {
					return true
				}
				for _, spec := range n.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, id := range vs.Names {
						if !strings.HasPrefix(id.Name, "label") || i >= len(vs.Values) {
							continue
						}
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							v, err := strconv.Unquote(lit.Value)
							Expect(err).NotTo(HaveOccurred())
							consts[id.Name] = v
						}
					}
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					if v, err := strconv.Unquote(n.Value); err == nil {
						literals[v]++
					}
				}
			}
			return true
		})
	}
	return consts, literals
}

var _ = Describe("the label table", func() {
	It("numbers signatures consecutively from 9000001 in table order, one row per label", func() {
		t := detector.Labels()
		Expect(t).NotTo(BeEmpty())
		names := map[string]int{}
		for i, l := range t {
			Expect(l.SID).To(Equal(9000001+i), l.Name)
			Expect(names).NotTo(HaveKey(l.Name), "row %d repeats %s", i, l.Name)
			names[l.Name] = i
			Expect(l.Proto).To(BeElementOf("TCP", "UDP", "ICMP", "SCTP", "IP"), l.Name)
			Expect(l.Category).NotTo(BeEmpty(), l.Name)
			Expect(l.Severity).To(BeNumerically(">", 0), l.Name)
			Expect(l.Text).NotTo(BeEmpty(), l.Name)
		}
		// A few numbers SIEM rules key on, pinned: appending keeps them,
		// reordering or inserting rows would not.
		Expect(t[0].Name).To(Equal("scan.tcp-syn"))
		Expect(t[16]).To(HaveField("Name", "campaign.exploits-plus"))
		Expect(t[16]).To(HaveField("SID", 9000017))
	})

	It("has a row for every label constant the analyzers use, each name written once", func() {
		consts, literals := sourceLabels()
		Expect(consts).NotTo(BeEmpty())
		inTable := map[string]bool{}
		for _, l := range detector.Labels() {
			inTable[l.Name] = true
			Expect(literals[l.Name]).To(Equal(1), "%q should be written once, in its constant", l.Name)
		}
		for c, v := range consts {
			Expect(inTable).To(HaveKey(v), "constant %s = %q has no row in the label table", c, v)
		}
		Expect(consts).To(HaveLen(len(inTable)), "every row names a label constant")
	})

	It("looks every row up by name and refuses names outside it", func() {
		for _, l := range detector.Labels() {
			got, ok := detector.LookupLabel(l.Name)
			Expect(ok).To(BeTrue(), l.Name)
			Expect(got).To(Equal(l))
		}
		for _, bad := range []string{"", "scan.tcp-sin", "SCAN.TCP-SYN", "scan.tcp-syn "} {
			_, ok := detector.LookupLabel(bad)
			Expect(ok).To(BeFalse(), "%q", bad)
		}
	})

	It("hands out a copy", func() {
		t := detector.Labels()
		t[0].Name, t[0].SID = "changed", 1
		Expect(detector.Labels()[0]).To(HaveField("Name", "scan.tcp-syn"))
		syn, _ := detector.LookupLabel("scan.tcp-syn")
		Expect(syn).To(HaveField("SID", 9000001))
	})
})
