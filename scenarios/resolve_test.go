package scenarios_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
)

var _ = Describe("Resolve", func() {
	var dir string
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		// A user's file named like a catalogue scenario, beside another.
		for name, desc := range map[string]string{"fig2-syn": "mine", "other": "another"} {
			data := []byte("name: " + name + "\nsummary: " + desc + "\nnetwork:\n  hosts:\n    - name: victim\n" +
				"scan:\n  - nmap: -sS -P0 -p22 victim\nexpect:\n  reference:\n    present: [scan.tcp-syn]\n")
			Expect(os.WriteFile(filepath.Join(dir, name+".yaml"), data, 0o644)).To(Succeed())
		}
	})

	DescribeTable("reads a path when one exists, else the catalogue",
		func(arg func() string, names []string, desc string) {
			list, err := scenarios.Resolve(arg())
			Expect(err).NotTo(HaveOccurred())
			var got []string
			for _, s := range list {
				got = append(got, s.Name)
			}
			Expect(got).To(Equal(names))
			Expect(list[0].Summary).To(ContainSubstring(desc))
		},
		Entry("a catalogue name", func() string { return "fig2-syn" }, []string{"fig2-syn"}, "SYN half-open"),
		Entry("a file shadows the catalogue scenario of its name", func() string { return filepath.Join(dir, "fig2-syn.yaml") },
			[]string{"fig2-syn"}, "mine"),
		Entry("a directory gives its files in name order", func() string { return dir }, []string{"fig2-syn", "other"}, "mine"),
	)

	It("names what it could not find", func() {
		_, err := scenarios.Resolve("no-such-scenario")
		Expect(err).To(MatchError(scenarios.ErrNotFound))
		Expect(err.Error()).To(ContainSubstring("no-such-scenario"))
	})

	It("resolves nothing to the whole catalogue, and arguments in order", func() {
		all, err := scenarios.ResolveAll()
		Expect(err).NotTo(HaveOccurred())
		cat, err := scenarios.Catalogue()
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(HaveLen(len(cat)))
		two, err := scenarios.ResolveAll("tech-fin", "fig2-syn")
		Expect(err).NotTo(HaveOccurred())
		Expect([]string{two[0].Name, two[1].Name}).To(Equal([]string{"tech-fin", "fig2-syn"}))
	})
})
