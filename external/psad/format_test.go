package psad_test

import (
	"bytes"
	"errors"
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/external/psad"
)

// fields picks the Fields of records, for comparing without Raw.
func fields(recs []external.Record) []map[string]string {
	out := make([]map[string]string, len(recs))
	for i, r := range recs {
		out[i] = r.Fields
	}
	return out
}

var _ = Describe("Format", func() {
	It("is psad's, keyed by sid, with fields in psad's own words", func() {
		Expect(psad.Format.Name).To(Equal("psad"))
		Expect(psad.Format.Key).To(Equal("sid"))
		Expect(psad.Format.HasField("danger_level")).To(BeTrue())
		Expect(psad.Format.HasField("count")).To(BeFalse(), "count is the scenarios' own attribute")
	})

	It("reads psad's analysis: signature matches and each destination's scan lines", func() {
		// testdata/analysis.out is psad 2.4.6's output for analysis.in
		// (Analyze's command line), kept as psad printed it.
		b, err := os.ReadFile("testdata/analysis.out")
		Expect(err).NotTo(HaveOccurred())
		recs, err := psad.Parse(bytes.NewReader(b))
		Expect(err).NotTo(HaveOccurred())
		Expect(fields(recs)).To(Equal([]map[string]string{
			{"src": "198.18.0.2", "dst": "198.18.1.3", "danger_level": "2", "sid": "621", "msg": "SCAN FIN", "proto": "tcp", "chain": "INPUT", "packets": "7", "dp": "7", "flags": "FIN"},
			{"src": "198.18.0.9", "dst": "198.18.1.3", "danger_level": "2", "sid": "384", "msg": "ICMP PING", "proto": "icmp", "chain": "INPUT", "packets": "1"},
			{"src": "198.18.0.9", "dst": "198.18.1.3", "danger_level": "2", "sid": "469", "msg": "ICMP PING NMAP", "proto": "icmp", "chain": "INPUT", "packets": "1"},
			{"src": "198.18.0.2", "dst": "198.18.1.3", "danger_level": "2", "proto": "tcp", "port_range": "1-7", "flags": "NULL", "packets": "7", "scan_type": "-sN"},
			{"src": "198.18.0.2", "dst": "198.18.1.3", "danger_level": "2", "proto": "tcp", "port_range": "1-7", "flags": "FIN", "packets": "7", "scan_type": "-sF"},
			{"src": "198.18.0.2", "dst": "198.18.1.3", "danger_level": "2", "proto": "udp", "port_range": "30-39", "packets": "10", "scan_type": "-sU"},
			{"src": "198.18.0.2", "dst": "198.18.1.2", "danger_level": "2", "proto": "tcp", "port_range": "1-20", "flags": "SYN", "packets": "20", "scan_type": "-sT or -sS"},
			{"src": "198.18.0.9", "dst": "198.18.1.3", "danger_level": "2", "proto": "icmp", "packets": "1"},
		}))
		Expect(recs[0].Label).To(Equal("621"))
		Expect(recs[0].Raw).To(Equal(`Signature match: "SCAN FIN" TCP, Chain: INPUT, Count: 7, DP: 7, FIN, Sid: 621`))
		Expect(recs[3].Label).To(BeEmpty())
		Expect(recs[3].Raw).To(Equal("TCP flags: [NULL: 7 packets, Nmap: -sN]"))
	})

	It("reads an analysis with nothing to report as no record", func() {
		recs, err := psad.Parse(strings.NewReader("[+] IP Status Detail:\n        [NONE]\n\n    Total scan sources: 0\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(recs).To(BeEmpty())
	})

	DescribeTable("names the line of a record that breaks off, keeping the records before it",
		func(text string, line int, kept int) {
			b, err := os.ReadFile("testdata/analysis.out")
			Expect(err).NotTo(HaveOccurred())
			recs, err := psad.Parse(strings.NewReader(string(b) + text))
			Expect(errors.Is(err, psad.ErrParse)).To(BeTrue(), "%v", err)
			Expect(err.Error()).To(ContainSubstring("line %d:", strings.Count(string(b), "\n")+line))
			Expect(err.Error()).NotTo(ContainSubstring("\n"))
			Expect(recs).To(HaveLen(kept))
		},
		Entry("a source line without its danger level", "SRC:  198.18.0.2, Dsts: 1\n", 1, 8),
		Entry("a signature without its detail line", "SRC:  198.18.0.2, DL: 2, Dsts: 1, Pkts: 5, Total protocols: 1, Unique sigs: 1\n    DST: 198.18.1.2\n        Signature match: \"SCAN FIN\"\n", 3, 8),
		Entry("an alert cut off", alertRuleLine+"\n         Danger level: [2] (out of 5)\n", 2, 8),
		Entry("an alert without its source", alertRuleLine+"\n         Danger level: [2] (out of 5)\n"+alertRuleLine+"\n", 3, 8),
		Entry("a flags line that does not read", alertRuleLine+"\n    Scanned TCP ports: [1-7: 14 packets]\n            TCP flags: [FIN 7 packets]\n", 3, 8),
	)
})

const alertRuleLine = "=-=-=-=-=-=-=-=-=-=-=-= Mon Dec  7 01:31:27 2026 =-=-=-=-=-=-=-=-=-=-=-="
