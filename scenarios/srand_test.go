package scenarios_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
)

var _ = Describe("scan srand (replaying 2.01's libc randomness)", func() {
	const head = "name: s\nnetwork:\n  hosts:\n    - name: v\n      open: [13]\nexpect:\n  reference:\n    present: [scan.tcp-syn]\nscan:\n"

	It("takes a 32-bit seed per run", func() {
		s, err := scenarios.Parse("s.yaml", []byte(head+"  - nmap: -sS -P0 v\n    srand: 34885\n  - nmap: -sS -P0 v\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(*s.Scan[0].Srand).To(BeEquivalentTo(34885))
		Expect(s.Scan[1].Srand).To(BeNil())
	})

	DescribeTable("refuses a seed that is not a 32-bit whole number, naming the line",
		func(v string) {
			_, err := scenarios.Parse("s.yaml", []byte(head+"  - nmap: -sS -P0 v\n    srand: "+v+"\n"))
			Expect(errors.Is(err, scenarios.ErrInvalid)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix("s.yaml:11: srand"))
		},
		Entry("negative", "-1"),
		Entry("too large", "4294967296"),
		Entry("not a number", "abc"),
	)
})
