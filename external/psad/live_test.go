package psad_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external/psad"
	"github.com/siglab/siglab/netns/netnstest"
)

// The live path end to end: nmap 2.02 into a live lab, the victim's
// NFLOG rule and ulogd2 writing what reaches its input hook, psad -A on
// those lines.
var _ = Describe("psad on a live lab's firewall log", Label("root"), func() {
	BeforeEach(func() {
		netnstest.RequireRoot()
		requireTool("psad")
	})

	DescribeTable("rates nmap 2.02's scans as it rates them offline",
		func(cmdline string, sids []string, flags, scanType string) {
			_, lines := live(run{nmap: []string{cmdline}, srand: 2002}, "DROP")
			_, recs := analyze(lines)
			v := verdictOf(recs)
			Expect(v.dl).To(Equal("2"), "%v", recs)
			Expect(v.sids).To(Equal(sids))
			Expect(v.flags).To(HaveKeyWithValue(flags, scanType))
		},
		Entry("-sS: a danger level and psad's scan type for SYNs", "-sS -P0 -p1-100 victim", []string(nil), "SYN", "-sT or -sS"),
		Entry("-sF: SCAN FIN (sid 621)", "-sF -P0 -p1-100 victim", []string{"621"}, "FIN", "-sF"),
		Entry("-sX: SCAN nmap XMAS (sid 1228)", "-sX -P0 -p1-100 victim", []string{"1228"}, "URG PSH FIN", "-sX"),
	)

	It("sees nothing of -sN: ulogd2's flagless lines do not parse", func() {
		c, lines := live(run{nmap: []string{"-sN -P0 -p1-100 victim"}, srand: 2002}, "DROP")
		Expect(lines).To(ContainElement(MatchRegexp(` WINDOW=\d+ URGP=0 `)))
		_, recs := analyze(lines)
		Expect(recs).To(BeEmpty())
		// The kernel's LOG lines of the same packets would have given a
		// danger level: the difference is the log, not psad's rules.
		_, recs = analyze(psad.LogLines(c, victims, "DROP "))
		Expect(verdictOf(recs).dl).To(Equal("2"))
	})

	It("reports nothing for ordinary TCP sessions to the victim's web server", func() {
		_, lines := live(run{sessions: 10}, "DROP")
		Expect(len(lines)).To(BeNumerically(">=", 30), "SYN, ACKs, data, FIN of each session reach INPUT")
		_, recs := analyze(lines)
		Expect(recs).To(BeEmpty())
	})

	It("leaves no rule table, ulogd2 or temporary directory behind", func() {
		live(run{nmap: []string{"-sS -P0 -p20-25 victim"}, srand: 1}, "DROP")
		Expect(psad.Clean()).To(BeEmpty())
	})
})
