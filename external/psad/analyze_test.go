package psad_test

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/external/psad"
)

var victims = []netip.Addr{victim}

// analyze runs psad on lines and fails the spec if it cannot.
func analyze(lines []string) ([]byte, []external.Record) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, recs, err := psad.Analyze(ctx, lines)
	Expect(err).NotTo(HaveOccurred(), "%s", out)
	return out, recs
}

// verdict is what psad said about the scanner: its danger level ("" for
// none), the sids it matched and the TCP flag sets of its scan lines
// with the nmap option psad names for each.
type verdict struct {
	dl    string
	sids  []string
	flags map[string]string
}

func verdictOf(recs []external.Record) verdict {
	v := verdict{flags: map[string]string{}}
	for _, r := range recs {
		if r.Field("src") != scanner.String() {
			continue
		}
		v.dl = r.Field("danger_level")
		if r.Label != "" && !slices.Contains(v.sids, r.Label) {
			v.sids = append(v.sids, r.Label)
		}
		if r.Field("proto") == "tcp" && r.Label == "" {
			v.flags[r.Field("flags")] = r.Field("scan_type")
		}
	}
	slices.Sort(v.sids)
	return v
}

var (
	explainDL  = regexp.MustCompile(`: danger level (\d)`)
	explainSid = regexp.MustCompile(`\(sid (\d+)\)`)
)

// explained is the same verdict as Explain's lines tell it.
func explained(c *capture.Capture) verdict {
	v := verdict{}
	for _, l := range psad.Explain(c, victim) {
		if !strings.HasPrefix(l, "psad: "+scanner.String()+" ->") {
			continue
		}
		if m := explainDL.FindStringSubmatch(l); m != nil {
			v.dl = m[1]
		}
		if m := explainSid.FindStringSubmatch(l); m != nil && strings.Contains(l, "packets match") {
			v.sids = append(v.sids, m[1])
		}
	}
	slices.Sort(v.sids)
	return v
}

// offlineLines are the kernel's lines for an offline run's capture: the
// simulated network's tap sits at the hosts, no hop between.
func offlineLines(c *capture.Capture) []string {
	return psad.FormatLog(c, victims, psad.LogOptions{Prefix: "DROP "})
}

