package netns_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/netns"
)

var _ = Describe("OpenLabNS and ExecIn", func() {
	DescribeTable("refuse what is not a running lab's namespace, with ErrNoLab, entering nothing",
		func(name string) {
			_, err := netns.OpenLabNS(name)
			Expect(err).To(MatchError(netns.ErrNoLab))
			Expect(netns.ExecIn(name, []string{"/bin/true"}, nil)).To(MatchError(netns.ErrNoLab))
		},
		Entry("another tool's namespace", "cni-1234"),
		Entry("a path", "../siglab-1-1-scan"),
		Entry("a siglab name without a lab", "siglab-999999999-1-scan"),
		Entry("no name", ""),
	)
})
