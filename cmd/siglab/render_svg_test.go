package main_test

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("siglab render --svg", func() {
	It("draws figure 2's capture, unprivileged, as the picture package's golden file", func() {
		dir := GinkgoT().TempDir()
		Expect(os.Chmod(dir, 0o777)).To(Succeed())
		pcap, svg := filepath.Join(dir, "fig2-syn.pcap"), filepath.Join(dir, "fig2.svg")
		r := siglab("generate", "fig2-syn", "-o", pcap)
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(os.Chmod(pcap, 0o644)).To(Succeed())

		r = runAs(true, "render", "--svg", svg, pcap)
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout + r.stderr).To(BeEmpty())
		got, err := os.ReadFile(svg)
		Expect(err).NotTo(HaveOccurred())
		want, err := os.ReadFile(filepath.Join("..", "..", "picture", "testdata", "fig2-syn.svg"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal(string(want)))
	})

	It("refuses an OUT it cannot write, naming it, exit 2", func() {
		dir := GinkgoT().TempDir()
		pcap := filepath.Join(dir, "fig2-syn.pcap")
		Expect(siglab("generate", "fig2-syn", "-o", pcap).code).To(Equal(0))
		r := siglab("render", "--svg", filepath.Join(dir, "missing", "out.svg"), pcap)
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(MatchRegexp(`^siglab: --svg: .*missing/out\.svg.*\n$`))
	})

	DescribeTable("refuses bad input in one line, exit 2, leaving OUT as it was",
		func(setup func(dir string) []string, msg string) {
			dir := GinkgoT().TempDir()
			svg := filepath.Join(dir, "out.svg")
			Expect(os.WriteFile(svg, []byte("before"), 0o644)).To(Succeed())
			r := siglab(append([]string{"render", "--svg", svg}, setup(dir)...)...)
			Expect(r.code).To(Equal(2))
			Expect(strings.Count(r.stderr, "\n")).To(Equal(1), r.stderr)
			Expect(r.stderr).To(ContainSubstring(msg))
			Expect(os.ReadFile(svg)).To(Equal([]byte("before")))
			entries, err := os.ReadDir(dir)
			Expect(err).NotTo(HaveOccurred())
			Expect(len(entries)).To(BeNumerically("<=", 2), "no temporary file left behind")
		},
		Entry("a missing capture", func(dir string) []string { return []string{filepath.Join(dir, "none.pcap")} }, "none.pcap"),
		Entry("a file that is no capture", func(dir string) []string {
			f := filepath.Join(dir, "junk.pcap")
			Expect(os.WriteFile(f, []byte("not a capture at all"), 0o644)).To(Succeed())
			return []string{f}
		}, "junk.pcap"),
		Entry("a capture without IPv4 probes", func(dir string) []string {
			f := filepath.Join(dir, "empty.pcap")
			// A classic pcap header (raw IPv4, 101) and no packet.
			hdr := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 101, 0, 0, 0}
			Expect(os.WriteFile(f, hdr, 0o644)).To(Succeed())
			return []string{f}
		}, "empty.pcap: picture: no IPv4 probe in the capture"),
		Entry("two captures", func(dir string) []string { return []string{"a.pcap", "b.pcap"} }, "--svg: draws one capture, got 2"),
		Entry("--svg with --faq", func(dir string) []string { return []string{"--faq", "a.pcap"} }, "--svg: --faq and --from filter the trace"),
	)
})
