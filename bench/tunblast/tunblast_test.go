package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/netns/netnstest"
)

// scenario is the benchmark's, from this package's directory.
var scenario = filepath.Join("..", "fullrange.yaml")

var _ = DescribeTable("bad use is refused with exit-2 errors",
	func(args []string, want string) {
		var out, errw bytes.Buffer
		err := run(args, &out, &errw)
		Expect(err).To(MatchError(errUsage))
		Expect(err).To(MatchError(ContainSubstring(want)))
		Expect(out.String()).To(BeEmpty())
	},
	Entry("no ports", []string{"-ports", "0"}, "-ports 0 is outside 1-65535"),
	Entry("too many ports", []string{"-ports", "65536"}, "-ports 65536 is outside 1-65535"),
	Entry("a negative window", []string{"-window", "-1"}, "-window -1 is negative"),
	Entry("a capture without the sensor", []string{"-sensor=false", "-o", "x.pcap"}, "-o needs the sensor"),
	Entry("an unknown flag", []string{"-rate", "9"}, "flag provided but not defined"),
	Entry("a missing scenario", []string{"-scenario", "nonexistent.yaml"}, "nonexistent.yaml"),
	Entry("an unknown host", []string{"-scenario", scenario, "-host", "nobody"}, `-host "nobody": no such host`),
)

var _ = Describe("a blast through a live lab", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	DescribeTable("writes every SYN, reads every answer and captures both, without drops",
		func(window string) {
			pcap := filepath.Join(GinkgoT().TempDir(), "b.pcap")
			var out, errw bytes.Buffer
			Expect(run([]string{"-scenario", scenario, "-ports", "300", "-window", window, "-o", pcap}, &out, &errw)).To(Succeed(), errw.String())
			Expect(out.String()).To(MatchRegexp(`^written=300 write_s=[0-9.]+ write_pps=[0-9]+ replies=300 dropped=0\n$`))
			c, err := capture.ReadFile(pcap)
			Expect(err).NotTo(HaveOccurred())
			syns, answers := 0, 0
			for _, p := range c.Packets {
				ip, err := capture.IPv4(c.LinkType, p.Data)
				if err != nil || ip[9] != 6 {
					continue
				}
				switch flags := ip[20+13]; {
				case flags == 0x02:
					syns++
				case flags&0x04 != 0 || flags == 0x12: // RST of a closed port, SYN/ACK of an open one
					answers++
				}
			}
			Expect(syns).To(Equal(300))
			Expect(answers).To(BeNumerically(">=", 300))
		},
		Entry("open loop", "0"),
		Entry("nmap 2.02's window", "150"),
	)

	It("runs without the sensor too", func() {
		var out, errw bytes.Buffer
		Expect(run([]string{"-scenario", scenario, "-ports", "100", "-sensor=false"}, &out, &errw)).To(Succeed(), errw.String())
		Expect(regexp.MustCompile(`written=100 .* replies=100 dropped=0`).MatchString(out.String())).To(BeTrue(), out.String())
		_, err := os.Stat("b.pcap")
		Expect(os.IsNotExist(err)).To(BeTrue())
	})
})
