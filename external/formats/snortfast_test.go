package formats_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external/formats"
)

// scanRule is the tail every sample's scan rule shares: classtype
// attempted-recon.
func scanRule(f map[string]string) map[string]string {
	f["classification"], f["priority"] = "Attempted Information Leak", "2"
	return f
}

var _ = Describe("snort-fast", func() {
	DescribeTable("reads each line of testdata/alert_fast.txt into its fields",
		func(n int, want map[string]string) {
			r := parseOne(formats.SnortFast, sampleLine("alert_fast.txt", n))
			Expect(r.Fields).To(Equal(want))
			Expect(r.Label).To(Equal(want["sid"]))
		},
		Entry("1: ICMP PING NMAP, no ports", 1, scanRule(map[string]string{
			"timestamp": "12/22-01:41:25.170100", "gid": "1", "sid": "469", "rev": "3", "msg": "ICMP PING NMAP",
			"proto": "ICMP", "src_ip": "198.18.0.2", "dest_ip": "198.18.1.2",
		})),
		Entry("2: sfPortscan on its PROTO:255 pseudo-packet", 2, scanRule(map[string]string{
			"timestamp": "12/22-01:41:25.180240", "gid": "122", "sid": "1", "rev": "1", "msg": "(portscan) TCP Portscan",
			"proto": "PROTO:255", "src_ip": "198.18.0.2", "dest_ip": "198.18.1.2",
		})),
		Entry("3: SCAN nmap XMAS", 3, scanRule(map[string]string{
			"timestamp": "12/22-01:41:26.402107", "gid": "1", "sid": "1228", "rev": "7", "msg": "SCAN nmap XMAS",
			"proto": "TCP", "src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.2", "dest_port": "25",
		})),
		Entry("4: SCAN FIN", 4, scanRule(map[string]string{
			"timestamp": "12/22-01:41:27.510733", "gid": "1", "sid": "621", "rev": "7", "msg": "SCAN FIN",
			"proto": "TCP", "src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.2", "dest_port": "1",
		})),
		Entry("5: with -y, the year in the timestamp", 5, scanRule(map[string]string{
			"timestamp": "12/22/98-01:41:27.510764", "gid": "1", "sid": "621", "rev": "7", "msg": "SCAN FIN",
			"proto": "TCP", "src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.2", "dest_port": "7",
		})),
		Entry("6: no classification", 6, map[string]string{
			"timestamp": "12/22-01:41:25.180240", "gid": "122", "sid": "1", "rev": "0", "msg": "(portscan) TCP Portscan",
			"priority": "3", "proto": "PROTO:255", "src_ip": "198.18.0.2", "dest_ip": "198.18.1.2",
		}),
		Entry("7: IPv6, the port after the last colon", 7, scanRule(map[string]string{
			"timestamp": "12/22-01:41:26.402219", "gid": "1", "sid": "1228", "rev": "7", "msg": "SCAN nmap XMAS",
			"proto": "TCP", "src_ip": "2001:db8::2", "src_port": "37807", "dest_ip": "2001:db8:1::2", "dest_port": "25",
		})),
		Entry("8: -I, the interface after the rule number", 8, scanRule(map[string]string{
			"timestamp": "12/22-01:41:26.402107", "gid": "1", "sid": "1228", "rev": "7", "in_iface": "siglab-dn0",
			"msg": "SCAN nmap XMAS", "proto": "TCP", "src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.2", "dest_port": "25",
		})),
		Entry("9: inline, dropped", 9, scanRule(map[string]string{
			"timestamp": "12/22-01:41:27.510733", "action": "Drop", "gid": "1", "sid": "621", "rev": "7", "msg": "SCAN FIN",
			"proto": "TCP", "src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.2", "dest_port": "1",
		})),
		Entry("10: inline test mode, would drop", 10, scanRule(map[string]string{
			"timestamp": "12/22-01:41:27.510733", "action": "WDrop", "gid": "1", "sid": "621", "rev": "7", "msg": "SCAN FIN",
			"proto": "TCP", "src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.2", "dest_port": "1",
		})),
		Entry("11: neither classification nor priority", 11, map[string]string{
			"timestamp": "12/22-01:41:25.212000", "gid": "111", "sid": "2", "rev": "1",
			"msg":   "(spp_stream4) possible EVASIVE RST detection",
			"proto": "TCP", "src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.3", "dest_port": "1",
		}),
		Entry("12: not an IP packet, nothing after [**]", 12, map[string]string{
			"timestamp": "12/22-01:41:27.000512", "gid": "112", "sid": "1", "rev": "1",
			"msg": "(spp_arpspoof) Unicast ARP request",
		}),
	)

	It("reads the whole sample in file order", func() {
		recs, err := parse(formats.SnortFast, readSample("alert_fast.txt"))
		Expect(err).NotTo(HaveOccurred())
		Expect(labels(recs)).To(Equal([]string{"469", "1", "1228", "621", "621", "1", "1228", "1228", "621", "621", "2", "1"}))
	})

	DescribeTable("reads the other forms LogIpAddrs and AlertFast write",
		func(line string, want map[string]string) {
			r := parseOne(formats.SnortFast, line)
			Expect(r.Fields).To(Equal(want))
		},
		Entry("a TCP fragment: no ports", "12/22-01:41:25.190000  [**] [1:1228:7] SCAN nmap XMAS [**] [Classification: Attempted Information Leak] [Priority: 2] {TCP} 198.18.0.2 -> 198.18.1.2",
			scanRule(map[string]string{"timestamp": "12/22-01:41:25.190000", "gid": "1", "sid": "1228", "rev": "7", "msg": "SCAN nmap XMAS",
				"proto": "TCP", "src_ip": "198.18.0.2", "dest_ip": "198.18.1.2"})),
		Entry("an IPv6 ICMP packet", "12/22-01:41:25.190000  [**] [1:1000003:1] LOCAL ICMPv6 echo [**] [Priority: 0] {IPV6-ICMP} 2001:db8::2 -> 2001:db8:1::2",
			map[string]string{"timestamp": "12/22-01:41:25.190000", "gid": "1", "sid": "1000003", "rev": "1", "msg": "LOCAL ICMPv6 echo",
				"priority": "0", "proto": "IPV6-ICMP", "src_ip": "2001:db8::2", "dest_ip": "2001:db8:1::2"}),
		Entry("UDP", "12/22-01:41:25.190000  [**] [1:1000004:1] LOCAL UDP probe [**] [Priority: 0] {UDP} 198.18.0.2:37807 -> 198.18.1.2:53",
			map[string]string{"timestamp": "12/22-01:41:25.190000", "gid": "1", "sid": "1000004", "rev": "1", "msg": "LOCAL UDP probe",
				"priority": "0", "proto": "UDP", "src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.2", "dest_port": "53"}),
		Entry("obfuscated addresses (-O)", "12/22-01:41:25.190000  [**] [1:1228:7] SCAN nmap XMAS [**] [Classification: Attempted Information Leak] [Priority: 2] {TCP} xxx.xxx.xxx.xxx:37807 -> xxx.xxx.xxx.xxx:25",
			scanRule(map[string]string{"timestamp": "12/22-01:41:25.190000", "gid": "1", "sid": "1228", "rev": "7", "msg": "SCAN nmap XMAS",
				"proto": "TCP", "src_ip": "xxx.xxx.xxx.xxx", "src_port": "37807", "dest_ip": "xxx.xxx.xxx.xxx", "dest_port": "25"})),
		Entry("no message", "12/22-01:41:25.190000  [**] [1:1000005:1] [**] [Priority: 0] {TCP} 198.18.0.2:37807 -> 198.18.1.2:25",
			map[string]string{"timestamp": "12/22-01:41:25.190000", "gid": "1", "sid": "1000005", "rev": "1",
				"priority": "0", "proto": "TCP", "src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.2", "dest_port": "25"}),
		Entry("an empty message", "12/22-01:41:25.190000  [**] [1:1000005:1]  [**] [Priority: 0] {ICMP} 198.18.0.2 -> 198.18.1.2",
			map[string]string{"timestamp": "12/22-01:41:25.190000", "gid": "1", "sid": "1000005", "rev": "1", "msg": "",
				"priority": "0", "proto": "ICMP", "src_ip": "198.18.0.2", "dest_ip": "198.18.1.2"}),
		Entry("a message holding brackets and arrows", "12/22-01:41:25.190000  [**] [1:1000006:1] LOCAL [x] a -> b {y} [**] [Priority: 0] {ICMP} 198.18.0.2 -> 198.18.1.2",
			map[string]string{"timestamp": "12/22-01:41:25.190000", "gid": "1", "sid": "1000006", "rev": "1", "msg": "LOCAL [x] a -> b {y}",
				"priority": "0", "proto": "ICMP", "src_ip": "198.18.0.2", "dest_ip": "198.18.1.2"}),
		Entry("a message starting with < after one space (not -I)", "12/22-01:41:25.190000  [**] [1:1000007:1] <script> in URI [**] [Priority: 0] {TCP} 198.18.0.2:37807 -> 198.18.1.2:80",
			map[string]string{"timestamp": "12/22-01:41:25.190000", "gid": "1", "sid": "1000007", "rev": "1", "msg": "<script> in URI",
				"priority": "0", "proto": "TCP", "src_ip": "198.18.0.2", "src_port": "37807", "dest_ip": "198.18.1.2", "dest_port": "80"}),
		Entry("a non-IP event whose trailing space was trimmed", "12/22-01:41:27.000512  [**] [112:1:1] (spp_arpspoof) Unicast ARP request [**]",
			map[string]string{"timestamp": "12/22-01:41:27.000512", "gid": "112", "sid": "1", "rev": "1", "msg": "(spp_arpspoof) Unicast ARP request"}),
	)

	DescribeTable("rejects a line that is not alert_fast's, naming it, with the alerts before it",
		func(bad, want string) {
			input := sampleLine("alert_fast.txt", 3) + "\n" + bad + "\n" + sampleLine("alert_fast.txt", 4) + "\n"
			recs, err := parse(formats.SnortFast, input)
			Expect(err).To(MatchError(formats.ErrSyntax))
			Expect(err).To(MatchError(HavePrefix("line 2: malformed record: ")))
			Expect(err).To(MatchError(ContainSubstring(want)))
			Expect(err.Error()).NotTo(ContainSubstring("\n"))
			Expect(labels(recs)).To(Equal([]string{"1228"}))
		},
		Entry("alert_full's header line", "[**] [1:1228:7] SCAN nmap XMAS [**]", "not an alert_fast line"),
		Entry("a syslog line", "Dec 22 01:41:26 sensor snort[42]: [1:1228:7] SCAN nmap XMAS [Classification: Attempted Information Leak] [Priority: 2] {TCP} 198.18.0.2:37807 -> 198.18.1.2:25", "not an alert_fast line"),
		Entry("Snort 3's alert_fast (one space, quoted message)", `12/22-01:41:26.402107 [**] [122:1:1] "(port_scan) TCP portscan" [**] [Priority: 3] {TCP} 198.18.0.2:37807 -> 198.18.1.2:25`, "not an alert_fast line"),
		Entry("a timestamp without microseconds", "12/22-01:41:26  [**] [1:1228:7] SCAN nmap XMAS [**] {TCP} 198.18.0.2:1 -> 198.18.1.2:25", "not an alert_fast line"),
		Entry("no rule number", "12/22-01:41:26.402107  [**] SCAN nmap XMAS [**] {TCP} 198.18.0.2:1 -> 198.18.1.2:25", "not an alert_fast line"),
		Entry("a rule number that is not gid:sid:rev", "12/22-01:41:26.402107  [**] [1:1228] SCAN nmap XMAS [**] {TCP} 198.18.0.2:1 -> 198.18.1.2:25", "not an alert_fast line"),
		Entry("no [**] after the message", "12/22-01:41:26.402107  [**] [1:1228:7] SCAN nmap XMAS {TCP} 198.18.0.2:1 -> 198.18.1.2:25", "no [**] after the message"),
		Entry("an unclosed interface", "12/22-01:41:26.402107  [**] [1:1228:7]  <eth0 SCAN nmap XMAS [**] ", "unclosed <interface>"),
		Entry("an unclosed classification", "12/22-01:41:26.402107  [**] [1:1228:7] SCAN nmap XMAS [**] [Classification: Attempted", "unclosed [Classification"),
		Entry("a priority that is not a number", "12/22-01:41:26.402107  [**] [1:1228:7] SCAN nmap XMAS [**] [Priority: high] {TCP} 198.18.0.2:1 -> 198.18.1.2:25", "without a number"),
		Entry("text instead of {PROTO}", "12/22-01:41:26.402107  [**] [1:1228:7] SCAN nmap XMAS [**] TCP 198.18.0.2:1 -> 198.18.1.2:25", "unexpected text after [**]"),
		Entry("an unclosed {PROTO}", "12/22-01:41:26.402107  [**] [1:1228:7] SCAN nmap XMAS [**] {TCP 198.18.0.2:1 -> 198.18.1.2:25", "unclosed {PROTO}"),
		Entry("no arrow", "12/22-01:41:26.402107  [**] [1:1228:7] SCAN nmap XMAS [**] {TCP} 198.18.0.2:1 198.18.1.2:25", `no "src -> dst"`),
		Entry("a port on one end only", "12/22-01:41:26.402107  [**] [1:1228:7] SCAN nmap XMAS [**] {TCP} 198.18.0.2:1 -> 198.18.1.2", "a port on one end"),
		Entry("a port past 65535", "12/22-01:41:26.402107  [**] [1:1228:7] SCAN nmap XMAS [**] {TCP} 198.18.0.2:65536 -> 198.18.1.2:25", "a port on one end"),
		Entry("a port on ICMP", "12/22-01:41:26.402107  [**] [1:469:3] ICMP PING NMAP [**] {ICMP} 198.18.0.2:0 -> 198.18.1.2:0", "not two addresses"),
		Entry("a host name", "12/22-01:41:26.402107  [**] [1:1228:7] SCAN nmap XMAS [**] {TCP} scanner:1 -> victim:25", "not two addresses"),
		Entry("text after the addresses", "12/22-01:41:26.402107  [**] [1:469:3] ICMP PING NMAP [**] {ICMP} 198.18.0.2 -> 198.18.1.2 extra", "not two addresses"),
	)

	It("reports a last line without a newline as truncated: a cut port would still parse", func() {
		cut := sampleLine("alert_fast.txt", 3) // ...198.18.1.2:25
		recs, err := parse(formats.SnortFast, sampleLine("alert_fast.txt", 1)+"\n"+cut[:len(cut)-1])
		Expect(err).To(MatchError(formats.ErrTruncated))
		Expect(err).To(MatchError(HavePrefix("line 2: ")))
		Expect(labels(recs)).To(Equal([]string{"469"}))
	})

	It("says which line in one line, however long or odd the line", func() {
		_, err := parse(formats.SnortFast, "garbage\x00with\ttabs and a very long tail "+strings.Repeat("y", 200)+"\n")
		Expect(err.Error()).NotTo(ContainSubstring("\n"))
		Expect(err.Error()).To(HavePrefix(`line 1: malformed record: not an alert_fast line (timestamp, [**], [gid:sid:rev]): "garbage\x00with\ttabs`))
		Expect(len(err.Error())).To(BeNumerically("<", 200))
	})
})
