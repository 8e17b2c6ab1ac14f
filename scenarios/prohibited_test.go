package scenarios_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
)

// withPorts is a scenario whose one host has the given port lines
// (starting at line 5).
func withPorts(lines string) string {
	return "name: t\nnetwork:\n  hosts:\n    - name: victim\n" + lines +
		"scan:\n  - nmap: -sS victim\nexpect:\n  reference:\n    present: [scan.tcp-syn]\n"
}

var _ = Describe("prohibited: TCP ports answered with ICMP 3/13", func() {
	It("reads them next to open and filtered, in file order", func() {
		s, err := scenarios.Parse("ok.yaml", []byte(withPorts(
			"      open: [22]\n      filtered: [23]\n      prohibited: [113, 25]\n      open_udp: [25]\n")))
		Expect(err).NotTo(HaveOccurred())
		h := s.Network.Hosts[0]
		Expect(h.OpenTCP).To(Equal([]uint16{22}))
		Expect(h.FilteredTCP).To(Equal([]uint16{23}))
		Expect(h.ProhibitedTCP).To(Equal([]uint16{113, 25}))
		Expect(h.OpenUDP).To(Equal([]uint16{25}), "UDP ports are a list of their own")
	})

	It("leaves them empty when the key is absent or null", func() {
		for _, src := range []string{withPorts("      open: [22]\n"), withPorts("      prohibited: ~\n")} {
			s, err := scenarios.Parse("ok.yaml", []byte(src))
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Network.Hosts[0].ProhibitedTCP).To(BeEmpty())
		}
	})

	DescribeTable("refuses a port in two lists, with file:line",
		func(lines, prefix, says string) { expectRefused(withPorts(lines), prefix, says) },
		Entry("open and prohibited", "      open: [22]\n      prohibited:\n        - 22\n", "bad.yaml:7: ", "port 22 is both open (line 5) and prohibited"),
		Entry("filtered and prohibited", "      filtered: [25]\n      prohibited: [80, 25]\n", "bad.yaml:6: ", "port 25 is both filtered (line 5) and prohibited"),
		// The lists are read open, filtered, prohibited whatever their
		// order in the file: the error stands at the prohibited entry.
		Entry("prohibited, then open further down", "      prohibited: [21]\n      open: [21]\n", "bad.yaml:5: ", "port 21 is both open (line 6) and prohibited"),
		Entry("prohibited twice", "      prohibited:\n        - 25\n        - 25\n", "bad.yaml:7: ", "prohibited port 25 listed twice (first at line 6)"),
		Entry("prohibited port 0", "      prohibited: [0]\n", "bad.yaml:5: ", "prohibited port 0 is out of range 1-65535"),
		Entry("prohibited not a list", "      prohibited: 25\n", "bad.yaml:5: ", "prohibited"),
	)

	It("names prohibited among the known host keys", func() {
		_, err := scenarios.Parse("bad.yaml", []byte(withPorts("      rejected: [25]\n")))
		Expect(err).To(MatchError(ContainSubstring("prohibited")))
		Expect(strings.Count(err.Error(), "prohibited")).To(Equal(1))
	})
})
