package verifier_test

import (
	"context"
	"net/netip"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// liveHost is a one-host scenario built in code, for verifier.Scan.
func liveHost(h scenarios.Host) *scenarios.Scenario {
	h.Name, h.Addr = "victim", netip.MustParseAddr("198.18.1.2")
	return &scenarios.Scenario{Name: "live-ports", Seed: 3, Network: scenarios.Network{Hosts: []scenarios.Host{h}}}
}

// portsTable is nmap's ports table as "PORT STATE PROTO" rows, in the
// order printed (the service column left out).
func portsTable(out string) []string {
	var rows []string
	in := false
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "Port    State"):
			in = true
		case in && len(f) < 3:
			in = false
		case in:
			rows = append(rows, strings.Join(f[:3], " "))
		}
	}
	return rows
}

// liveScan runs cmdline live against s and returns its nmap output.
func liveScan(s *scenarios.Scenario, cmdline string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := verifier.Scan(ctx, s, cmdline, false)
	Expect(err).NotTo(HaveOccurred())
	Expect(res.Verdict.Mode).To(Equal(verifier.ModeLive))
	return res.Output
}

var _ = Describe("port states live, as nmap 2.02 reports them", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	kernel := scenarios.Host{Host: labnet.Host{Stack: labnet.Kernel, OpenTCP: []uint16{21, 22}, FilteredTCP: []uint16{23, 111},
		ProhibitedTCP: []uint16{25}, OpenUDP: []uint16{53, 69}}}
	persona := scenarios.Host{Host: labnet.Host{Stack: labnet.Personality("linux-2.0.35"), OpenTCP: []uint16{21, 22},
		FilteredTCP: []uint16{23, 111}, ProhibitedTCP: []uint16{25}}}
	personaOpen := scenarios.Host{Host: labnet.Host{Stack: labnet.Personality("linux-2.0.35"), OpenTCP: []uint16{21, 22}}}
	irix := scenarios.Host{Host: labnet.Host{Stack: labnet.Personality("irix-6.2"), OpenTCP: []uint16{21, 22}}}

	DescribeTable("the ports table lists open and filtered ports exactly, closed ones not at all",
		func(h scenarios.Host, cmdline string, want []string) {
			out := liveScan(liveHost(h), cmdline)
			Expect(portsTable(out)).To(Equal(want), out)
		},
		Entry("SYN scan of a kernel host: drop and reject are both filtered",
			kernel, "-sS -P0 -p20-26,111 victim",
			[]string{"21 open tcp", "22 open tcp", "23 filtered tcp", "25 filtered tcp", "111 filtered tcp"}),
		Entry("SYN scan of a personality host with the same lists",
			persona, "-sS -P0 -p20-26,111 victim",
			[]string{"21 open tcp", "22 open tcp", "23 filtered tcp", "25 filtered tcp", "111 filtered tcp"}),
		// The persona TUN hands an emulated stack the pieces as -f sent
		// them; the stack answers the datagram once it is whole, as
		// simnet's hosts do offline.
		Entry("fragmented (-f) SYN scan of the Linux 2.0.35 personality",
			persona, "-sS -f -P0 -p20-26,111 victim",
			[]string{"21 open tcp", "22 open tcp", "23 filtered tcp", "25 filtered tcp", "111 filtered tcp"}),
		Entry("fragmented (-f) SYN scan of the IRIX 6.2 personality",
			irix, "-sS -f -P0 -p20-26,111 victim",
			[]string{"21 open tcp", "22 open tcp"}),
		Entry("fragmented (-f) FIN scan of the Linux 2.0.35 personality: the closed ports reset, the open ones stay silent",
			personaOpen, "-sF -f -P0 -p20-26 victim",
			[]string{"21 open tcp", "22 open tcp"}),
		Entry("UDP scan of the kernel host: bound ports open, the rest answered port unreachable",
			kernel, "-sU -P0 -p52-54,69,161 victim",
			[]string{"53 open udp", "69 open udp"}),
	)

	It("says why: a Firewalled line for the reject, nothing for the drop", func() {
		out := liveScan(liveHost(kernel), "-v -sS -P0 -p22-25 victim")
		Expect(out).To(ContainSubstring("Adding TCP port 25 (state Firewalled)."))
		Expect(out).To(ContainSubstring("Adding TCP port 22 (state Open)."))
		Expect(out).NotTo(ContainSubstring("port 23 (state"))
	})
})
