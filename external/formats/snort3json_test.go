package formats_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external/formats"
)

// portScanDefaults are the default fields of port_scan's TCP portscan
// alert on 198.18.0.2's probe to port 25, with what is derived from them.
func portScanDefaults(f map[string]string) map[string]string {
	for k, v := range map[string]string{
		"timestamp": "12/22-01:41:25.181284", "pkt_num": "26", "proto": "TCP", "pkt_gen": "raw", "pkt_len": "40",
		"dir": "C2S", "src_ap": "198.18.0.2:37807", "dst_ap": "198.18.1.2:25", "rule": "122:1:1", "action": "allow",
		"gid": "122", "sid": "1", "rev": "1",
		"src_addr": "198.18.0.2", "src_port": "37807", "dst_addr": "198.18.1.2", "dst_port": "25",
	} {
		f[k] = v
	}
	return f
}

var _ = Describe("snort3-json", func() {
	DescribeTable("reads each line of testdata/alert_json.txt, deriving what the defaults carry",
		func(n int, want map[string]string) {
			r := parseOne(formats.Snort3JSON, sampleLine("alert_json.txt", n))
			Expect(r.Fields).To(Equal(want))
			Expect(r.Label).To(Equal(want["sid"]))
		},
		Entry("1: docs.snort.org's example", 1, map[string]string{
			"timestamp": "07/16-09:23:39.153899", "pkt_num": "5", "proto": "TCP", "pkt_gen": "stream_tcp", "pkt_len": "97",
			"dir": "C2S", "src_ap": "192.168.1.2:50284", "dst_ap": "192.168.2.3:80", "rule": "1:1000000:0", "action": "would_drop",
			"gid": "1", "sid": "1000000", "rev": "0",
			"src_addr": "192.168.1.2", "src_port": "50284", "dst_addr": "192.168.2.3", "dst_port": "80",
		}),
		Entry("2: port_scan, default fields", 2, portScanDefaults(map[string]string{})),
		Entry("3: with msg, class and priority", 3, portScanDefaults(map[string]string{
			"msg": "(port_scan) TCP portscan", "class": "none", "priority": "3",
		})),
		Entry("4: ICMP with -y: addresses but no ports from the :0", 4, map[string]string{
			"timestamp": "98/12/22-01:41:31.570100", "pkt_num": "212", "proto": "ICMP", "pkt_gen": "raw", "pkt_len": "28",
			"dir": "C2S", "src_ap": "198.18.0.2:0", "dst_ap": "198.18.1.9:0", "rule": "122:25:1", "action": "allow",
			"gid": "122", "sid": "25", "rev": "1", "src_addr": "198.18.0.2", "dst_addr": "198.18.1.9",
		}),
		Entry("5: sid and addresses configured, no rule", 5, map[string]string{
			"timestamp": "12/22-01:41:25.181284", "gid": "122", "sid": "1", "rev": "1", "msg": "(port_scan) TCP portscan",
			"proto": "TCP", "src_addr": "198.18.0.2", "src_port": "37807", "dst_addr": "198.18.1.2", "dst_port": "25",
		}),
		Entry("6: IPv6, the port after the last colon", 6, map[string]string{
			"timestamp": "12/22-01:41:25.181390", "pkt_num": "27", "proto": "TCP", "pkt_gen": "raw", "pkt_len": "60",
			"dir": "C2S", "src_ap": "2001:db8::2:37807", "dst_ap": "2001:db8:1::2:25", "rule": "122:1:1", "action": "allow",
			"gid": "122", "sid": "1", "rev": "1",
			"src_addr": "2001:db8::2", "src_port": "37807", "dst_addr": "2001:db8:1::2", "dst_port": "25",
		}),
		Entry("7: every field an ICMP echo fills", 7, map[string]string{
			"seconds": "914290885", "action": "allow", "class": "none", "dir": "C2S",
			"dst_addr": "198.18.1.2", "dst_ap": "198.18.1.2:0", "eth_dst": "02:00:C6:12:01:02", "eth_len": "42",
			"eth_src": "02:00:C6:12:00:02", "eth_type": "0x800", "gid": "1", "icmp_code": "0", "icmp_id": "37807",
			"icmp_seq": "0", "icmp_type": "8", "iface": "siglab-dn0", "ip_id": "48879", "ip_len": "8",
			"msg": "LOCAL ICMP echo without payload", "mpls": "0", "pkt_gen": "raw", "pkt_len": "28", "pkt_num": "1",
			"priority": "0", "proto": "ICMP", "rev": "1", "rule": "1:1000002:1", "service": "unknown", "sid": "1000002",
			"src_addr": "198.18.0.2", "src_ap": "198.18.0.2:0", "tos": "0", "ttl": "62", "vlan": "0",
			"timestamp": "12/22-01:41:25.170100",
		}),
	)

	It("reads the whole sample in file order", func() {
		recs, err := parse(formats.Snort3JSON, readSample("alert_json.txt"))
		Expect(err).NotTo(HaveOccurred())
		Expect(labels(recs)).To(Equal([]string{"1000000", "1", "1", "25", "1", "1", "1000002"}))
	})

	DescribeTable("derives only what the configuration left out",
		func(line string, want map[string]string) {
			r := parseOne(formats.Snort3JSON, line)
			for k, v := range want {
				Expect(r.Fields).To(HaveKeyWithValue(k, v))
			}
		},
		Entry("sid written beside rule stays as written", `{ "rule" : "1:1000000:0", "sid" : 1000000, "gid" : 1 }`,
			map[string]string{"sid": "1000000", "gid": "1", "rev": "0"}),
		Entry("src_addr written beside src_ap stays", `{ "rule" : "1:2:3", "src_ap" : "198.18.0.2:37807", "src_addr" : "198.18.0.2", "proto" : "TCP" }`,
			map[string]string{"src_addr": "198.18.0.2", "src_port": "37807"}),
		Entry("no IP layer: \":0\" gives no address", `{ "rule" : "116:1:1", "src_ap" : ":0", "dst_ap" : ":0", "proto" : "eth" }`,
			map[string]string{"src_ap": ":0"}),
		Entry("no proto field: the port is taken", `{ "rule" : "1:2:3", "src_ap" : "198.18.0.2:0" }`,
			map[string]string{"src_addr": "198.18.0.2", "src_port": "0"}),
	)

	It("derives no address from \":0\"", func() {
		r := parseOne(formats.Snort3JSON, `{ "rule" : "116:1:1", "src_ap" : ":0", "dst_ap" : ":0", "proto" : "eth" }`)
		Expect(r.Fields).NotTo(HaveKey("src_addr"))
		Expect(r.Fields).NotTo(HaveKey("src_port"))
	})

	DescribeTable("rejects a broken line, naming it, with the alerts before it",
		func(bad, want string) {
			input := sampleLine("alert_json.txt", 2) + "\n" + bad + "\n" + sampleLine("alert_json.txt", 3) + "\n"
			recs, err := parse(formats.Snort3JSON, input)
			Expect(err).To(MatchError(formats.ErrSyntax))
			Expect(err).To(MatchError(HavePrefix("line 2: malformed record: ")))
			Expect(err).To(MatchError(ContainSubstring(want)))
			Expect(labels(recs)).To(Equal([]string{"1"}))
		},
		Entry("invalid JSON", `{ "timestamp" : "12/22-01:41:25.181284", "rule" : `, "invalid JSON"),
		Entry("alert_csv's line", `12/22-01:41:25.181284, 26, TCP, raw, 40, C2S, 198.18.0.2:37807, 198.18.1.2:25, 122:1:1, allow`, "invalid JSON"),
		Entry("not an object", `["122:1:1"]`, "not a JSON object"),
		Entry("neither rule nor sid", `{ "timestamp" : "12/22-01:41:25.181284", "pkt_num" : 26 }`, "no rule or numeric sid"),
		Entry("a rule that is not gid:sid:rev", `{ "rule" : "122:1" }`, "is not gid:sid:rev"),
		Entry("a rule with words", `{ "rule" : "a:b:c" }`, "is not gid:sid:rev"),
		Entry("a sid that is not a number", `{ "sid" : "one" }`, "no rule or numeric sid"),
		Entry("src_ap without a port", `{ "rule" : "122:1:1", "src_ap" : "198.18.0.2" }`, "is not address:port"),
		Entry("dst_ap with a word for a port", `{ "rule" : "122:1:1", "dst_ap" : "198.18.1.2:smtp" }`, "is not address:port"),
	)

	It("reports a last line without a newline as truncated", func() {
		line := sampleLine("alert_json.txt", 2)
		recs, err := parse(formats.Snort3JSON, line+"\n"+line)
		Expect(err).To(MatchError(formats.ErrTruncated))
		Expect(err).To(MatchError(HavePrefix("line 2: ")))
		Expect(recs).To(HaveLen(1))
	})
})
