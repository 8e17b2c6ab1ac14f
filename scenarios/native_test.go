package scenarios_test

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/rules"
	"github.com/siglab/siglab/scenarios"
)

// localRules is a small native set: two enabled rules using variables of
// the lab's defaults and of a vars file, and a disabled one.
const localRules = `alert tcp $EXTERNAL_NET any -> $HOME_NET any (msg:"LOCAL FIN"; flags:F; sid:1000001; rev:1;)
alert tcp $LAB_SCANNER any -> $LAB_TARGETS $LAB_PORTS (msg:"LOCAL SYN"; flags:S; sid:1000002; rev:1;)
# alert tcp any any -> any any (msg:"LOCAL off"; sid:1000003; rev:1;)
`

// Vars files defining LAB_SCANNER, LAB_TARGETS and LAB_PORTS, in both
// flavours.
const (
	suricataVars = "vars:\n  address-groups:\n    LAB_SCANNER: \"198.18.0.0/24\"\n    LAB_TARGETS: \"$HOME_NET\"\n  port-groups:\n    LAB_PORTS: \"[22,80]\"\n"
	snortVars    = "ipvar LAB_SCANNER 198.18.0.0/24\nipvar LAB_TARGETS $HOME_NET\nportvar LAB_PORTS [22,80]\n"
)

// nativeDir writes files (name to content) into a fresh directory and
// returns it.
func nativeDir(files map[string]string) string {
	dir := GinkgoT().TempDir()
	for name, data := range files {
		Expect(os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644)).To(Succeed())
	}
	return dir
}

// nativeRefused parses src as dets.yaml next to files and expects a
// one-line ErrInvalid starting with dets.yaml and prefix, saying says
// (where "DIR" stands for the directory).
func nativeRefused(files map[string]string, src, prefix, says string) {
	dir := nativeDir(files)
	d, err := scenarios.ParseDetectors(filepath.Join(dir, "dets.yaml"), []byte(src))
	Expect(d).To(BeNil())
	Expect(err).To(MatchError(scenarios.ErrInvalid))
	Expect(err.Error()).To(HavePrefix(filepath.Join(dir, "dets.yaml") + prefix))
	Expect(err.Error()).To(ContainSubstring(strings.ReplaceAll(says, "DIR", dir)))
	Expect(err.Error()).NotTo(ContainSubstring("\n"))
}

var _ = Describe("the rule lab's built-in detector", func() {
	It("is built in, native, with the classic set, reporting as eve", func() {
		Expect(scenarios.Builtin().Names()).To(ContainElement(scenarios.DetectorRules))
		spec, ok := scenarios.Builtin().Lookup(scenarios.DetectorRules)
		Expect(ok).To(BeTrue())
		Expect(spec.Builtin).To(BeTrue())
		Expect(spec.Native).To(BeTrue())
		Expect(spec.Rules).To(BeEmpty())
		Expect(spec.Vars).To(BeEmpty())
		Expect(spec.Command).To(BeNil())
		Expect(spec.Output).To(BeEmpty())
		Expect(spec.LabelBased()).To(BeFalse())
		Expect(spec.Format.Name).To(Equal("eve"))
		Expect(spec.Format.Key).To(Equal("signature_id"))

		set, err := spec.RuleSet()
		Expect(err).NotTo(HaveOccurred())
		Expect(set.Rules).To(HaveLen(len(rules.Classic().Rules)))
		Expect(set.Vars.Addrs).To(HaveKey("HOME_NET"))
		Expect(set.Vars.Ports).To(HaveKey("DB_PORTS"))
	})

	It("reads a rules: section as a declared Suricata engine's, sids and counts", func() {
		s, err := scenarios.Parse("ok.yaml", []byte(withSection("  rules:\n    present: [628, {signature_id: 1228, count: 3}]\n    absent: [621, 2000537]\n")))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Expect.DetectorOrder).To(Equal([]string{"reference", "rules"}))
		de := s.Expect.Detectors["rules"]
		Expect(de.Present).To(Equal([]scenarios.Expectation{
			{Label: "628", Key: "signature_id", Line: 12},
			{Label: "1228", Key: "signature_id", Attrs: map[string]string{"count": "3"}, Line: 12},
		}))
		Expect(de.Absent).To(Equal([]scenarios.Expectation{
			{Label: "621", Key: "signature_id", Line: 13},
			{Label: "2000537", Key: "signature_id", Line: 13}, // a disabled rule's sid
		}))
	})

	DescribeTable("refuses a sid no classic rule has, with file:line",
		expectRefused,
		Entry("bare", withSection("  rules:\n    present: [629, 1229]\n"), "bad.yaml:12: ", "rules: sid 1229 is in no rule of classic.rules"),
		Entry("as signature_id", withSection("  rules:\n    present:\n      - {signature_id: 9999, count: 1}\n"), "bad.yaml:13: ", "sid 9999 is in no rule of classic.rules"),
		Entry("as label", withSection("  rules:\n    absent:\n      - {label: 622}\n"), "bad.yaml:13: ", "sid 622 is in no rule of classic.rules"),
		Entry("not a number", withSection("  rules:\n    absent: [SCAN-FIN]\n"), "bad.yaml:12: ", `rules: signature_id "SCAN-FIN" is not a sid`),
		Entry("an eve field it does not have", withSection("  rules:\n    present:\n      - {signature_id: 628, sid: 628}\n"), "bad.yaml:13: ", `unknown rules field "sid"`),
	)
})

