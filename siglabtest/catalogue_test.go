package siglabtest_test

import (
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/siglabtest"
)

// The whole catalogue, one table entry per scenario: live as root,
// offline otherwise. Under `ginkgo -p` every process runs its share in
// networks of its own.
var _ = Describe("the scenario catalogue", func() {
	names, err := siglabtest.Catalogue()
	if err != nil {
		panic(err) // a broken embedded catalogue fails the suite at once
	}
	var entries []TableEntry
	for _, n := range names {
		entries = append(entries, Entry(n, n))
	}
	if os.Geteuid() != 0 {
		GinkgoWriter.Println("*** not root: the catalogue runs OFFLINE (simulated network) ***")
	}
	DescribeTable("passes every expectation it states", func(name string) {
		Expect(siglabtest.Run(name)).To(siglabtest.Pass())
	}, entries)
})

var _ = Describe("the matchers", func() {
	It("find a finding by label and attribute, and explain a miss", func() {
		r := siglabtest.RunOffline("fig2-syn")
		Expect(r).To(siglabtest.HaveFinding("scan.tcp-syn", siglabtest.WithAttr("open", "9"), siglabtest.WithScanner("198.18.0.2")))
		Expect(r).To(siglabtest.HaveFinding("tool.nmap-2.0x", siglabtest.WithAtLeastPackets(25)))
		Expect(r).NotTo(siglabtest.HaveFinding("tool.nmap-modern"))
		Expect(r).To(siglabtest.HaveNmapOutput("Adding TCP port 9 (state Open)."))
		m := siglabtest.HaveFinding("scan.tcp-xmas")
		ok, err := m.Match(r)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeFalse())
		Expect(m.FailureMessage(r)).To(ContainSubstring("scan.tcp-syn from 198.18.0.2"))
	})

	It("report a scenario that could not run as an error, not a mismatch", func() {
		_, err := siglabtest.HaveFinding("scan.tcp-syn").Match(siglabtest.RunOffline("no-such-scenario"))
		Expect(err).To(MatchError(ContainSubstring("no-such-scenario")))
	})
})
