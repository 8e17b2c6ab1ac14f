package detector_test

import (
	"fmt"
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
)

// The README's table of every label is what users copy into SIEM rules,
// so it is checked against the label table itself: a label added, renamed
// or renumbered without the README fails here, with the rows to paste.
var _ = Describe("the README's label table", func() {
	const start = "<!-- labels:begin -->"
	const end = "<!-- labels:end -->"

	row := func(l detector.LabelInfo) string {
		return fmt.Sprintf("| `%s` | %d | %s | %s |", l.Name, l.SID, l.Proto, l.Text)
	}

	readTable := func() []string {
		b, err := os.ReadFile("../README.md")
		Expect(err).NotTo(HaveOccurred())
		s := string(b)
		i, j := strings.Index(s, start), strings.Index(s, end)
		Expect(i).To(BeNumerically(">=", 0), "README.md has no %s marker", start)
		Expect(j).To(BeNumerically(">", i), "README.md has no %s marker after %s", end, start)
		var rows []string
		for _, line := range strings.Split(s[i+len(start):j], "\n") {
			if strings.HasPrefix(line, "| `") {
				rows = append(rows, line)
			}
		}
		return rows
	}

	It("lists every label of the contract, in order, with its signature, proto and meaning", func() {
		var want []string
		for _, l := range detector.Labels() {
			want = append(want, row(l))
		}
		Expect(readTable()).To(Equal(want), "README.md's label table should read:\n%s", strings.Join(want, "\n"))
	})

	DescribeTable("names each label in the prose that explains it, beyond the table",
		func(l detector.LabelInfo) {
			b, err := os.ReadFile("../README.md")
			Expect(err).NotTo(HaveOccurred())
			s := string(b)
			Expect(strings.Count(s, "`"+l.Name)).To(BeNumerically(">=", 2), "README.md mentions %s only in the table", l.Name)
		},
		func() []TableEntry {
			var es []TableEntry
			for _, l := range detector.Labels() {
				es = append(es, Entry(l.Name, l))
			}
			return es
		}(),
	)
})