var _ = Describe("Analyze", func() {
	BeforeEach(func() { requireTool("psad") })

	DescribeTable("gives psad's verdict on nmap 2.02's scans, and Explain tells the same from the capture",
		func(cmdline string, dl string, sids []string, flags map[string]string) {
			c := offline(run{nmap: []string{cmdline}, srand: 31337})
			_, recs := analyze(offlineLines(c))
			v := verdictOf(recs)
			Expect(v.dl).To(Equal(dl))
			Expect(v.sids).To(Equal(sids))
			Expect(v.flags).To(Equal(flags))
			e := explained(c)
			Expect(e.dl).To(Equal(dl), "Explain: %v", psad.Explain(c, victim))
			Expect(e.sids).To(Equal(sids), "Explain: %v", psad.Explain(c, victim))
		},
		Entry("-sS: SYNs, no signature, a danger level from the count alone",
			"-sS -P0 -p1-100 victim", "2", []string(nil), map[string]string{"SYN": "-sT or -sS"}),
		Entry("-sS over 1024 ports: DANGER_LEVEL3 (150 packets), and SYNs to ports psad's signatures name",
			"-sS -P0 -p1-1024 victim", "3", []string{"100040", "100041", "100083", "1421", "1985", "208", "282"}, map[string]string{"SYN": "-sT or -sS"}),
		Entry("-sF: SCAN FIN", "-sF -P0 -p1-100 victim", "2", []string{"621"}, map[string]string{"FIN": "-sF"}),
		Entry("-sX: SCAN nmap XMAS", "-sX -P0 -p1-100 victim", "2", []string{"1228"}, map[string]string{"URG PSH FIN": "-sX"}),
		Entry("-sN: psad's SCAN NULL (flags:0) never matches", "-sN -P0 -p1-100 victim", "2", []string(nil), map[string]string{"NULL": "-sN"}),
		Entry("-sU: UDP, no TCP scan line", "-sU -P0 -p1-100 victim", "2", []string(nil), map[string]string{}),
		Entry("the default ping and a few SYNs: the ACK to port 80 is ignored, the 8-byte echo is ICMP PING, not ICMP PING NMAP",
			"-sS -p21-23 victim", "2", []string{"384"}, map[string]string{"SYN": "-sT or -sS"}),
		Entry("-O: T1's ECE SYN is a flag set of its own, T7's URG PSH FIN is SCAN nmap XMAS",
			"-sS -O -P0 -p20-30 victim", "2", []string{"1228"}, map[string]string{"SYN": "-sT or -sS", "ECE SYN": "", "URG PSH SYN FIN": "-O", "NULL": "-sN", "URG PSH FIN": "-sX"}),
	)

	It("gives the same report for the kernel's lines and for ulogd2's", func() {
		c := offline(run{nmap: []string{"-sX -P0 -p1-50 victim", "-sU -P0 -p1-20 victim"}, srand: 7})
		_, kernel := analyze(offlineLines(c))
		_, ulog := analyze(psad.FormatLog(c, victims, psad.LogOptions{Dialect: psad.ULOG, Prefix: "DROP"}))
		Expect(kernel).NotTo(BeEmpty())
		Expect(fields(ulog)).To(Equal(fields(kernel)))
	})

	It("cannot read ulogd2's lines of packets without flags: its TCP pattern wants a space on both sides of the flags, and ulogd2 prints no RES field", func() {
		c := offline(run{nmap: []string{"-sN -P0 -p1-50 victim"}, srand: 7})
		_, kernel := analyze(offlineLines(c))
		Expect(verdictOf(kernel).flags).To(HaveKeyWithValue("NULL", "-sN"))
		out, ulog := analyze(psad.FormatLog(c, victims, psad.LogOptions{Dialect: psad.ULOG, Prefix: "DROP"}))
		Expect(ulog).To(BeEmpty(), "%s", out)
	})

	It("reports nothing for ordinary TCP sessions: their ACKs are ignored, their SYNs all go to one port", func() {
		c := offline(run{sessions: 20})
		lines := offlineLines(c)
		Expect(len(lines)).To(BeNumerically(">", 60))
		_, recs := analyze(lines)
		Expect(recs).To(BeEmpty())
		Expect(psad.Explain(c, victim)).To(ContainElement(ContainSubstring("no danger level: 20 counted packets all to port 80")))
	})

	It("leaves Debian's psad directories and configuration as they were", func() {
		before := snapshot("/var/log/psad", "/var/lib/psad", "/etc/psad")
		analyze(offlineLines(offline(run{nmap: []string{"-sF -P0 -p1-30 victim"}, srand: 1})))
		Expect(snapshot("/var/log/psad", "/var/lib/psad", "/etc/psad")).To(Equal(before))
		Expect(psad.Clean()).To(BeEmpty(), "Clean finds nothing of a live process")
	})
})

// snapshot lists the files under dirs with their sizes and times.
func snapshot(dirs ...string) []string {
	var out []string
	for _, d := range dirs {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			info, err := e.Info()
			if err == nil {
				out = append(out, fmt.Sprintf("%s/%s %s %d", d, e.Name(), info.ModTime(), info.Size()))
			}
		}
	}
	return out
}

var _ = Describe("Explain", func() {
	It("says why psad counts nothing of an ACK-only exchange", func() {
		h := probe(1)
		lines := psad.Explain(captureOf(tcp(h, 80, 0x10), tcp(h, 81, 0x10), tcp(h, 82, 0x14)), victim)
		Expect(lines).To(ContainElement("psad: 198.18.0.2 -> 198.18.1.2: 0 of 3 packets counted, all carry ACK or RST (IGNORE_CONNTRACK_BUG_PKTS)"))
		Expect(lines).To(ContainElement(ContainSubstring("no danger level: 0 counted packets, below DANGER_LEVEL1 (5)")))
	})

	It("says when no packet reaches the target", func() {
		Expect(psad.Explain(captureOf(), victim)).To(ConsistOf(ContainSubstring("no packet to 198.18.1.2 reaches its INPUT chain")))
	})
})
