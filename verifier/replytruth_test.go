package verifier_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

var _ = Describe("ground truth on the targets' answers", func() {
	DescribeTable("labels every answer with the probe it answers (offline)",
		func(name string, want ...string) {
			s, err := scenarios.Find(name)
			Expect(err).NotTo(HaveOccurred())
			res, err := verifier.Run(context.Background(), s, true)
			Expect(err).NotTo(HaveOccurred())
			var comments []string
			for _, p := range res.Capture.Packets {
				Expect(p.Comment).NotTo(BeEmpty(), "every packet of a siglab run is either sent (labelled by the engine) or an answer")
				comments = append(comments, p.Comment)
			}
			Expect(comments).To(ContainElements(want))
		},
		Entry("the IRIX OS battery", "fig2-syn-os-irix",
			"answer to SYN probe: SYN/ACK", "answer to SYN probe: RST/ACK",
			"answer to T1: SYN/ACK", "answer to T2: RST/ACK", "answer to T3: ACK", "answer to T4: RST",
			"answer to TSeq 1/6: SYN/ACK", "answer to PU: ICMP port unreachable"),
		Entry("a UDP scan", "tech-udp", "answer to UDP probe: ICMP port unreachable"),
		Entry("a ping sweep", "tech-ping-sweep", "answer to ping echo: echo reply", "answer to ping ACK: RST"),
	)
})