var _ = Describe("native rule sets in detectors files", func() {
	DescribeTable("load: rules and vars absolute, native, eve unless snort-fast is given, sids checked against the set",
		func(files map[string]string, src, vars, format string) {
			dir := nativeDir(files)
			d, err := scenarios.ParseDetectors(filepath.Join(dir, "dets.yaml"), []byte(src))
			Expect(err).NotTo(HaveOccurred())
			spec, ok := d.Lookup("local")
			Expect(ok).To(BeTrue())
			Expect(spec.Native).To(BeTrue())
			Expect(spec.Builtin).To(BeFalse())
			Expect(spec.Rules).To(Equal(filepath.Join(dir, "local.rules")))
			if vars == "" {
				Expect(spec.Vars).To(BeEmpty())
			} else {
				Expect(spec.Vars).To(Equal(filepath.Join(dir, vars)))
				Expect(filepath.IsAbs(spec.Vars)).To(BeTrue())
			}
			Expect(spec.Command).To(BeNil())
			Expect(spec.Output).To(BeEmpty())
			Expect(spec.Format.Name).To(Equal(format))
			Expect(spec.Line).To(Equal(2))
			Expect(d.Declared()).To(HaveLen(1))
			Expect(d.Declared()[0].Name).To(Equal("local"))

			set, err := spec.RuleSet()
			Expect(err).NotTo(HaveOccurred())
			Expect(set.Rules).To(HaveLen(3))

			key := spec.Format.Key
			s, err := scenarios.ParseWith("ok.yaml", []byte(withSection("  local:\n    present: [1000001, {"+key+": 1000002, count: 1}]\n    absent: [1000003]\n")), d)
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Expect.Detectors["local"].Present).To(HaveLen(2))

			_, err = scenarios.ParseWith("bad.yaml", []byte(withSection("  local:\n    present: [628]\n")), d)
			Expect(err).To(MatchError(scenarios.ErrInvalid))
			Expect(err.Error()).To(Equal("bad.yaml:12: local: sid 628 is in no rule of " + filepath.Join(dir, "local.rules")))
		},
		Entry("with a suricata.yaml's vars",
			map[string]string{"local.rules": localRules, "suricata.yaml": suricataVars},
			"detectors:\n  local:\n    native: true\n    rules: local.rules\n    vars: suricata.yaml\n", "suricata.yaml", "eve"),
		Entry("with a .yml vars file",
			map[string]string{"local.rules": localRules, "vars.yml": suricataVars},
			"detectors:\n  local: {native: true, rules: local.rules, vars: vars.yml, format: eve}\n", "vars.yml", "eve"),
		Entry("with Snort ipvar/portvar lines, reporting as snort-fast",
			map[string]string{"local.rules": localRules, "vars.conf": snortVars},
			"detectors:\n  local:\n    native: true\n    format: snort-fast\n    rules: local.rules\n    vars: vars.conf\n", "vars.conf", "snort-fast"),
		Entry("with the variables in the rules file itself",
			map[string]string{"local.rules": snortVars + localRules},
			"detectors:\n  local:\n    native: true\n    rules: local.rules\n", "", "eve"),
	)

	DescribeTable("refuse what siglab cannot evaluate, with file:line",
		nativeRefused,
		Entry("a command", map[string]string{"local.rules": snortVars + localRules},
			"detectors:\n  local:\n    native: true\n    rules: local.rules\n    command: [suricata, -r, \"{pcap}\"]\n", ":5: ",
			"detector local is native: siglab evaluates its rules itself, so it takes no command:"),
		Entry("an output", map[string]string{"local.rules": snortVars + localRules},
			"detectors:\n  local:\n    native: true\n    output: eve.json\n    rules: local.rules\n", ":4: ", "so it takes no output:"),
		Entry("an install", map[string]string{"local.rules": snortVars + localRules},
			"detectors:\n  local: {native: true, rules: local.rules, install: apt-get install suricata}\n", ":2: ", "so it takes no install:"),
		Entry("no rules", nil,
			"detectors:\n  local:\n    native: true\n    format: eve\n", ":2: ", "native detector local has no rules:"),
		Entry("a missing rules file", nil,
			"detectors:\n  local:\n    native: true\n    rules: nope.rules\n", ":4: ", "rules file DIR/nope.rules does not exist"),
		Entry("a format other than eve or snort-fast", map[string]string{"local.rules": snortVars + localRules},
			"detectors:\n  local:\n    native: true\n    format: zeek-notice\n    rules: local.rules\n", ":4: ",
			`native detector local: format "zeek-notice" (a native rule set reports as eve or snort-fast)`),
		Entry("native not a boolean", nil,
			"detectors:\n  local: {native: yes please, rules: local.rules}\n", ":2: ", "native must be true or false"),
		Entry("vars without native", map[string]string{"vars.conf": snortVars},
			"detectors:\n  local:\n    format: eve\n    output: eve.json\n    vars: vars.conf\n", ":5: ", "vars: is for a rule set siglab evaluates itself: add native: true"),
		Entry("bad rule text, at the rules file's line and column", map[string]string{"local.rules": "alert tcp any any -> any any (sid:1;)\nalert tcp any any -> any any (msg:\"x\"; flags:Q; sid:2;)\n"},
			"detectors:\n  local:\n    native: true\n    rules: local.rules\n", ":4: ", `native detector local: DIR/local.rules:2:46: bad flags bit "Q"`),
		Entry("a line that is not a rule", map[string]string{"local.rules": "bogus line\nalert tcp any any -> any (sid:2;)\n"},
			"detectors:\n  local:\n    native: true\n    rules: local.rules\n", ":4: ", `DIR/local.rules:1:1: not a rule: unknown action "bogus" (and 1 more)`),
		Entry("an undefined variable", map[string]string{"local.rules": localRules},
			"detectors:\n  local:\n    native: true\n    rules: local.rules\n", ":4: ", "native detector local: DIR/local.rules:2:11: $LAB_SCANNER: undefined variable"),
		Entry("a variable the vars file lacks", map[string]string{"local.rules": localRules, "vars.conf": "ipvar LAB_SCANNER 198.18.0.0/24\n"},
			"detectors:\n  local:\n    native: true\n    rules: local.rules\n    vars: vars.conf\n", ":4: ", "$LAB_TARGETS: undefined variable"),
		Entry("a bad suricata.yaml variable", map[string]string{"local.rules": localRules, "suricata.yaml": "vars:\n  port-groups:\n    LAB_PORTS: \"[22,\"\n"},
			"detectors:\n  local:\n    native: true\n    rules: local.rules\n    vars: suricata.yaml\n", ":5: ", "native detector local: DIR/suricata.yaml:3:"),
		Entry("a vars file holding rules", map[string]string{"local.rules": localRules, "vars.rules": snortVars + localRules},
			"detectors:\n  local:\n    native: true\n    rules: local.rules\n    vars: vars.rules\n", ":5: ", "DIR/vars.rules:4:1: a vars file holds only ipvar, portvar and var lines"),
		Entry("a missing vars file", map[string]string{"local.rules": localRules},
			"detectors:\n  local:\n    native: true\n    rules: local.rules\n    vars: nope.yaml\n", ":5: ", "vars file DIR/nope.yaml does not exist"),
		Entry("the rule lab's name, not native", map[string]string{"local.rules": localRules},
			"detectors:\n  rules: {format: eve, output: eve.json}\n", ":2: ", `detector "rules" is the rule lab's: declare it only with native: true`),
	)

	It("lets a suite give the rules: sections its own rule files in place of the classic set", func() {
		dir := nativeDir(map[string]string{"local.rules": localRules, "vars.conf": snortVars})
		d, err := scenarios.ParseDetectors(filepath.Join(dir, "dets.yaml"), []byte("detectors:\n  rules:\n    native: true\n    rules: local.rules\n    vars: vars.conf\n"))
		Expect(err).NotTo(HaveOccurred())
		spec, ok := d.Lookup(scenarios.DetectorRules)
		Expect(ok).To(BeTrue())
		Expect(spec.Native).To(BeTrue())
		Expect(spec.Rules).To(Equal(filepath.Join(dir, "local.rules")))
		_, err = scenarios.ParseWith("ok.yaml", []byte(withSection("  rules:\n    present: [1000001]\n")), d)
		Expect(err).NotTo(HaveOccurred())
		_, err = scenarios.ParseWith("bad.yaml", []byte(withSection("  rules:\n    present: [628]\n")), d)
		Expect(err).To(MatchError(ContainSubstring("sid 628 is in no rule of " + filepath.Join(dir, "local.rules"))))
	})

	It("refuses RuleSet on a detector that is not native", func() {
		spec, _ := scenarios.Builtin().Lookup(scenarios.DetectorPsad)
		_, err := spec.RuleSet()
		Expect(err).To(MatchError(ContainSubstring("not a native rule set")))
	})
})
