package verifier_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

var _ = Describe("Offline generation", func() {
	// offline is every catalogue scenario that can be generated.
	offline := func() []*scenarios.Scenario {
		all, err := scenarios.Catalogue()
		Expect(err).NotTo(HaveOccurred())
		var out []*scenarios.Scenario
		for _, s := range all {
			if verifier.CheckGenerate(s) == nil {
				out = append(out, s)
			}
		}
		Expect(len(out)).To(BeNumerically(">", 20))
		return out
	}

	It("streams, for every offline catalogue scenario, the pcap Run's sorted offline capture writes", func() {
		for _, s := range offline() {
			ran, err := verifier.Run(context.Background(), s, true)
			Expect(err).NotTo(HaveOccurred(), s.Name)
			var want bytes.Buffer
			Expect(ran.Capture.WritePcap(&want)).To(Succeed())

			var got bytes.Buffer
			gen, err := verifier.GeneratePcap(context.Background(), s, &got)
			Expect(err).NotTo(HaveOccurred(), s.Name)
			Expect(got.Bytes()).To(Equal(want.Bytes()), "%s: the streamed pcap differs from the sorted capture's", s.Name)
			Expect(gen.Packets).To(Equal(len(ran.Capture.Packets)), s.Name)
			Expect(gen.Output).To(Equal(ran.Output), s.Name)
			Expect(gen.Machine).To(Equal(ran.Machine), s.Name)

			held, err := verifier.Generate(context.Background(), s)
			Expect(err).NotTo(HaveOccurred(), s.Name)
			var heldPcap bytes.Buffer
			Expect(held.Capture.WritePcap(&heldPcap)).To(Succeed())
			Expect(heldPcap.Bytes()).To(Equal(want.Bytes()), "%s: Generate's capture", s.Name)
			Expect(held.Verdict.Packets).To(Equal(gen.Packets))
		}
	})

	It("refuses a live-only scenario before writing anything", func() {
		s, err := scenarios.Find("tech-ftp-bounce")
		Expect(err).NotTo(HaveOccurred())
		Expect(errors.Is(verifier.CheckGenerate(s), verifier.ErrSetup)).To(BeTrue())
		var w bytes.Buffer
		_, err = verifier.GeneratePcap(context.Background(), s, &w)
		Expect(errors.Is(err, verifier.ErrSetup)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("live only"))
		Expect(w.Len()).To(BeZero())
	})

	It("reports a write error as the output's", func() {
		s, err := scenarios.Find("fig2-syn")
		Expect(err).NotTo(HaveOccurred())
		_, err = verifier.GeneratePcap(context.Background(), s, brokenWriter{})
		Expect(err).To(MatchError(os.ErrClosed))
		Expect(err).To(MatchError(verifier.ErrOutput))
	})

	It("stops when its context is cancelled", func() {
		s, err := scenarios.Find("fig2-syn")
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err = verifier.GeneratePcap(ctx, s, io.Discard)
		Expect(errors.Is(err, context.Canceled)).To(BeTrue(), "%v", err)
	})
})

// brokenWriter fails every write, as a closed file does.
type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }
