package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/verifier"
)

// A team's Suricata is declared by command and eve format; here the eve
// producer is siglab's own `detect --format eve`, run as a separate
// process on each run's capture exactly as suricata -r would be: the
// checks go through the path a Suricata user's would.
var _ = Describe("an engine declared by command and format", func() {
	// suite writes a detectors file declaring the engines and a scenario
	// (tech-xmas's scan) whose ids section is given.
	suite := func(section string) string {
		dir := GinkgoT().TempDir()
		dets := "detectors:\n" +
			"  ids:\n    format: eve\n    command: [" + bin + ", detect, --format, eve, \"{pcap}\"]\n    install: build siglab\n" +
			"  absent-ids:\n    format: eve\n    command: [siglab-no-such-engine, -r, \"{pcap}\"]\n    output: \"{outdir}/eve.json\"\n    install: apt-get install no-such-engine\n"
		Expect(os.WriteFile(filepath.Join(dir, "detectors.yaml"), []byte(dets), 0o644)).To(Succeed())
		scen := `name: declared-eve
seed: 3
network:
  hosts:
    - name: victim
      open: [22, 80]
scan:
  - nmap: -sX -P0 -p1-100 victim
expect:
  reference:
    present: [scan.tcp-xmas]
` + section
		Expect(os.WriteFile(filepath.Join(dir, "declared-eve.yaml"), []byte(scen), 0o644)).To(Succeed())
		return dir
	}

	It("checks the engine's own signature ids, present and absent, and writes its output and the matrix", func() {
		dir := suite("  ids:\n    present:\n      - {signature_id: 9000004, signature: \"SIGLAB scan.tcp-xmas TCP Xmas (FIN PSH URG) port scan\", src_ip: 198.18.0.2}\n      - {signature_id: 9000004, count: 1}\n    absent: [9000001, {signature: nothing like it}]\n")
		report := GinkgoT().TempDir()
		r := siglab("run", "--offline", "--report", report, dir)
		Expect(r.code).To(Equal(0), r.stdout+r.stderr)
		Expect(r.stdout).To(ContainSubstring("declared-eve"))
		eve, err := os.ReadFile(filepath.Join(report, "declared-eve", "ids.log"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(eve)).To(ContainSubstring(`"signature_id":9000004`))

		var m verifier.Matrix
		data, err := os.ReadFile(filepath.Join(report, verifier.ReportMatrixJSON))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(data, &m)).To(Succeed())
		Expect(m.Detectors).To(ContainElements("reference", "ids", "absent-ids"))
		for _, c := range m.Cells {
			switch c.Detector {
			case "ids":
				Expect(c.Outcome).To(Equal(verifier.CellMet))
				Expect(c.Checks).To(Equal(4))
				Expect(c.How).To(Equal("command"))
			case "absent-ids": // declared, not installed, no expectations: the matrix says so, the verdict is unaffected
				Expect(c.Outcome).To(Equal(verifier.CellNotRun))
				Expect(c.Reasons).To(ConsistOf(ContainSubstring("siglab-no-such-engine is not installed (apt-get install no-such-engine)")))
			}
		}
		md, err := os.ReadFile(filepath.Join(report, verifier.ReportMatrixMD))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(md)).To(ContainSubstring("| declared-eve |"))
	})

	It("says what the engine reported instead when an id is missing, and fails only that engine's checks for one not installed", func() {
		dir := suite("  ids:\n    present: [9000003]\n  absent-ids:\n    present: [2009582]\n")
		r := siglab("run", "--offline", dir)
		Expect(r.code).To(Equal(1), r.stdout+r.stderr)
		Expect(r.stdout).To(ContainSubstring(`ids reported: 9000004 "SIGLAB scan.tcp-xmas TCP Xmas (FIN PSH URG) port scan"`))
		Expect(r.stdout).To(ContainSubstring("absent-ids did not run: absent-ids: siglab-no-such-engine is not installed (apt-get install no-such-engine)"))
	})

	It("refuses an unknown field of the engine's format with file:line, exit 2", func() {
		dir := suite("  ids:\n    present:\n      - {sig_id: 9000004}\n")
		r := siglab("run", "--offline", dir)
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring(filepath.Join(dir, "declared-eve.yaml") + ":14: unknown ids field \"sig_id\""))
	})
})
