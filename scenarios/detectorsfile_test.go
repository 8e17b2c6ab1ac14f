package scenarios_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
)

// detectorsRefused parses src as dets.yaml (in dir, so relative paths
// resolve there) and expects a one-line ErrInvalid at line saying says.
func detectorsRefused(src, prefix, says string) {
	dir := GinkgoT().TempDir()
	Expect(os.WriteFile(filepath.Join(dir, "scan.rules"), []byte("alert tcp any any -> any any (sid:1;)\n"), 0o644)).To(Succeed())
	d, err := scenarios.ParseDetectors(filepath.Join(dir, "dets.yaml"), []byte(src))
	Expect(d).To(BeNil())
	Expect(err).To(MatchError(scenarios.ErrInvalid))
	Expect(err.Error()).To(HavePrefix(filepath.Join(dir, "dets.yaml") + prefix))
	Expect(err.Error()).To(ContainSubstring(says))
	Expect(err.Error()).NotTo(ContainSubstring("\n"))
}

var _ = Describe("detectors files", func() {
	DescribeTable("refuse what cannot run, with file:line",
		detectorsRefused,
		Entry("empty", "", ":1: ", "empty detectors file"),
		Entry("no detectors key", "engines: {}\n", ":1: ", `unknown key "engines"`),
		Entry("no detector", "detectors: {}\n", ":1: ", "declares no detector"),
		Entry("name with capitals", "detectors:\n  Suricata: {format: p0f, output: x.log}\n", ":2: ", `detector name "Suricata"`),
		Entry("built-in name", "detectors:\n  p0f: {format: p0f, output: x.log}\n", ":2: ", `detector "p0f" is built in`),
		Entry("no format", "detectors:\n  mine: {output: x.log}\n", ":2: ", "detector mine has no format"),
		Entry("unknown format", "detectors:\n  mine: {format: json, output: x.log}\n", ":2: ", `unknown format "json"`),
		Entry("unknown key", "detectors:\n  mine: {format: p0f, outptu: x.log}\n", ":2: ", `unknown key "outptu"`),
		Entry("neither command nor output", "detectors:\n  mine: {format: p0f}\n", ":2: ", "neither a command nor an output file"),
		Entry("command starting with a placeholder", "detectors:\n  mine:\n    format: p0f\n    command: [\"{pcap}\"]\n", ":4: ", "must start with the program"),
		Entry("unknown placeholder", "detectors:\n  mine:\n    format: p0f\n    command: [p0f, -r, \"{capture}\"]\n", ":4: ", "unknown placeholder {capture}"),
		Entry("rules placeholder without rules", "detectors:\n  mine:\n    format: p0f\n    command: [p0f, -r, \"{pcap}\", \"{rules}\"]\n", ":4: ", "{rules} used but the detector declares no rules file"),
		Entry("missing rules file", "detectors:\n  mine:\n    format: p0f\n    rules: nope.rules\n    command: [p0f]\n", ":4: ", "nope.rules does not exist"),
		Entry("output placeholder without a command", "detectors:\n  mine: {format: p0f, output: \"{outdir}/x.log\"}\n", ":2: ", "uses a placeholder but no command writes it"),
		Entry("a second document", "detectors:\n  mine: {format: p0f, output: x.log}\n---\nx: 1\n", ":3: ", "a second YAML document"),
	)

	It("reads a declared engine: format, command with placeholders, rules and output relative to the file", func() {
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "scan.rules"), nil, 0o644)).To(Succeed())
		src := "detectors:\n  mine:\n    format: p0f\n    rules: scan.rules\n    command: [p0f, -r, \"{pcap}\", -o, \"{outdir}/p0f.log\", \"{rules}\"]\n    output: \"{outdir}/p0f.log\"\n    install: apt-get install p0f\n  old:\n    format: p0f\n    output: logs/p0f.log\n"
		d, err := scenarios.ParseDetectors(filepath.Join(dir, "dets.yaml"), []byte(src))
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Names()).To(ContainElements("mine", "old", "reference", "p0f"))
		mine, ok := d.Lookup("mine")
		Expect(ok).To(BeTrue())
		Expect(mine.Builtin).To(BeFalse())
		Expect(mine.LabelBased()).To(BeTrue())
		Expect(mine.Command).To(Equal([]string{"p0f", "-r", "{pcap}", "-o", "{outdir}/p0f.log", "{rules}"}))
		Expect(mine.Output).To(Equal("{outdir}/p0f.log"))
		Expect(mine.Rules).To(Equal(filepath.Join(dir, "scan.rules")))
		Expect(mine.Install).To(Equal("apt-get install p0f"))
		Expect(mine.Line).To(Equal(2))
		old, _ := d.Lookup("old")
		Expect(old.Command).To(BeNil())
		Expect(old.Output).To(Equal(filepath.Join(dir, "logs/p0f.log")))
		Expect(d.Declared()).To(HaveLen(2))
	})

	It("is found next to the scenario files, and is not read as a scenario", func() {
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, scenarios.DetectorsFile), []byte("detectors:\n  mine: {format: p0f, output: p0f.log}\n"), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "s.yaml"), []byte(withSection("  mine:\n    present: [syn]\n")), 0o644)).To(Succeed())
		ss, err := scenarios.Load(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(ss).To(HaveLen(1))
		Expect(ss[0].Expect.DetectorOrder).To(Equal([]string{"reference", "mine"}))
		spec, ok := ss[0].DetectorSet.Lookup("mine")
		Expect(ok).To(BeTrue())
		Expect(spec.Output).To(Equal(filepath.Join(dir, "p0f.log")))

		one, err := scenarios.LoadFile(filepath.Join(dir, "s.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(one.Expect.Detectors).To(HaveKey("mine"))
	})

	It("is refused with its own file:line when broken, before any scenario is read", func() {
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, scenarios.DetectorsFile), []byte("detectors:\n  mine: {format: nope, output: x}\n"), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "s.yaml"), []byte(minimal), 0o644)).To(Succeed())
		_, err := scenarios.Load(dir)
		Expect(err).To(MatchError(ContainSubstring(filepath.Join(dir, scenarios.DetectorsFile) + ":2: unknown format \"nope\"")))
	})

	It("names a declared detector a scenario uses without a detectors file, with the way to declare it", func() {
		expectRefused(withSection("  mine:\n    present: [syn]\n"), "bad.yaml:11: ", "declare others in a detectors.yaml next to the scenarios, or with --detectors FILE")
	})
})
