package detector_test

import (
	"bytes"
	"encoding/json"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
)

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

	// One entry per row of the label table: the alert is the row, so
	// adding a label there is all eve output needs.
	eveEntries := func() []TableEntry {
		var es []TableEntry
		for _, l := range detector.Labels() {
			es = append(es, Entry(l.Name, l))
		}
		return es
	}
	DescribeTable("writes each label's row of the label table as its alert",
		func(l detector.LabelInfo) {
			recs := eveLines([]detector.Finding{{Label: l.Name, Scanner: scannerAddr, First: t0, Last: t0}})
			Expect(recs).To(HaveLen(1))
			Expect(recs[0]).To(HaveKeyWithValue("proto", l.Proto))
			Expect(recs[0]).NotTo(HaveKey("dest_ip"), "no target, no dest_ip")
			Expect(recs[0]["alert"]).To(Equal(map[string]any{
				"action": "allowed", "gid": 1.0, "signature_id": float64(l.SID), "rev": 1.0,
				"signature": "SIGLAB " + l.Name + " " + l.Text,
				"category":  l.Category, "severity": float64(l.Severity),
			}))
		},
		eveEntries(),
	)

	DescribeTable("refuses a label without a signature, writing nothing of it",
		func(label string) {
			var b bytes.Buffer
			err := detector.WriteEVE(&b, []detector.Finding{{Label: label, Scanner: scannerAddr, First: t0}})
			Expect(err).To(MatchError(detector.ErrUnknownLabel))
			Expect(b.Len()).To(BeZero())
		},
		Entry("made up", "scan.bogus"),
		Entry("one letter off", "scan.tcp-sin"),
		Entry("empty", ""),
	)
})
