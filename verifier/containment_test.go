package verifier_test

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// containmentScenario is a one-host scenario whose only run is nmap.
func containmentScenario(nmap string) []byte {
	return []byte(fmt.Sprintf(`name: containment
summary: an address outside the lab
network:
  hosts:
    - name: victim
      open: [22]
scan:
  - nmap: %s
expect:
  reference:
    absent: [scan.udp]
`, nmap))
}

// Every path by which a scenario names an address refuses one outside
// the lab before anything is built, let alone sent: the run stops at
// its plan with ErrSetup (exit code 2), and the reason says why.
var _ = Describe("containment: addresses outside the lab are refused before a packet is built", func() {
	DescribeTable("in an nmap command line",
		func(nmap string, why error, says string) {
			s, err := scenarios.Parse("containment.yaml", containmentScenario(nmap))
			Expect(err).NotTo(HaveOccurred())
			Expect(verifier.Validate(s)).To(And(MatchError(verifier.ErrSetup), MatchError(why), MatchError(ContainSubstring(says))))
			res, err := verifier.Run(context.Background(), s, true)
			Expect(err).To(MatchError(verifier.ErrSetup))
			Expect(res).To(BeNil(), "nothing ran, so nothing was captured")
		},
		Entry("a target outside the lab", "-sS -P0 -p22 203.0.113.5", labnet.ErrOutsideLab, "203.0.113.5"),
		Entry("a lab address no scenario host owns a /24 of", "-sS -P0 -p22 198.18.7.7", labnet.ErrOutsideLab, "198.18.7.7"),
		Entry("a netmask that reaches past the lab", "-sP 198.17.255.2/16", labnet.ErrOutsideLab, "198.17.255.2/16"),
		Entry("a decoy outside the lab", "-sS -P0 -p22 -D 10.0.0.1,ME victim", labnet.ErrOutsideLab, "10.0.0.1"),
		Entry("an FTP bounce proxy outside the lab", "-P0 -p22 -b anonymous@192.0.2.7 victim", labnet.ErrOutsideLab, "192.0.2.7"),
		Entry("a spoofed source (-S) outside the lab", "-sS -P0 -p22 -S 10.0.0.9 -e eth0 victim", labnet.ErrOutsideLab, "10.0.0.9"),
	)

	It("in a host's address, at parse time with file and line", func() {
		_, err := scenarios.Parse("containment.yaml", []byte(`name: containment
summary: a host outside the lab
network:
  hosts:
    - name: victim
      address: 10.1.2.3
scan:
  - nmap: -sS -P0 -p22 victim
expect:
  reference:
    absent: [scan.udp]
`))
		Expect(err).To(MatchError(scenarios.ErrInvalid))
		Expect(err.Error()).To(HavePrefix("containment.yaml:6:"))
		Expect(err.Error()).To(ContainSubstring("outside the lab"))
	})
})
