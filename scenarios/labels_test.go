package scenarios_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/scenarios"
)

// tableLabels is one entry per row of the detector's label table, so a
// label added there is checked here without being listed again.
func tableLabels() []TableEntry {
	var es []TableEntry
	for _, l := range detector.Labels() {
		es = append(es, Entry(l.Name, l.Name))
	}
	return es
}

var _ = Describe("the reference vocabulary", func() {
	It("is the detector's label table, in its order", func() {
		var names []string
		for _, l := range detector.Labels() {
			names = append(names, l.Name)
		}
		Expect(names).NotTo(BeEmpty())
		Expect(scenarios.Labels()).To(Equal(names))
		Expect(scenarios.DetectorLabels(scenarios.DetectorReference)).To(Equal(names))
	})

	DescribeTable("knows every label of the table, and a scenario may expect it",
		func(label string) {
			Expect(scenarios.KnownLabel(label)).To(BeTrue())
			Expect(scenarios.KnownDetectorLabel(scenarios.DetectorReference, label)).To(BeTrue())
			s, err := scenarios.Parse("ok.yaml", []byte(strings.Replace(minimal, "[scan.tcp-syn]", "["+label+"]", 1)))
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Expect.Detectors[scenarios.DetectorReference].Present).To(Equal([]scenarios.Expectation{{Label: label, Line: 10}}))
		},
		tableLabels(),
	)

	DescribeTable("refuses what is not in the table",
		func(label string) {
			Expect(scenarios.KnownLabel(label)).To(BeFalse())
			Expect(scenarios.KnownDetectorLabel(scenarios.DetectorReference, label)).To(BeFalse())
		},
		Entry("one letter off", "scan.tcp-sin"),
		Entry("capitals", "SCAN.TCP-SYN"),
		Entry("trailing space", "scan.tcp-syn "),
		Entry("a p0f label", "syn"),
		Entry("empty", ""),
	)
})
