package scenarios_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
)

var _ = Describe("dns traffic entries", func() {
	const head = "name: d\nnetwork:\n  hosts:\n    - name: ns\n      open_udp: [53]\n    - name: web\n      open: [80]\nexpect:\n  reference:\n    absent: [scan.udp]\ntraffic:\n"

	It("takes dns: host for lookups to the host's port 53", func() {
		s, err := scenarios.Parse("d.yaml", []byte(head+"  - dns: ns\n    count: 3\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Traffic[0].DNS).To(BeTrue())
		Expect(s.Traffic[0].Port).To(BeEquivalentTo(53))
		Expect(s.Traffic[0].Count).To(Equal(3))
	})

	DescribeTable("refuses what cannot be looked up, naming the line",
		func(entry, msg string) {
			_, err := scenarios.Parse("d.yaml", []byte(head+entry))
			Expect(errors.Is(err, scenarios.ErrInvalid)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix("d.yaml:12: "))
			Expect(err.Error()).To(ContainSubstring(msg))
		},
		Entry("a host without a DNS server", "  - dns: web\n", "add 53 to its open_udp"),
		Entry("an unknown host", "  - dns: nobody\n", `no host "nobody"`),
		Entry("both kinds in one entry", "  - dns: ns\n    session: web:80\n", "both session and dns"),
	)
})
