package picture_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

var _ = Describe("the catalogue's pictures", func() {
	It("draws every scenario that can be generated offline, each with probes and answers", func() {
		list, err := scenarios.Catalogue()
		Expect(err).NotTo(HaveOccurred())
		drawn := 0
		for _, s := range list {
			if verifier.CheckGenerate(s) != nil {
				continue // live only
			}
			_, sum := drawScenario(s.Name) // fails on ErrEmpty
			probes, answers := 0, 0
			for k, n := range sum.Kinds {
				if k.Answer() {
					answers += n
				} else {
					probes += n
				}
			}
			Expect(probes).To(BeNumerically(">", 0), s.Name)
			Expect(answers).To(BeNumerically(">", 0), s.Name)
			GinkgoWriter.Printf("%s: %s view, %d packets, %d marks, %d sources\n", s.Name, sum.View, sum.Packets, sum.Marks, len(sum.Sources))
			drawn++
		}
		Expect(drawn).To(BeNumerically(">=", 25))
	})
})
