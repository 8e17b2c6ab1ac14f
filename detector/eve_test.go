package detector_test

import (
	"bytes"
	"encoding/json"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
)

// contractLabels are the product contract's labels.
var contractLabels = []string{
	"scan.tcp-syn", "scan.tcp-connect", "scan.tcp-fin", "scan.tcp-xmas", "scan.tcp-null", "scan.tcp-ack", "scan.udp",
	"sweep.icmp-echo", "sweep.tcp-ack", "scan.ftp-bounce", "osdetect", "seqprobe",
	"tool.nmap-2.0x", "tool.nmap-modern", "tool.other",
	"campaign.random-scan", "campaign.exploits-plus", "campaign.sweep-then-scan",
	"evasion.decoy", "evasion.fragment",
}

func eveLines(fs []detector.Finding) []map[string]any {
	var b bytes.Buffer
	Expect(detector.WriteEVE(&b, fs)).To(Succeed())
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		var m map[string]any
		Expect(json.Unmarshal([]byte(l), &m)).To(Succeed(), l)
		out = append(out, m)
	}
	return out
}

var _ = Describe("WriteEVE", func() {
	It("writes one Suricata alert record per finding, with the finding inside", func() {
		fs, _ := detect(detector.Config{}, nmap202Scan().packets())
		recs := eveLines(fs)
		Expect(recs).To(HaveLen(len(fs)))
		r := recs[0]
		Expect(r).To(HaveKeyWithValue("timestamp", "1998-12-20T01:41:25.180240+0000"))
		Expect(r).To(HaveKeyWithValue("event_type", "alert"))
		Expect(r).To(HaveKeyWithValue("src_ip", "198.18.0.2"))
		Expect(r).To(HaveKeyWithValue("dest_ip", "198.18.1.2"))
		Expect(r).To(HaveKeyWithValue("proto", "TCP"))
		Expect(r["alert"]).To(Equal(map[string]any{
			"action": "allowed", "gid": 1.0, "signature_id": 9000001.0, "rev": 1.0,
			"signature": "SIGLAB scan.tcp-syn TCP SYN (half-open) port scan",
			"category":  "Detection of a Network Scan", "severity": 3.0,
		}))
		Expect(r["siglab"]).To(HaveKeyWithValue("label", "scan.tcp-syn"))
		Expect(r["siglab"]).To(HaveKeyWithValue("packets", float64(fs[0].Packets)))
		Expect(recs[1]["alert"]).To(HaveKeyWithValue("category", "Attempted Information Leak"))
	})

	It("gives every contract label its own stable signature_id from 9000001", func() {
		var fs []detector.Finding
		for _, l := range contractLabels {
			fs = append(fs, detector.Finding{Label: l, Scanner: scannerAddr, First: t0, Last: t0})
		}
		seen := map[float64]string{}
		for i, r := range eveLines(fs) {
			sid := r["alert"].(map[string]any)["signature_id"].(float64)
			Expect(seen).NotTo(HaveKey(sid), contractLabels[i])
			seen[sid] = contractLabels[i]
			Expect(sid).To(BeNumerically(">=", 9000001))
			Expect(sid).To(BeNumerically("<=", 9000000+len(contractLabels)))
			Expect(r).NotTo(HaveKey("dest_ip"), "no target, no dest_ip")
		}
		Expect(seen[9000001]).To(Equal("scan.tcp-syn"))
		Expect(seen[9000017]).To(Equal("campaign.exploits-plus"))
	})

	It("refuses a label without a signature", func() {
		err := detector.WriteEVE(&bytes.Buffer{}, []detector.Finding{{Label: "scan.bogus", Scanner: scannerAddr}})
		Expect(err).To(MatchError(detector.ErrUnknownLabel))
	})
})
