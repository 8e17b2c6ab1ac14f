package main_test

import (
	"encoding/json"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("siglab detect --format eve", func() {
	It("writes Suricata eve.json alerts, the campaign among them", func() {
		pcap := filepath.Join(GinkgoT().TempDir(), "fig45.pcap")
		r := siglab("generate", "fig45-exploits-plus", "-o", pcap)
		Expect(r.code).To(Equal(0), r.stderr)

		r = siglab("detect", "--format", "eve", pcap)
		Expect(r.code).To(Equal(0), r.stderr)
		sigs := map[string]float64{}
		for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			var rec struct {
				EventType string `json:"event_type"`
				SrcIP     string `json:"src_ip"`
				Alert     struct {
					SignatureID float64 `json:"signature_id"`
					Signature   string  `json:"signature"`
				} `json:"alert"`
				Siglab struct{ Label string } `json:"siglab"`
			}
			Expect(json.Unmarshal([]byte(line), &rec)).To(Succeed(), line)
			Expect(rec.EventType).To(Equal("alert"))
			Expect(rec.SrcIP).To(Equal("198.18.0.2"))
			Expect(rec.Alert.Signature).To(HavePrefix("SIGLAB " + rec.Siglab.Label + " "))
			sigs[rec.Siglab.Label] = rec.Alert.SignatureID
		}
		Expect(sigs).To(Equal(map[string]float64{
			"campaign.exploits-plus": 9000017, "osdetect": 9000011, "scan.tcp-syn": 9000001, "tool.nmap-2.0x": 9000013,
		}))
	})

	It("says on stderr when the detector's bounds cost findings, and lets --max-sources raise them", func() {
		pcap := filepath.Join(GinkgoT().TempDir(), "decoys.pcap")
		Expect(siglab("generate", "tech-decoys", "-o", pcap).code).To(Equal(0))

		r := siglab("detect", pcap) // the default bound holds every source: no note
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stderr).To(BeEmpty())
		Expect(r.stdout).To(ContainSubstring("evasion.decoy"))

		r = siglab("detect", "--max-sources", "1", pcap) // the decoys evict one another
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stderr).To(MatchRegexp(`^siglab: .*decoys\.pcap: findings may be incomplete: the detector evicted a source's state \d+ times \(raise --max-sources to keep more\)\n$`))
		Expect(r.stdout).NotTo(ContainSubstring("evasion.decoy"))
	})

	It("refuses a bound below one as a usage error naming the option", func() {
		r := siglab("detect", "--max-sources", "0", "/dev/null")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring("--max-sources: 0 is not a positive number"))
	})

	It("refuses an unknown format as a usage error", func() {
		Expect(siglab("detect", "--format", "xml", "/dev/null").code).To(Equal(2))
	})
})
