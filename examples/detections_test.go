package examples_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/verifier/lab"
)

// What a detection team asserts about the reference detector (swap in
// your own detector's adapter when siglab has one for it).
var _ = Describe("nmap 2.02 as the SHADOW team saw it", func() {
	It("calls the FAQ's lab run (figures 2 and 3) a SYN scan with a successful OS fingerprint, by nmap 2.0x", func() {
		r := lab.Run("fig2-syn-os-irix") // live as root, offline otherwise
		Expect(r).To(lab.Pass())
		Expect(r).To(lab.HaveFinding("osdetect", lab.WithAttr("outcome", "fingerprinted"), lab.WithAttr("generation", "nmap-1")))
		Expect(r).To(lab.HaveFinding("tool.nmap-2.0x", lab.WithScanner("198.18.0.2")))
		Expect(r).NotTo(lab.HaveFinding("tool.nmap-modern"))
		Expect(r).To(lab.HaveNmapOutput("Remote operating system guess: IRIX 6.2 - 6.5"))
	})

	It("sees three failed fingerprint attempts in the exploits-plus script against a host with no open port", func() {
		r := lab.Run("fig45-exploits-plus")
		Expect(r).To(lab.HaveFinding("osdetect", lab.WithAttr("outcome", "no-open-port"), lab.WithAttr("attempts", "3")))
		Expect(r).To(lab.HaveFinding("campaign.exploits-plus"))
	})

	DescribeTable("stays quiet on ordinary traffic",
		func(scenario string) {
			r := lab.RunOffline(scenario)
			for _, label := range []string{"scan.tcp-syn", "scan.tcp-connect", "scan.udp", "tool.nmap-2.0x", "tool.nmap-modern", "tool.other"} {
				Expect(r).NotTo(lab.HaveFinding(label))
			}
		},
		Entry("ordinary sessions", "benign-tcp"),
		Entry("a monitoring check", "benign-monitoring"),
		Entry("web browsing and DNS lookups", "benign-web-dns"),
	)
})
