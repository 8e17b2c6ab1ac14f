package examples_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/siglabtest"
)

// What a detection team asserts about the reference detector (swap in
// your own detector's adapter when siglab has one for it).
var _ = Describe("nmap 2.02 as the SHADOW team saw it", func() {
	It("calls the FAQ's lab run (figures 2 and 3) a SYN scan with a successful OS fingerprint, by nmap 2.0x", func() {
		r := siglabtest.Run("fig2-syn-os-irix") // live as root, offline otherwise
		Expect(r).To(siglabtest.Pass())
		Expect(r).To(siglabtest.HaveFinding("osdetect", siglabtest.WithAttr("outcome", "fingerprinted"), siglabtest.WithAttr("generation", "nmap-1")))
		Expect(r).To(siglabtest.HaveFinding("tool.nmap-2.0x", siglabtest.WithScanner("198.18.0.2")))
		Expect(r).NotTo(siglabtest.HaveFinding("tool.nmap-modern"))
		Expect(r).To(siglabtest.HaveNmapOutput("Remote operating system guess: IRIX 6.2 - 6.5"))
	})

	It("sees three failed fingerprint attempts in the exploits-plus script against a host with no open port", func() {
		r := siglabtest.Run("fig45-exploits-plus")
		Expect(r).To(siglabtest.HaveFinding("osdetect", siglabtest.WithAttr("outcome", "no-open-port"), siglabtest.WithAttr("attempts", "3")))
		Expect(r).To(siglabtest.HaveFinding("campaign.exploits-plus"))
	})

	DescribeTable("stays quiet on ordinary traffic",
		func(scenario string) {
			r := siglabtest.RunOffline(scenario)
			for _, label := range []string{"scan.tcp-syn", "scan.tcp-connect", "scan.udp", "tool.nmap-2.0x", "tool.nmap-modern", "tool.other"} {
				Expect(r).NotTo(siglabtest.HaveFinding(label))
			}
		},
		Entry("ordinary sessions", "benign-tcp"),
		Entry("a monitoring check", "benign-monitoring"),
		Entry("web browsing and DNS lookups", "benign-web-dns"),
	)
})
