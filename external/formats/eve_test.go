package formats_test

import (
	"bytes"
	"net/netip"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/external/formats"
)

// etNmapSS are the alert fields of ET SCAN NMAP -sS window 1024.
func etNmapSS(f map[string]string) map[string]string {
	for k, v := range map[string]string{
		"event_type": "alert", "proto": "TCP", "pkt_src": "wire/pcap", "direction": "to_server",
		"action": "allowed", "gid": "1", "signature_id": "2009582", "rev": "3",
		"signature": "ET SCAN NMAP -sS window 1024", "category": "Attempted Information Leak", "severity": "2",
		"metadata": `{"created_at":["2010_07_30"],"updated_at":["2019_07_26"]}`,
	} {
		f[k] = v
	}
	return f
}

var _ = Describe("eve", func() {
	DescribeTable("reads each alert of testdata/eve.json into its fields",
		func(n int, want map[string]string) {
			r := parseOne(formats.EVE, sampleLine("eve.json", n))
			Expect(r.Fields).To(Equal(want))
			Expect(r.Label).To(Equal(want["signature_id"]))
		},
		Entry("1: ET SCAN NMAP -sS window 1024 from suricata -r (pcap_cnt)", 1, etNmapSS(map[string]string{
			"timestamp": "1998-12-22T01:41:25.180240+0000", "flow_id": "1374891522345176", "pcap_cnt": "3",
			"src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.2", "dest_port": "22",
		})),
		Entry("2: the same rule live (in_iface, community_id)", 2, etNmapSS(map[string]string{
			"timestamp": "1998-12-22T01:41:25.181284+0000", "flow_id": "901725604481234", "in_iface": "siglab-dn0",
			"src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.3", "dest_port": "1",
			"community_id": "1:AT0e53H7/1cdql87L1JVmaGNLNc=",
		})),
		Entry("3: GPL SCAN nmap XMAS", 3, map[string]string{
			"timestamp": "1998-12-22T01:41:26.402107+0000", "flow_id": "2011418337745532", "in_iface": "siglab-dn0",
			"event_type": "alert", "src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.2", "dest_port": "25",
			"proto": "TCP", "pkt_src": "wire/pcap", "community_id": "1:zSFfkJGLuLw3WptSMTq0eDM1KKM=",
			"action": "allowed", "gid": "1", "signature_id": "2101228", "rev": "8", "signature": "GPL SCAN nmap XMAS",
			"category": "Attempted Information Leak", "severity": "2",
			"metadata": `{"created_at":["2010_09_23"],"updated_at":["2019_07_26"]}`, "direction": "to_server",
		}),
		Entry("4: GPL SCAN PING NMAP (ICMP: ports 0, icmp_type, icmp_code)", 4, map[string]string{
			"timestamp": "1998-12-22T01:41:25.170100+0000", "flow_id": "1585427203917390", "in_iface": "siglab-dn0",
			"event_type": "alert", "src_ip": "198.18.0.2", "src_port": "0", "dest_ip": "198.18.1.2", "dest_port": "0",
			"proto": "ICMP", "icmp_type": "8", "icmp_code": "0", "pkt_src": "wire/pcap",
			"community_id": "1:SkwLXWnxZ71J+qoPXcue9RgR+KI=",
			"action":       "allowed", "gid": "1", "signature_id": "2100469", "rev": "4", "signature": "GPL SCAN PING NMAP",
			"category": "Attempted Information Leak", "severity": "2",
			"metadata": `{"created_at":["2010_09_23"],"updated_at":["2019_07_26"]}`, "direction": "to_server",
		}),
		Entry("6: an alert on a packet that is not IP (no event_type)", 6, map[string]string{
			"timestamp": "1998-12-22T01:41:27.000512+0000",
			"action":    "allowed", "gid": "1", "signature_id": "2200041", "rev": "1",
			"signature": "SURICATA Ethernet packet too small", "category": "", "severity": "3",
		}),
	)

	DescribeTable("skips the events that are not alerts",
		func(n int) {
			recs, err := parse(formats.EVE, sampleLine("eve.json", n)+"\n")
			Expect(err).NotTo(HaveOccurred())
			Expect(recs).To(BeEmpty())
		},
		Entry("5: anomaly", 5),
		Entry("7: flow", 7),
		Entry("8: stats", 8),
	)

	It("reads the whole sample, alerts only, in file order", func() {
		recs, err := parse(formats.EVE, readSample("eve.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(labels(recs)).To(Equal([]string{"2009582", "2009582", "2101228", "2100469", "2200041"}))
	})

	DescribeTable("keeps the alert fields Suricata writes only with options",
		func(line string, want map[string]string) {
			r := parseOne(formats.EVE, line)
			for k, v := range want {
				Expect(r.Fields).To(HaveKeyWithValue(k, v))
			}
		},
		Entry("the target keyword's source and target", `{"timestamp":"1998-12-22T01:41:25.180240+0000","event_type":"alert","src_ip":"198.18.0.2","src_port":37807,"dest_ip":"198.18.1.2","dest_port":22,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":1000001,"rev":1,"signature":"LOCAL scan","category":"","severity":3,"source":{"ip":"198.18.0.2","port":37807},"target":{"ip":"198.18.1.2","port":22}}}`,
			map[string]string{"source.ip": "198.18.0.2", "source.port": "37807", "target.ip": "198.18.1.2", "target.port": "22"}),
		Entry("vlan ids, tenant_id, the raw rule, a payload", `{"timestamp":"1998-12-22T01:41:25.180240+0000","event_type":"alert","vlan":[100,200],"src_ip":"198.18.0.2","dest_ip":"198.18.1.2","proto":"TCP","alert":{"action":"blocked","gid":1,"signature_id":1000001,"rev":1,"signature":"LOCAL scan","category":"","severity":3,"tenant_id":7,"rule":"drop tcp any any -> any any (msg:\"LOCAL scan\"; sid:1000001;)"},"payload_printable":"","stream":0}`,
			map[string]string{"vlan": "100,200", "tenant_id": "7", "action": "blocked", "rule": `drop tcp any any -> any any (msg:"LOCAL scan"; sid:1000001;)`, "payload_printable": "", "stream": "0"}),
		Entry("a flow_id past float64's exact integers", `{"timestamp":"1998-12-22T01:41:25.180240+0000","flow_id":9007199254740993,"event_type":"alert","src_ip":"198.18.0.2","dest_ip":"198.18.1.2","proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":1,"rev":1,"signature":"x","category":"","severity":3}}`,
			map[string]string{"flow_id": "9007199254740993"}),
	)

	It("leaves out the other objects (flow, top-level metadata) and nulls", func() {
		r := parseOne(formats.EVE, `{"timestamp":"t","event_type":"alert","host":null,"metadata":{"flowbits":["x"]},"flow":{"pkts_toserver":1},"alert":{"action":"allowed","gid":1,"signature_id":5,"rev":1,"signature":"s","category":"c","severity":1}}`)
		Expect(r.Fields).NotTo(HaveKey("host"))
		Expect(r.Fields).NotTo(HaveKey("flow"))
		Expect(r.Fields).NotTo(HaveKey("pkts_toserver"))
		Expect(r.Fields).NotTo(HaveKey("metadata"))
	})

	It("reads what siglab detect --format eve wrote (testdata/siglab-detect.eve.json)", func() {
		recs, err := parse(formats.EVE, readSample("siglab-detect.eve.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(labels(recs)).To(Equal([]string{"9000001", "9000013"}))
		Expect(recs[0].Fields).To(Equal(map[string]string{
			"timestamp": "1998-12-22T01:41:25.180240+0000", "event_type": "alert",
			"src_ip": "198.18.0.2", "dest_ip": "198.18.1.2", "proto": "TCP",
			"action": "allowed", "gid": "1", "signature_id": "9000001", "rev": "1",
			"signature": "SIGLAB scan.tcp-syn TCP SYN (half-open) port scan",
			"category":  "Detection of a Network Scan", "severity": "3",
		}))
	})

	// Every label of the detector's table, written by detector.WriteEVE
	// and read back: the two ends agree on every field they share.
	writerEntries := func() []TableEntry {
		var es []TableEntry
		for _, l := range detector.Labels() {
			es = append(es, Entry(l.Name, l))
		}
		return es
	}
	DescribeTable("reads detector.WriteEVE's alert for each label",
		func(l detector.LabelInfo) {
			t0 := time.Date(1998, 12, 22, 1, 41, 25, 180240000, time.UTC)
			f := detector.Finding{
				Label: l.Name, Scanner: netip.MustParseAddr("198.18.0.2"),
				Targets: []netip.Addr{netip.MustParseAddr("198.18.1.2")}, First: t0, Last: t0,
				Packets: 25, Ports: 25, Evidence: []string{"25 SYNs"},
			}
			var b bytes.Buffer
			Expect(detector.WriteEVE(&b, []detector.Finding{f})).To(Succeed())
			recs, err := parse(formats.EVE, b.String())
			Expect(err).NotTo(HaveOccurred())
			Expect(recs).To(HaveLen(1))
			Expect(recs[0].Raw).To(Equal(strings.TrimSuffix(b.String(), "\n")))
			Expect(recs[0].Fields).To(Equal(map[string]string{
				"timestamp": "1998-12-22T01:41:25.180240+0000", "event_type": "alert",
				"src_ip": "198.18.0.2", "dest_ip": "198.18.1.2", "proto": l.Proto,
				"action": "allowed", "gid": "1", "signature_id": itoa(l.SID), "rev": "1",
				"signature": "SIGLAB " + l.Name + " " + l.Text,
				"category":  l.Category, "severity": itoa(l.Severity),
			}))
		},
		writerEntries(),
	)

	DescribeTable("rejects a broken line, naming it, with the alerts before it",
		func(bad, want string) {
			input := sampleLine("eve.json", 1) + "\n" + bad + "\n" + sampleLine("eve.json", 3) + "\n"
			recs, err := parse(formats.EVE, input)
			Expect(err).To(MatchError(formats.ErrSyntax))
			Expect(err).To(MatchError(HavePrefix("line 2: malformed record: ")))
			Expect(err).To(MatchError(ContainSubstring(want)))
			Expect(err.Error()).NotTo(ContainSubstring("\n"))
			Expect(labels(recs)).To(Equal([]string{"2009582"}))
		},
		Entry("invalid JSON", `{"timestamp":"t","event_type":"alert",`, "invalid JSON"),
		Entry("text", `Dec 22 01:41:25 sensor suricata: alert`, "invalid JSON"),
		Entry("an array", `[1,2]`, "not a JSON object"),
		Entry("null", `null`, "not a JSON object"),
		Entry("a string", `"alert"`, "not a JSON object"),
		Entry("an alert without its alert object", `{"timestamp":"t","event_type":"alert"}`, "without an alert object"),
		Entry("an alert object that is not one", `{"timestamp":"t","event_type":"alert","alert":"x"}`, "without an alert object"),
		Entry("no signature_id", `{"event_type":"alert","alert":{"gid":1}}`, "numeric signature_id"),
		Entry("a signature_id that is a string", `{"event_type":"alert","alert":{"signature_id":"2009582"}}`, "numeric signature_id"),
		Entry("a negative signature_id", `{"event_type":"alert","alert":{"signature_id":-1}}`, "numeric signature_id"),
		Entry("event_type not a string", `{"event_type":1,"alert":{"signature_id":1}}`, "event_type is not a string"),
		Entry("neither event_type nor alert", `{"timestamp":"t"}`, "neither event_type nor alert"),
		Entry("trailing text after the object", `{"event_type":"flow"} x`, "invalid JSON"),
	)

	It("reports a last line without a newline as truncated, not as an alert", func() {
		whole := sampleLine("eve.json", 1)
		recs, err := parse(formats.EVE, whole+"\n"+whole)
		Expect(err).To(MatchError(formats.ErrTruncated))
		Expect(err).NotTo(MatchError(formats.ErrSyntax))
		Expect(err).To(MatchError(HavePrefix("line 2: ")))
		var le *formats.LineError
		Expect(err).To(BeAssignableToTypeOf(le))
		Expect(recs).To(HaveLen(1))
	})
})
