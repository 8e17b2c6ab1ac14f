package scenarios_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
)

// withTimers is minimal with a timers: line (line 2) holding v.
func withTimers(v string) string {
	return strings.Replace(minimal, "name: t\n", "name: t\ntimers: "+v+"\n", 1)
}

var _ = Describe("A scenario's timers", func() {
	DescribeTable("choose the scanner's sleeps: Linux 2.0's ticks by default, or exact",
		func(src string, ideal bool) {
			s, err := scenarios.Parse("ok.yaml", []byte(src))
			Expect(err).NotTo(HaveOccurred())
			Expect(s.IdealTimers).To(Equal(ideal))
		},
		Entry("left out", minimal, false),
		Entry("linux-2.0", withTimers("linux-2.0"), false),
		Entry("ideal", withTimers("ideal"), true),
	)

	DescribeTable("refuses another value, with file:line and ErrInvalid",
		expectRefused,
		Entry("an unknown model", withTimers("hz1000"), "bad.yaml:2: ", `timers: "hz1000" is not a timer model (linux-2.0, the default, or ideal)`),
		Entry("a list", withTimers("[ideal]"), "bad.yaml:2: ", "timers"),
	)
})
