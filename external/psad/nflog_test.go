package psad_test

import (
	"net/netip"
	"regexp"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external/psad"
	"github.com/siglab/siglab/netns/netnstest"
)

// header is what differs between ulogd2's line and LogLines' for the
// same packet without either being wrong: the timestamp (ulogd2 stamps
// when it reads the packet, LogLines when the sensor saw it, one hop
// earlier) and the host name (ulogd2's is the machine's); the MAC
// header (the victim's own link, which the sensor never sees); and UID
// and GID, which NFLOG adds when the packet already belongs to a socket
// the victim's server has accept()ed (early demux finds it before the
// input hook), a matter of the server's timing that no capture records.
var (
	header = regexp.MustCompile(`^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ `)
	mac    = regexp.MustCompile(` MAC=[0-9a-f:]+ `)
	owner  = regexp.MustCompile(` UID=\d+ GID=\d+ `)
)

func comparable(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		l = mac.ReplaceAllString(header.ReplaceAllString(l, ""), " MAC=_ ")
		out[i] = owner.ReplaceAllString(l, " ")
	}
	return out
}

var _ = Describe("the live NFLOG capture", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	It("gives psad the lines LogLines computes from the sensor's capture of the same run", func() {
		c, got := live(run{nmap: []string{"-sX -P0 -p1-40 victim", "-sS -O -p20-30 victim", "-sF -f -P0 -p1-12 victim", "-sU -P0 -p50-60 victim"}, srand: 4242, sessions: 2}, "DROP")
		want := psad.FormatLog(c, []netip.Addr{victim}, psad.LogOptions{Dialect: psad.ULOG, Prefix: "DROP", Hops: psad.LiveHops})
		Expect(len(got)).To(BeNumerically(">", 80))
		g, w := comparable(got), comparable(want)
		for i := range min(len(g), len(w)) {
			Expect(g[i]).To(Equal(w[i]), "line %d", i+1)
		}
		Expect(g).To(HaveLen(len(w)))
		// The run covers what could go wrong: the ping's ICMP echo, UDP,
		// T1's bogus flag (ECE, which ulogd2 does not print), and -f's
		// fragments, which the victim reassembles before its input hook.
		Expect(got).To(ContainElement(ContainSubstring(" PROTO=ICMP TYPE=8 CODE=0 ID=")))
		Expect(got).To(ContainElement(ContainSubstring(" PROTO=UDP SPT=")))
		Expect(psad.FormatLog(c, []netip.Addr{victim}, psad.LogOptions{Hops: psad.LiveHops})).To(ContainElement(ContainSubstring(" ECE SYN URGP=0 ")))
		Expect(fragments(c)).To(BeNumerically(">", 10))
		Expect(got).NotTo(ContainElement(ContainSubstring(" MF ")))
	})

	It("accepts the host's services before its log rule, as LogOptions.Accepted does offline", func() {
		svc := psad.Services{TCP: []uint16{80}}
		c, got := live(run{nmap: []string{"-sS -P0 -p75-85 victim"}, srand: 99, sessions: 3, accept: &svc}, "DROP")
		want := psad.FormatLog(c, []netip.Addr{victim}, psad.LogOptions{Dialect: psad.ULOG, Prefix: "DROP", Hops: psad.LiveHops,
			Accepted: map[netip.Addr]psad.Services{victim: svc}})
		Expect(comparable(got)).To(Equal(comparable(want)))
		Expect(got).To(HaveLen(10), "the SYNs to the ten closed ports of 75-85; nothing to or of port 80")
		Expect(got).NotTo(ContainElement(ContainSubstring(" DPT=80 ")))
		all := psad.FormatLog(c, []netip.Addr{victim}, psad.LogOptions{Dialect: psad.ULOG, Prefix: "DROP", Hops: psad.LiveHops})
		Expect(len(all)).To(BeNumerically(">", len(got)+10), "sessions and the open port's probe are in the capture")
	})
})
