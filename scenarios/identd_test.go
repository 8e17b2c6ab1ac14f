package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/scenarios"
)

var _ = Describe("A host's identd", func() {
	doc := func(identd string) []byte {
		return []byte(`name: t
network:
  hosts:
    - name: victim
      open: [22, 80, 113]
` + identd + `
scan:
  - nmap: -I -P0 -p22 victim
expect:
  nmap_output:
    contains: ["x"]
`)
	}
	It("reads true as every open port owned by root", func() {
		s, err := scenarios.Parse("t.yaml", doc("      identd: true"))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Network.Hosts[0].Identd).To(Equal(&labnet.Identd{Default: "root"}))
	})
	It("reads owners and a default", func() {
		s, err := scenarios.Parse("t.yaml", doc("      identd:\n        owners: {22: root, 80: nobody}\n        default: daemon"))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Network.Hosts[0].Identd).To(Equal(&labnet.Identd{Owners: map[uint16]string{22: "root", 80: "nobody"}, Default: "daemon"}))
	})
	DescribeTable("refuses, with the file and line",
		func(identd, msg string) {
			_, err := scenarios.Parse("t.yaml", doc(identd))
			Expect(err).To(MatchError(ContainSubstring(msg)))
		},
		Entry("an owner of a port that is not open", "      identd:\n        owners: {25: root}", "t.yaml:7: identd owners: port 25 is not in open"),
		Entry("a user name that would break the reply", "      identd:\n        owners: {22: \"a b\"}", `t.yaml:7: identd owner "a b"`),
		Entry("an unknown key", "      identd:\n        user: root", `t.yaml:7: unknown key "user" in identd`),
		Entry("a bad value", "      identd: maybe", "t.yaml:6: identd must be true or false"),
		Entry("an emulated stack", "      stack: personality/irix-6.2\n      identd: true", "t.yaml:7: identd: only kernel hosts run one"),
	)
	It("needs port 113 open", func() {
		_, err := scenarios.Parse("t.yaml", []byte("name: t\nnetwork:\n  hosts:\n    - name: victim\n      open: [22]\n      identd: true\nscan:\n  - nmap: -P0 victim\nexpect:\n  nmap_output:\n    contains: [x]\n"))
		Expect(err).To(MatchError(ContainSubstring("t.yaml:6: identd needs port 113 in open")))
	})
})
