package main_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/external/formats"
)

// ruleRow is the table row of sid in `siglab rules check` output with
// one capture: SID, MSG, VERDICT, COUNT, WHY.
func ruleRow(out, sid string) string {
	m := regexp.MustCompile(`(?m)^` + sid + ` .*$`).FindString(out)
	Expect(m).NotTo(BeEmpty(), "no row for sid %s in:\n%s", sid, out)
	return m
}

func parseAs(format, out string) []external.Record {
	f, ok := formats.Lookup(format)
	Expect(ok).To(BeTrue())
	recs, err := f.Parse(strings.NewReader(out))
	Expect(err).NotTo(HaveOccurred(), out)
	return recs
}

var _ = Describe("siglab rules check", func() {
	It("evaluates the classic set on a scenario, rule by rule, with why", func() {
		r := siglab("rules", "check", "tech-ping-ack")
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(MatchRegexp(`(?m)^SID +MSG +VERDICT +COUNT +WHY$`))
		Expect(ruleRow(r.stdout, "628")).To(MatchRegexp(`^628 +SCAN nmap TCP +fired +1 +1 alert, first on packet`))
		row := ruleRow(r.stdout, "621")
		Expect(row).To(MatchRegexp(`^621 +SCAN FIN +silent +0 +flags: seen `))
		Expect(row).To(ContainSubstring("rule wants exactly F"))
	})

	It("gives one verdict column per capture, the whys below", func() {
		dir := GinkgoT().TempDir()
		pcap := filepath.Join(dir, "syn.pcap")
		Expect(siglab("generate", "fig2-syn", "-o", pcap).code).To(Equal(0))
		r := siglab("rules", "check", "--classic", "tech-ping-ack", pcap)
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(ContainSubstring("[1] tech-ping-ack: "))
		Expect(r.stdout).To(ContainSubstring("[2] " + pcap + ": "))
		Expect(r.stdout).To(MatchRegexp(`(?m)^628 +SCAN nmap TCP +fired 1 +silent$`))
		Expect(r.stdout).To(MatchRegexp(`(?m)^2000537 +ET SCAN NMAP -sS +disabled +disabled$`))
		Expect(r.stdout).To(MatchRegexp(`(?m)^  621 +silent +flags: seen `))

		r = siglab("rules", "check", "--why=false", "tech-ping-ack", pcap)
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).NotTo(ContainSubstring("seen"))
	})

	It("explains one rule on each capture", func() {
		// fig2-syn starts when figure 2's run did: its SYNs carry the
		// figure's window 1024, so ET's 3072 rule stays silent.
		r := siglab("rules", "check", "--explain", "2009583", "fig2-syn")
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(ContainSubstring(`sid 2009583 rev 3 "ET SCAN NMAP -sS window 3072"`))
		Expect(r.stdout).To(ContainSubstring("fail window: wants 3072, seen 1024"))
		Expect(r.stdout).To(MatchRegexp(`verdict: silent: window: seen 1024, rule wants 3072`))
	})

	It("refuses --explain of a sid no rule has", func() {
		r := siglab("rules", "check", "--explain", "1", "fig2-syn")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(Equal("siglab: --explain: no rule has sid 1\n"))
	})

	It("writes eve.json alerts the eve parser reads", func() {
		r := siglab("rules", "check", "--format", "eve", "tech-ping-ack")
		Expect(r.code).To(Equal(0), r.stderr)
		recs := parseAs(formats.EVE, r.stdout)
		var sids []string
		for _, rec := range recs {
			sids = append(sids, rec.Label)
		}
		Expect(sids).To(ContainElement("628"))
		Expect(recs[0].Label).To(Equal("628"))
		Expect(recs[0].Field("src_ip")).To(Equal("198.18.0.2"))
		Expect(recs[0].Field("dest_ip")).To(Equal("198.18.1.2"))
		Expect(recs[0].Field("dest_port")).To(Equal("80"))
	})

	It("writes alert_fast lines the snort-fast parser reads", func() {
		r := siglab("rules", "check", "--format", "fast", "tech-ping-ack")
		Expect(r.code).To(Equal(0), r.stderr)
		recs := parseAs(formats.SnortFast, r.stdout)
		Expect(recs).NotTo(BeEmpty())
		Expect(recs[0].Label).To(Equal("628"))
		Expect(recs[0].Field("msg")).To(Equal("SCAN nmap TCP"))
		Expect(recs[0].Field("classification")).To(Equal("Attempted Information Leak"))
		Expect(recs[0].Field("src_ip")).To(Equal("198.18.0.2"))
	})

	It("takes the user's rules files and variables", func() {
		dir := GinkgoT().TempDir()
		rf := filepath.Join(dir, "mine.rules")
		Expect(os.WriteFile(rf, []byte(`alert tcp any any -> $MINE any (msg:"MINE ack"; flags:A; sid:1000001; rev:1;)`+"\n"), 0o644)).To(Succeed())
		vf := filepath.Join(dir, "vars.conf")
		Expect(os.WriteFile(vf, []byte("ipvar MINE [198.18.1.2]\n"), 0o644)).To(Succeed())
		r := siglab("rules", "check", "--vars", vf, rf, "tech-ping-ack")
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(ContainSubstring("1 rule, 1 fired"))
		Expect(ruleRow(r.stdout, "1000001")).To(MatchRegexp(`fired +1 `))
		Expect(r.stdout).NotTo(ContainSubstring("SCAN nmap TCP")) // no classic set unless asked
	})

	It("fails with the first fault's file:line:col for a malformed rules file", func() {
		rf := filepath.Join(GinkgoT().TempDir(), "bad.rules")
		Expect(os.WriteFile(rf, []byte("alert tcp any any -> any any (msg:\"ok\"; sid:1;)\nalert tcp any any -> any any (msg:\"bad\"; flags:Q; sid:2;)\n"), 0o644)).To(Succeed())
		r := siglab("rules", "check", rf, "tech-ping-ack")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(MatchRegexp(`^siglab: ` + regexp.QuoteMeta(rf) + `:2:\d+: [^\n]*flags[^\n]*\n$`))
	})

	It("fails naming a capture it cannot read, and on an unknown scenario", func() {
		bad := filepath.Join(GinkgoT().TempDir(), "bad.pcap")
		Expect(os.WriteFile(bad, []byte("not a capture"), 0o644)).To(Succeed())
		r := siglab("rules", "check", bad)
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(HavePrefix("siglab: " + bad + ": "))
		Expect(strings.Count(r.stderr, "\n")).To(Equal(1))

		r = siglab("rules", "check", "no-such-scenario")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring("no-such-scenario"))
	})
})
