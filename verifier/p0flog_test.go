package verifier_test

import (
	"net/netip"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/verifier"
)

var _ = Describe("ParseP0fLine", func() {
	DescribeTable("reads p0f 3.09b log lines",
		func(line, mod, cli, srv string, fields map[string]string) {
			r, ok := verifier.ParseP0fLine(line)
			Expect(ok).To(BeTrue())
			Expect(r.Mod).To(Equal(mod))
			Expect(r.Client).To(Equal(netip.MustParseAddrPort(cli)))
			Expect(r.Server).To(Equal(netip.MustParseAddrPort(srv)))
			Expect(r.Fields).To(Equal(fields))
			Expect(r.Time).To(Equal(time.Date(1998, 12, 22, 1, 41, 25, 0, time.Local)))
		},
		Entry("syn of nmap 2.02",
			"[1998/12/22 01:41:25] mod=syn|cli=198.18.0.2/37813|srv=198.18.1.2/1|subj=cli|os=???|dist=2|params=none|raw_sig=4:62+2:0:0:3072,0:::0",
			"syn", "198.18.0.2:37813", "198.18.1.2:1",
			map[string]string{"subj": "cli", "os": "???", "dist": "2", "params": "none", "raw_sig": "4:62+2:0:0:3072,0:::0"}),
		Entry("syn+ack",
			"[1998/12/22 01:41:25] mod=syn+ack|cli=198.18.0.2/37807|srv=198.18.1.2/9|subj=srv|os=???|dist=4|params=none|raw_sig=4:60+4:0:1460:61440,0:mss:df:0",
			"syn+ack", "198.18.0.2:37807", "198.18.1.2:9",
			map[string]string{"subj": "srv", "os": "???", "dist": "4", "params": "none", "raw_sig": "4:60+4:0:1460:61440,0:mss:df:0"}),
		Entry("named OS with spaces and parentheses",
			"[1998/12/22 01:41:25] mod=syn|cli=198.18.0.2/38840|srv=198.18.1.80/80|subj=cli|os=Linux 2.2.x-3.x (no timestamps)|dist=0|params=generic|raw_sig=4:64+0:0:1460:mss*44,7:mss,nop,nop,sok,nop,ws:df,id+:0",
			"syn", "198.18.0.2:38840", "198.18.1.80:80",
			map[string]string{"subj": "cli", "os": "Linux 2.2.x-3.x (no timestamps)", "dist": "0", "params": "generic",
				"raw_sig": "4:64+0:0:1460:mss*44,7:mss,nop,nop,sok,nop,ws:df,id+:0"}),
		Entry("mtu",
			"[1998/12/22 01:41:25] mod=mtu|cli=198.18.0.2/37814|srv=198.18.1.2/1|subj=cli|link=???|raw_mtu=305",
			"mtu", "198.18.0.2:37814", "198.18.1.2:1", map[string]string{"subj": "cli", "link": "???", "raw_mtu": "305"}),
		Entry("host change",
			"[1998/12/22 01:41:25] mod=host change|cli=198.18.0.2/37814|srv=198.18.1.2/1|subj=cli|reason=sig_diff mtu|raw_hits=0,0,1,1",
			"host change", "198.18.0.2:37814", "198.18.1.2:1", map[string]string{"subj": "cli", "reason": "sig_diff mtu", "raw_hits": "0,0,1,1"}),
		Entry("uptime",
			"[1998/12/22 01:41:25] mod=uptime|cli=198.18.0.2/40000|srv=198.18.1.80/80|subj=srv|uptime=0 days 1 hrs 2 min (modulo 49 days)|raw_freq=1000.00 Hz",
			"uptime", "198.18.0.2:40000", "198.18.1.80:80",
			map[string]string{"subj": "srv", "uptime": "0 days 1 hrs 2 min (modulo 49 days)", "raw_freq": "1000.00 Hz"}),
		Entry("http request",
			"[1998/12/22 01:41:25] mod=http request|cli=198.18.0.2/38840|srv=198.18.1.80/80|subj=cli|app=???|lang=none|params=none|raw_sig=0:User-Agent:Host,Connection:siglab-monitor/1.0",
			"http request", "198.18.0.2:38840", "198.18.1.80:80",
			map[string]string{"subj": "cli", "app": "???", "lang": "none", "params": "none", "raw_sig": "0:User-Agent:Host,Connection:siglab-monitor/1.0"}),
		Entry("a '|' inside a value stays in it",
			"[1998/12/22 01:41:25] mod=http request|cli=198.18.0.2/1|srv=198.18.1.80/80|subj=cli|app=???|raw_sig=0:User-Agent::agent|x y",
			"http request", "198.18.0.2:1", "198.18.1.80:80",
			map[string]string{"subj": "cli", "app": "???", "raw_sig": "0:User-Agent::agent|x y"}),
		Entry("IPv6, CRLF",
			"[1998/12/22 01:41:25] mod=mtu|cli=2001:db8::1/5|srv=2001:db8::2/80|subj=cli|link=Ethernet or modem|raw_mtu=1500\r\n",
			"mtu", "[2001:db8::1]:5", "[2001:db8::2]:80", map[string]string{"subj": "cli", "link": "Ethernet or modem", "raw_mtu": "1500"}),
	)

	DescribeTable("skips what is not a whole record",
		func(line string) {
			_, ok := verifier.ParseP0fLine(line)
			Expect(ok).To(BeFalse())
		},
		Entry("empty", ""),
		Entry("p0f's banner", "--- p0f 3.09b by Michal Zalewski <lcamtuf@coredump.cx> ---"),
		Entry("no closing bracket", "[1998/12/22 01:41:25 mod=syn|cli=198.18.0.2/1|srv=198.18.1.2/1"),
		Entry("no mod", "[1998/12/22 01:41:25] cli=198.18.0.2/1|srv=198.18.1.2/1|subj=cli"),
		Entry("empty mod", "[1998/12/22 01:41:25] mod=|cli=198.18.0.2/1|srv=198.18.1.2/1"),
		Entry("no srv", "[1998/12/22 01:41:25] mod=syn|cli=198.18.0.2/1|subj=cli"),
		Entry("cli without port", "[1998/12/22 01:41:25] mod=syn|cli=198.18.0.2|srv=198.18.1.2/1"),
		Entry("port out of range", "[1998/12/22 01:41:25] mod=syn|cli=198.18.0.2/70000|srv=198.18.1.2/1"),
		Entry("cli not an address", "[1998/12/22 01:41:25] mod=syn|cli=victim/1|srv=198.18.1.2/1"),
		Entry("first piece not a field", "[1998/12/22 01:41:25] syn|cli=198.18.0.2/1|srv=198.18.1.2/1"),
		Entry("duplicate key", "[1998/12/22 01:41:25] mod=syn|cli=198.18.0.2/1|srv=198.18.1.2/1|os=a|os=b"),
		Entry("truncated mid-line", "[1998/12/22 01:41:25] mod=syn|cli=198.18.0.2/378"),
	)

	It("reads a whole log, skipping the lines that do not parse", func() {
		log := "[1998/12/22 01:41:25] mod=syn|cli=198.18.0.2/1|srv=198.18.1.2/1|subj=cli|os=???\n" +
			"garbage\n\n" +
			"[1998/12/22 01:41:26] mod=mtu|cli=198.18.0.2/1|srv=198.18.1.2/1|subj=cli|link=???|raw_mtu=305"
		recs, err := verifier.ParseP0fLog(strings.NewReader(log))
		Expect(err).NotTo(HaveOccurred())
		Expect(recs).To(HaveLen(2))
		Expect(recs[0].Mod).To(Equal("syn"))
		Expect(recs[1].Fields).To(HaveKeyWithValue("raw_mtu", "305"))
	})

	It("turns a record into a finding: mod as label, client as scanner, every field plus the addresses", func() {
		r, ok := verifier.ParseP0fLine("[1998/12/22 01:41:25] mod=syn|cli=198.18.0.2/37813|srv=198.18.1.2/1|subj=cli|os=???|dist=2")
		Expect(ok).To(BeTrue())
		f := r.Finding()
		Expect(f.Label).To(Equal("syn"))
		Expect(f.Scanner).To(Equal(netip.MustParseAddr("198.18.0.2")))
		Expect(f.Targets).To(Equal([]netip.Addr{netip.MustParseAddr("198.18.1.2")}))
		Expect(f.Packets).To(Equal(1))
		Expect(f.Attrs).To(Equal(map[string]string{"subj": "cli", "os": "???", "dist": "2",
			"client": "198.18.0.2", "server": "198.18.1.2", "client_port": "37813", "server_port": "1"}))
	})
})
