package scenarios_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
)

// withStart is minimal with a start: line (line 2) holding v.
func withStart(v string) string {
	return strings.Replace(minimal, "name: t\n", "name: t\nstart: "+v+"\n", 1)
}

var _ = Describe("A scenario's start", func() {
	It("is the zero time when left out (offline runs then start at simnet.Epoch)", func() {
		s, err := scenarios.Parse("ok.yaml", []byte(minimal))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Start.IsZero()).To(BeTrue())
	})

	DescribeTable("reads an RFC 3339 moment, quoted or not, in UTC",
		func(v string, want time.Time) {
			s, err := scenarios.Parse("ok.yaml", []byte(withStart(v)))
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Start).To(Equal(want))
			Expect(s.Start.Location()).To(Equal(time.UTC))
		},
		Entry("plain", "1998-12-24T01:41:25Z", time.Date(1998, 12, 24, 1, 41, 25, 0, time.UTC)),
		Entry("with microseconds", "1998-12-24T01:41:25.180240Z", time.Date(1998, 12, 24, 1, 41, 25, 180240000, time.UTC)),
		Entry("quoted", `"1998-12-27T03:50:28.255696Z"`, time.Date(1998, 12, 27, 3, 50, 28, 255696000, time.UTC)),
		Entry("another zone", "1998-12-23T13:42:24-05:00", time.Date(1998, 12, 23, 18, 42, 24, 0, time.UTC)),
		Entry("the first second of a time_t", "1970-01-01T00:00:00Z", time.Unix(0, 0).UTC()),
	)

	DescribeTable("refuses what is not a moment, with file:line and ErrInvalid",
		expectRefused,
		Entry("a date alone", withStart("1998-12-24"), "bad.yaml:2: ", `start: "1998-12-24" is not an RFC 3339 moment`),
		Entry("no zone", withStart("1998-12-24T01:41:25"), "bad.yaml:2: ", "is not an RFC 3339 moment"),
		Entry("a space for the T", withStart("1998-12-24 01:41:25Z"), "bad.yaml:2: ", "is not an RFC 3339 moment"),
		Entry("a number", withStart("914463685"), "bad.yaml:2: ", `start must be a moment such as 1998-12-24T01:41:25Z, not "914463685"`),
		Entry("a list", withStart("[1998-12-24T01:41:25Z]"), "bad.yaml:2: ", "start must be a moment"),
		Entry("before 1970", withStart("1969-12-31T23:59:59Z"), "bad.yaml:2: ", "outside what a 32-bit time_t holds"),
		Entry("after 2038", withStart("2038-01-19T03:14:08Z"), "bad.yaml:2: ", "outside what a 32-bit time_t holds"),
		Entry("a misspelt key", strings.Replace(withStart("1998-12-24T01:41:25Z"), "start:", "strat:", 1), "bad.yaml:2: ", `unknown key "strat"`),
	)
})
