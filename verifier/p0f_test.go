package verifier_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// p0fChecks are the checks of r about p0f.
func p0fChecks(r *verifier.Result) []verifier.Check {
	var out []verifier.Check
	for _, c := range r.Verdict.Checks {
		if c.Detector == "p0f" {
			out = append(out, c)
		}
	}
	return out
}

// withPath runs the rest of the spec with PATH set to dir only.
func withPath(dir string) {
	old := os.Getenv("PATH")
	Expect(os.Setenv("PATH", dir)).To(Succeed())
	DeferCleanup(func() { Expect(os.Setenv("PATH", old)).To(Succeed()) })
}

// irixWithP0f is fig2-syn-os-irix's network and scan with the p0f
// section given (indented under expect:).
func irixWithP0f(section string) *scenarios.Scenario {
	s, err := scenarios.Parse("p0f.yaml", []byte(`name: p0f-irix
seed: 7
network:
  hosts:
    - name: victim
      stack: personality/irix-6.2
      open: [1, 7, 9, 13, 19, 21, 22, 23, 25]
scan:
  - nmap: -v -sS -P0 -O -p1-25 victim
expect:
  p0f:
`+section))
	Expect(err).NotTo(HaveOccurred())
	return s
}

var _ = Describe("the p0f adapter", func() {
	ctx := context.Background()

	It("runs p0f over an offline run and checks its records, writing p0f.log to the report", func() {
		s, err := scenarios.Find("fig2-syn-os-irix")
		Expect(err).NotTo(HaveOccurred())
		res, err := verifier.Run(ctx, s, true)
		Expect(err).NotTo(HaveOccurred())
		cs := p0fChecks(res)
		Expect(cs).To(HaveLen(4))
		for _, c := range cs {
			Expect(c.OK).To(BeTrue(), c.Want+": "+c.Detail)
		}
		Expect(string(res.Log("p0f"))).To(ContainSubstring("mod=syn|cli=198.18.0.2/"))

		dir := GinkgoT().TempDir()
		Expect(res.WriteReport(dir)).To(Succeed())
		got, err := os.ReadFile(filepath.Join(dir, s.Name, "p0f.log"))
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(res.Log("p0f")))
	})

	DescribeTable("explains what p0f said instead, briefly",
		func(section string, detail ...string) {
			res, err := verifier.Run(ctx, irixWithP0f(section), true)
			Expect(err).NotTo(HaveOccurred())
			cs := p0fChecks(res)
			Expect(cs).To(HaveLen(1))
			Expect(cs[0].OK).To(BeFalse())
			Expect(cs[0].Pos).To(Equal("p0f.yaml:13"))
			for _, d := range detail {
				Expect(cs[0].Detail).To(ContainSubstring(d))
			}
			Expect(cs[0].Detail).NotTo(ContainSubstring("raw_sig"))
			Expect(len(cs[0].Detail)).To(BeNumerically("<", 400), cs[0].Detail)
		},
		Entry("an OS p0f did not name",
			"    present:\n      - {label: syn, subj: cli, os: IRIX}\n",
			"syn from 198.18.0.2 reported os=???, expected IRIX; p0f reported: syn (subj=cli, os=???), syn+ack (subj=srv, os=???)"),
		Entry("a mod p0f did not log",
			"    present:\n      - http request\n",
			"p0f reported: syn (subj=cli, os=???)", "host change (subj=cli, reason=sig_diff mtu)"),
		Entry("a record p0f did log",
			"    absent:\n      - {label: syn, os: \"???\"}\n",
			"p0f reported syn (subj=cli, os=???) from 198.18.0.2 with no evidence (and 32 more such findings)"),
	)

	It("fails the p0f checks, not the run, when p0f is not installed", func() {
		withPath(GinkgoT().TempDir())
		res, err := verifier.Run(ctx, irixWithP0f("    present: [syn]\n"), true)
		Expect(err).NotTo(HaveOccurred())
		cs := p0fChecks(res)
		Expect(cs).To(HaveLen(1))
		Expect(cs[0].OK).To(BeFalse())
		Expect(cs[0].Detail).To(Equal("p0f did not run: p0f is not installed (apt-get install p0f)"))
		Expect(res.Verdict.Status()).To(Equal(verifier.StatusFail))
		Expect(res.Log("p0f")).To(BeNil())
	})

	It("reports the error line of a p0f that exits non-zero", func() {
		dir := GinkgoT().TempDir()
		fake := "#!/bin/sh\necho '[-] PROGRAM ABORT : pcap_open_offline: unknown file format' >&2\necho '         Location : prepare_pcap(), p0f.c:476' >&2\nexit 1\n"
		Expect(os.WriteFile(filepath.Join(dir, "p0f"), []byte(fake), 0o755)).To(Succeed())
		withPath(dir)
		res, err := verifier.Run(ctx, irixWithP0f("    present: [syn]\n"), true)
		Expect(err).NotTo(HaveOccurred())
		cs := p0fChecks(res)
		Expect(cs).To(HaveLen(1))
		Expect(cs[0].OK).To(BeFalse())
		Expect(cs[0].Detail).To(HavePrefix("p0f did not run: p0f failed: exit status 1: [-] PROGRAM ABORT : pcap_open_offline: unknown file format"))
	})

	It("does not run p0f for a scenario without p0f expectations", func() {
		withPath(GinkgoT().TempDir()) // no p0f: running it would leave a failing check
		s, err := scenarios.Find("fig2-syn")
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Expect.Detectors).NotTo(HaveKey("p0f"))
		res, err := verifier.Run(ctx, s, true)
		Expect(err).NotTo(HaveOccurred())
		Expect(p0fChecks(res)).To(BeEmpty())
		Expect(res.Log("p0f")).To(BeNil())
	})

	It("CleanP0fTemp removes the temporary directories of dead processes only", func() {
		dead := filepath.Join(os.TempDir(), "siglab-p0f-999999999-spec") // pid above pid_max: never alive
		live := filepath.Join(os.TempDir(), fmt.Sprintf("siglab-p0f-%d-spec", os.Getpid()))
		for _, d := range []string{dead, live} {
			Expect(os.MkdirAll(filepath.Join(d, "x"), 0o755)).To(Succeed())
			DeferCleanup(os.RemoveAll, d)
		}
		removed, err := verifier.CleanP0fTemp()
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(ContainElement("temp " + dead))
		Expect(removed).NotTo(ContainElement("temp " + live))
		Expect(dead).NotTo(BeAnExistingFile())
		Expect(live).To(BeADirectory())
	})
})
