package rules_test

import (
	"errors"
	"net/netip"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/rules"
)

var _ = Describe("Vars", func() {
	It("reads a suricata.yaml's address and port groups, with positions", func() {
		b, err := os.ReadFile("testdata/suricata.yaml")
		Expect(err).NotTo(HaveOccurred())
		v, err := rules.ParseSuricataVars("suricata.yaml", b)
		Expect(err).NotTo(HaveOccurred())
		Expect(v.Addrs).To(Equal(map[string]rules.Var{
			"HOME_NET":     {Value: "[198.18.1.0/24]", At: rules.Pos{File: "suricata.yaml", Line: 5, Col: 15}},
			"EXTERNAL_NET": {Value: "!$HOME_NET", At: rules.Pos{File: "suricata.yaml", Line: 6, Col: 19}},
			"DNS_SERVERS":  {Value: "$HOME_NET", At: rules.Pos{File: "suricata.yaml", Line: 7, Col: 18}},
		}))
		Expect(v.Ports).To(HaveLen(3))
		Expect(v.Ports["SSH_PORTS"].Value).To(Equal("[22,2222]"))
	})

	DescribeTable("rejects bad suricata.yaml groups at their place",
		func(yaml, want string) {
			_, err := rules.ParseSuricataVars("s.yaml", []byte(yaml))
			Expect(errors.Is(err, rules.ErrSyntax)).To(BeTrue())
			Expect(err.Error()).To(Equal(want))
		},
		Entry(nil, "vars:\n  address-groups:\n    HOME_NET: \"[10.0.0.0/33]\"\n", `s.yaml:3:16: bad address "10.0.0.0/33"`),
		Entry(nil, "vars:\n  port-groups:\n    P: \"1:x\"\n", `s.yaml:3:10: bad port "x"`),
		Entry(nil, "vars:\n  port-groups: [1, 2]\n", `s.yaml:2:16: port-groups is not a mapping`),
		Entry(nil, "vars: [\n", `s.yaml: yaml: line 1: did not find expected node content: rule syntax`),
	)

	DescribeTable("resolves a rule's variables when asked",
		func(vars *rules.Vars, header string, src rules.Addr, dports rules.Port) {
			r := one("alert tcp " + header + " (sid:1;)")
			got, err := vars.Resolve(r)
			Expect(err).NotTo(HaveOccurred())
			Expect(noPos(got.Src)).To(Equal(src))
			Expect(noPortPos(got.DstPorts)).To(Equal(dports))
			Expect(r.Src.Var).NotTo(BeEmpty(), "the rule itself is unchanged")
		},
		Entry("lab defaults: EXTERNAL_NET is not the targets' side", rules.LabVars(), "$EXTERNAL_NET any -> $HOME_NET $HTTP_PORTS",
			rules.Addr{Negated: true, List: []rules.Addr{pfx("198.18.0.0/15"), {Negated: true, Prefix: netip.MustParsePrefix("198.18.0.0/24")}, {Negated: true, Prefix: netip.MustParsePrefix("198.19.0.0/16")}}},
			rules.Port{Lo: 80, Hi: 80}),
		Entry("port group inside a group", rules.LabVars(), "$HOME_NET any -> any $FILE_DATA_PORTS",
			rules.Addr{List: []rules.Addr{pfx("198.18.0.0/15"), {Negated: true, Prefix: netip.MustParsePrefix("198.18.0.0/24")}, {Negated: true, Prefix: netip.MustParsePrefix("198.19.0.0/16")}}},
			rules.Port{List: []rules.Port{{Lo: 80, Hi: 80}, {Lo: 110, Hi: 110}, {Lo: 143, Hi: 143}}}),
		Entry("a file's own vars over the defaults", func() *rules.Vars {
			set, err := rules.Parse("v.rules", []byte("ipvar HOME_NET 198.18.1.9\nvar DB [1433,3306]\n"))
			Expect(err).NotTo(HaveOccurred())
			return rules.LabVars().Merge(set.Vars)
		}(), "$HOME_NET any -> any ![$DB,5432]",
			pfx("198.18.1.9/32"),
			rules.Port{Negated: true, List: []rules.Port{{List: []rules.Port{{Lo: 1433, Hi: 1433}, {Lo: 3306, Hi: 3306}}}, {Lo: 5432, Hi: 5432}}}),
	)

	DescribeTable("names where an unresolvable variable is used",
		func(vars string, header, want string, is error) {
			set, err := rules.Parse("v.rules", []byte(vars+"alert tcp "+header+" (sid:1;)\n"))
			Expect(err).NotTo(HaveOccurred())
			_, err = rules.LabVars().Merge(set.Vars).Resolve(set.Rules[0])
			Expect(errors.Is(err, is)).To(BeTrue())
			Expect(err.Error()).To(Equal(want))
		},
		Entry(nil, "", "any any -> $NOPE_NET any", `v.rules:1:22: $NOPE_NET: undefined variable`, rules.ErrUndefined),
		Entry(nil, "", "any [1,$NOPE_PORTS] -> any any", `v.rules:1:18: $NOPE_PORTS: undefined variable`, rules.ErrUndefined),
		Entry(nil, "ipvar A $B\n", "$A any -> any any", `v.rules:1:9: $B: undefined variable`, rules.ErrUndefined),
		Entry(nil, "ipvar A [$B,$B,$B,$B,$B,$B,$B,$B,$B,$B]\nipvar B [$C,$C,$C,$C,$C,$C,$C,$C,$C,$C]\nipvar C [$D,$D,$D,$D,$D,$D,$D,$D,$D,$D]\nipvar D [$E,$E,$E,$E,$E,$E,$E,$E,$E,$E]\nipvar E 1.2.3.4\n",
			"$A any -> any any", `v.rules:4:37: variables expand to more than 10000 entries`, rules.ErrSyntax),
		Entry(nil, "ipvar A $A\n", "$A any -> any any", `v.rules:1:9: variable $A refers to itself`, rules.ErrSyntax),
	)
})
