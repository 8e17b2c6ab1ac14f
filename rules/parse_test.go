package rules_test

import (
	"errors"
	"net/netip"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/rules"
)

// one parses a one-rule file and wants exactly one rule, no errors.
func one(text string) *rules.Rule {
	set, err := rules.Parse("t.rules", []byte(text))
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	ExpectWithOffset(1, set.Rules).To(HaveLen(1))
	return set.Rules[0]
}

// firstErr parses a file and gives its first fault.
func firstErr(text string) error {
	_, err := rules.Parse("scan.rules", []byte(text))
	var es rules.Errors
	ExpectWithOffset(1, errors.As(err, &es)).To(BeTrue(), "no Errors for %q", text)
	return es[0]
}

func n(i int) *int { return &i }

func pfx(s string) rules.Addr { return rules.Addr{Prefix: netip.MustParsePrefix(s)} }

// noPos drops the positions from a header, to compare values.
func noPos(a rules.Addr) rules.Addr {
	a.At = rules.Pos{}
	for i := range a.List {
		a.List[i] = noPos(a.List[i])
	}
	return a
}

func noPortPos(p rules.Port) rules.Port {
	p.At = rules.Pos{}
	for i := range p.List {
		p.List[i] = noPortPos(p.List[i])
	}
	return p
}

var _ = Describe("Parse", func() {
	var classic *rules.Set
	BeforeEach(func() {
		b, err := os.ReadFile("classic.rules")
		Expect(err).NotTo(HaveOccurred())
		classic, err = rules.Parse("scan.rules", b)
		Expect(err).NotTo(HaveOccurred())
	})
	bySID := func(sid int) *rules.Rule {
		for _, r := range classic.Rules {
			if r.SID == sid {
				return r
			}
		}
		Fail("no sid")
		return nil
	}

	DescribeTable("reads the classic scan rules",
		func(sid int, msg string, flags *rules.Flags, frag *rules.Fragbits, dsize *rules.Dsize, th *rules.Threshold, disabled bool, extra []string) {
			r := bySID(sid)
			Expect(r.Msg).To(Equal(msg))
			Expect(r.Action).To(Equal("alert"))
			Expect(r.Flags).To(Equal(flags))
			Expect(r.Fragbits).To(Equal(frag))
			Expect(r.Dsize).To(Equal(dsize))
			Expect(r.Threshold).To(Equal(th))
			Expect(r.Disabled).To(Equal(disabled))
			Expect(r.Classtype).To(Equal("attempted-recon"))
			Expect(r.Unevaluated()).To(BeEmpty())
			var kws []string
			for _, o := range r.Options {
				switch o.Keyword {
				case "msg", "sid", "rev", "classtype", "flags", "fragbits", "dsize", "threshold", "reference":
				default:
					kws = append(kws, o.Keyword+":"+o.Value)
				}
			}
			Expect(kws).To(Equal(extra))
		},
		Entry("469 ICMP PING NMAP", 469, "ICMP PING NMAP", nil, nil, &rules.Dsize{Op: "="}, nil, false, []string{"itype:8"}),
		Entry("621 SCAN FIN", 621, "SCAN FIN", &rules.Flags{Bits: rules.FIN, Mask: rules.CWR | rules.ECE}, nil, nil, nil, false, []string{"flow:stateless"}),
		Entry("623 SCAN NULL", 623, "SCAN NULL", &rules.Flags{}, nil, nil, nil, false, []string{"flow:stateless", "seq:0", "ack:0"}),
		Entry("624 SCAN SYN FIN", 624, "SCAN SYN FIN", &rules.Flags{Bits: rules.SYN | rules.FIN, Mask: rules.CWR | rules.ECE}, nil, nil, nil, false, []string{"flow:stateless"}),
		Entry("628 SCAN nmap TCP", 628, "SCAN nmap TCP", &rules.Flags{Bits: rules.ACK, Mask: rules.CWR | rules.ECE}, nil, nil, nil, false, []string{"flow:stateless", "ack:0"}),
		Entry("629 fingerprint attempt", 629, "SCAN nmap fingerprint attempt", &rules.Flags{Bits: rules.SYN | rules.FIN | rules.PSH | rules.URG}, nil, nil, nil, false, []string{"flow:stateless"}),
		Entry("630 synscan", 630, "SCAN synscan portscan", &rules.Flags{Bits: rules.SYN | rules.FIN}, nil, nil, nil, false, []string{"flow:stateless", "id:39426"}),
		Entry("1228 XMAS", 1228, "SCAN nmap XMAS", &rules.Flags{Bits: rules.FIN | rules.PSH | rules.URG, Mask: rules.CWR | rules.ECE}, nil, nil, nil, false, []string{"flow:stateless"}),
		Entry("1133 cybercop, continued line", 1133, "SCAN cybercop os probe", &rules.Flags{Bits: rules.SYN | rules.FIN | rules.PSH}, nil, nil, nil, false,
			[]string{"flow:stateless", "ack:0", `content:"AAAAAAAAAAAAAAAA"`, "depth:16"}),
		Entry("2000537 -sS, commented out", 2000537, "ET SCAN NMAP -sS", &rules.Flags{Bits: rules.SYN, Mask: rules.CWR | rules.ECE}, &rules.Fragbits{Bits: rules.DF, Mod: '!'},
			&rules.Dsize{Op: "="}, &rules.Threshold{Type: "both", Track: "by_dst", Count: 1, Seconds: 60}, true, []string{"ack:0", "window:2048"}),
		Entry("2009582 window 1024", 2009582, "ET SCAN NMAP -sS window 1024", &rules.Flags{Bits: rules.SYN, Mask: rules.CWR | rules.ECE}, &rules.Fragbits{Bits: rules.DF, Mod: '!'},
			&rules.Dsize{Op: "="}, &rules.Threshold{Type: "both", Track: "by_dst", Count: 1, Seconds: 60}, false, []string{"ack:0", "window:1024"}),
		Entry("2009583 window 3072", 2009583, "ET SCAN NMAP -sS window 3072", &rules.Flags{Bits: rules.SYN, Mask: rules.CWR | rules.ECE}, &rules.Fragbits{Bits: rules.DF, Mod: '!'},
			&rules.Dsize{Op: "="}, &rules.Threshold{Type: "both", Track: "by_dst", Count: 1, Seconds: 60}, false, []string{"ack:0", "window:3072"}),
		Entry("2009584 window 4096", 2009584, "ET SCAN NMAP -sS window 4096", &rules.Flags{Bits: rules.SYN, Mask: rules.CWR | rules.ECE}, &rules.Fragbits{Bits: rules.DF, Mod: '!'},
			&rules.Dsize{Op: "="}, &rules.Threshold{Type: "both", Track: "by_dst", Count: 1, Seconds: 60}, false, []string{"ack:0", "window:4096"}),
		Entry("2000536 -sO", 2000536, "ET SCAN NMAP -sO", nil, nil, &rules.Dsize{Op: "="}, nil, false, []string{"ip_proto:21"}),
		Entry("2018489 OS detection probe", 2018489, "ET SCAN NMAP OS Detection Probe", nil, nil, &rules.Dsize{Op: "=", Min: 300}, nil, false,
			[]string{`content:"CCCCCCCCCCCCCCCCCCCC"`, "depth:255", `content:"CCCCCCCCCCCCCCCCCCCC"`, "within:45"}),
		Entry("2010935 database port", 2010935, "ET SCAN Inbound SYN to a database port", &rules.Flags{Bits: rules.SYN, Mask: rules.CWR | rules.ECE}, nil, nil,
			&rules.Threshold{Type: "limit", Track: "by_src", Count: 5, Seconds: 60}, false, []string{"flow:stateless"}),
		Entry("2001219 SSH scan", 2001219, "ET SCAN Potential SSH Scan", &rules.Flags{Bits: rules.SYN, Mask: rules.CWR | rules.ECE}, nil, nil,
			&rules.Threshold{Type: "both", Track: "by_src", Count: 5, Seconds: 120}, false, []string{"flow:to_server"}),
	)

	It("keeps the file's rules in order, with their variables", func() {
		Expect(classic.Rules).To(HaveLen(17))
		Expect(classic.Rules[0].SID).To(Equal(469))
		Expect(classic.Rules[0].At).To(Equal(rules.Pos{File: "scan.rules", Line: 8, Col: 1}))
		Expect(classic.Vars.Addrs).To(HaveKey("LAB_SCANNERS"))
		Expect(classic.Vars.Ports["DB_PORTS"]).To(Equal(rules.Var{Value: "[1433,1521,3306,5432]", At: rules.Pos{File: "scan.rules", Line: 6, Col: 18}}))
		r := bySID(1133)
		Expect(r.Contents).To(Equal([]rules.Content{{Bytes: []byte("AAAAAAAAAAAAAAAA"), Depth: n(16)}}))
		Expect(r.Options[len(r.Options)-1].At).To(Equal(rules.Pos{File: "scan.rules", Line: 17, Col: 80}))
		u := bySID(2018489)
		Expect(noPortPos(u.SrcPorts)).To(Equal(rules.Port{Lo: 10000, Hi: 65535}))
		Expect(u.Contents[1].Within).To(Equal(n(45)))
	})

	DescribeTable("reads headers, options and contents",
		func(text string, want func(r *rules.Rule)) { want(one(text)) },
		Entry("lists, negation, CIDR, variables, <>",
			`alert tcp [198.18.0.0/24,!198.18.0.7] ![80,$HTTP_PORTS] <> !$HOME_NET [:1023,6000:6010,8080:] (sid:1; rev:2; gid:3; priority:4;)`,
			func(r *rules.Rule) {
				Expect(noPos(r.Src)).To(Equal(rules.Addr{List: []rules.Addr{pfx("198.18.0.0/24"), {Negated: true, Prefix: netip.MustParsePrefix("198.18.0.7/32")}}}))
				Expect(noPortPos(r.SrcPorts)).To(Equal(rules.Port{Negated: true, List: []rules.Port{{Lo: 80, Hi: 80}, {Var: "HTTP_PORTS"}}}))
				Expect(r.Both).To(BeTrue())
				Expect(noPos(r.Dst)).To(Equal(rules.Addr{Negated: true, Var: "HOME_NET"}))
				Expect(noPortPos(r.DstPorts)).To(Equal(rules.Port{List: []rules.Port{{Hi: 1023}, {Lo: 6000, Hi: 6010}, {Lo: 8080, Hi: 65535}}}))
				Expect([]int{r.SID, r.Rev, r.GID, r.Priority}).To(Equal([]int{1, 2, 3, 4}))
			}),
		Entry("escapes and |hex| in content and msg",
			`drop tcp any any -> any any (msg:"a \"q\" \; b\\"; content:"|0d 0A|x\"\;\\|41|"; nocase; offset:2; distance:0; within:9; sid:2;)`,
			func(r *rules.Rule) {
				Expect(r.Action).To(Equal("drop"))
				Expect(r.Msg).To(Equal(`a "q" ; b\`))
				Expect(r.Contents).To(Equal([]rules.Content{{Bytes: []byte("\r\nx\";\\A"), Nocase: true, Offset: n(2), Distance: n(0), Within: n(9)}}))
				Expect(r.Options[1].Value).To(Equal(`"|0d 0A|x\"\;\\|41|"`))
			}),
		Entry("Snort 3 spacing and service",
			`alert tcp any any -> any any ( msg:"x"; flags:S; service:http; sid:1; )`,
			func(r *rules.Rule) {
				Expect(r.Flags).To(Equal(&rules.Flags{Bits: rules.SYN}))
				Expect(r.Unevaluated()).To(Equal("not evaluated: keyword service"))
				Expect(r.NotEvaluated.At).To(Equal(rules.Pos{File: "t.rules", Line: 1, Col: 50}))
			}),
		Entry("Snort 3 service rule, content modifiers inline, no last ;",
			`alert http ( msg:"y"; content:"GET", depth 3, nocase; sid:5 )`,
			func(r *rules.Rule) {
				Expect(r.Proto).To(Equal("http"))
				Expect(r.Src.Any && r.Dst.Any && r.SrcPorts.Any && r.DstPorts.Any).To(BeTrue())
				Expect(r.Contents).To(Equal([]rules.Content{{Bytes: []byte("GET"), Depth: n(3), Nocase: true}}))
				Expect(r.SID).To(Equal(5))
			}),
		Entry("Suricata: list with blanks, pcre not evaluated",
			`alert tcp [198.18.1.2, 198.18.1.3] any -> any any (msg:"s"; flow:established,to_server; pcre:"/a;b/i"; content:"x"; sid:9;)`,
			func(r *rules.Rule) {
				Expect(r.Src.List).To(HaveLen(2))
				Expect(r.Options[2]).To(Equal(rules.Option{Keyword: "pcre", Value: `"/a;b/i"`, At: rules.Pos{File: "t.rules", Line: 1, Col: 89}}))
				Expect(r.Unevaluated()).To(Equal("not evaluated: keyword pcre"))
				Expect(r.Contents).To(HaveLen(1))
			}),
		Entry("flags with modifiers and old-style trailing +",
			`alert tcp any any -> any any (flags:+S,CE; fragbits:M+; dsize:<10; detection_filter: track by_src, count 3, seconds 5;)`,
			func(r *rules.Rule) {
				Expect(r.Flags).To(Equal(&rules.Flags{Bits: rules.SYN, Mod: '+', Mask: rules.CWR | rules.ECE}))
				Expect(r.Fragbits).To(Equal(&rules.Fragbits{Bits: rules.MF, Mod: '+'}))
				Expect(r.Dsize).To(Equal(&rules.Dsize{Op: "<", Min: 10}))
				Expect(r.DetectionFilter).To(Equal(&rules.Threshold{Track: "by_src", Count: 3, Seconds: 5}))
			}),
	)

	DescribeTable("reads every action and protocol",
		func(text, action, proto string) {
			r := one(text)
			Expect([]string{r.Action, r.Proto}).To(Equal([]string{action, proto}))
		},
		Entry(nil, `log udp any any -> any 53 (sid:1;)`, "log", "udp"),
		Entry(nil, `pass ip any any -> any any (sid:1;)`, "pass", "ip"),
		Entry(nil, `reject tcp any any -> any 23 (sid:1;)`, "reject", "tcp"),
		Entry(nil, `sdrop icmp any any -> any any (itype:8; icode:0; icmp_id:0; icmp_seq:0; sid:1;)`, "sdrop", "icmp"),
		Entry("Suricata app-layer protocol, sticky buffer, dsize:!", `alert tls $EXTERNAL_NET any -> $HOME_NET 443 (msg:"t"; tls.sni; content:"lab"; dsize:!0; sid:1;)`, "alert", "tls"),
		Entry("Snort 3 block", `block tcp any any -> any any ( sid:1; )`, "block", "tcp"),
	)

	DescribeTable("types option values",
		func(opt string, want any) {
			r := one(`alert tcp any any -> any any (` + opt + `;)`)
			switch w := want.(type) {
			case *rules.Flags:
				Expect(r.Flags).To(Equal(w))
			case *rules.Fragbits:
				Expect(r.Fragbits).To(Equal(w))
			case *rules.Dsize:
				Expect(r.Dsize).To(Equal(w))
			case *rules.Threshold:
				Expect(r.Threshold).To(Equal(w))
			}
		},
		Entry(nil, "flags:SF", &rules.Flags{Bits: rules.SYN | rules.FIN}),
		Entry(nil, "flags:*SA", &rules.Flags{Bits: rules.SYN | rules.ACK, Mod: '*'}),
		Entry(nil, "flags:!R", &rules.Flags{Bits: rules.RST, Mod: '!'}),
		Entry(nil, "flags:A+", &rules.Flags{Bits: rules.ACK, Mod: '+'}),
		Entry(nil, "flags:S,12", &rules.Flags{Bits: rules.SYN, Mask: rules.CWR | rules.ECE}),
		Entry(nil, "fragbits:!D", &rules.Fragbits{Bits: rules.DF, Mod: '!'}),
		Entry(nil, "fragbits:MDR", &rules.Fragbits{Bits: rules.MF | rules.DF | rules.Reserved}),
		Entry(nil, "dsize:0", &rules.Dsize{Op: "="}),
		Entry(nil, "dsize:>300", &rules.Dsize{Op: ">", Min: 300}),
		Entry(nil, "dsize:=4", &rules.Dsize{Op: "=", Min: 4}),
		Entry(nil, "dsize:100<>200", &rules.Dsize{Op: "<>", Min: 100, Max: 200}),
		Entry(nil, "dsize: 1 <> 2", &rules.Dsize{Op: "<>", Min: 1, Max: 2}),
		Entry(nil, "threshold: type threshold, track by_dst, count 10, seconds 1", &rules.Threshold{Type: "threshold", Track: "by_dst", Count: 10, Seconds: 1}),
	)

	It("keeps Suricata's transactional rules (=>) and says they are not evaluated", func() {
		set, err := rules.Parse("t.rules", []byte(`alert http any any => any any (msg:"req and resp"; sid:7;)`+"\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(set.Rules).To(HaveLen(1))
		Expect(set.Rules[0].Transactional).To(BeTrue())
		Expect(set.Rules[0].Unevaluated()).To(ContainSubstring("transactional rule (=>)"))
	})

	DescribeTable("names file:line:column of a fault",
		func(text, want string) {
			err := firstErr(text)
			Expect(errors.Is(err, rules.ErrSyntax)).To(BeTrue())
			Expect(err.Error()).To(Equal(want))
		},
		Entry(nil, "\n\nalert tcp any any -> any any (content:\"abc; sid:1;)", `scan.rules:3:39: unterminated content string`),
		Entry(nil, `alert tcp any any -> any any (msg:"x"; sid:1;`, `scan.rules:1:46: missing ) at the end of the rule`),
		Entry(nil, `alert tcp any any -> any any msg:"x"; sid:1;`, `scan.rules:1:45: missing ( before the options`),
		Entry(nil, `alert tcp any any >> any any (sid:1;)`, `scan.rules:1:19: bad direction ">>", want ->, <> or =>`),
		Entry(nil, `alert tcp any -> any any (sid:1;)`, `scan.rules:1:7: header has 6 fields, want action proto src sport dir dst dport`),
		Entry(nil, `alert tcp 198.18.0.300 any -> any any (sid:1;)`, `scan.rules:1:11: bad address "198.18.0.300"`),
		Entry(nil, `alert tcp any 70000 -> any any (sid:1;)`, `scan.rules:1:15: bad port "70000"`),
		Entry(nil, `alert tcp any 90:80 -> any any (sid:1;)`, `scan.rules:1:15: port range "90:80" runs backwards`),
		Entry(nil, `alert tcp [1.2.3.4,,5.6.7.8] any -> any any (sid:1;)`, `scan.rules:1:20: empty list item`),
		Entry(nil, `alert tcp [1.2.3.4 any -> any any (sid:1;)`, `scan.rules:1:11: unterminated list "[1.2.3.4 any -> any any"`),
		Entry(nil, `alert tcp any any -> any any (sid:x;)`, `scan.rules:1:35: bad sid "x"`),
		Entry(nil, `alert tcp any any -> any any (flags:SX;)`, `scan.rules:1:37: bad flags bit "X"`),
		Entry(nil, `alert tcp any any -> any any (flags:SS;)`, `scan.rules:1:37: flags bit "S" twice`),
		Entry(nil, `alert tcp any any -> any any (flags:S,+1;)`, `scan.rules:1:37: flags mask "+1" takes no modifier`),
		Entry(nil, `alert tcp any any -> any any (fragbits:Q;)`, `scan.rules:1:40: bad fragbits bit "Q"`),
		Entry(nil, `alert tcp any any -> any any (dsize:5<>1;)`, `scan.rules:1:37: dsize range "5<>1" runs backwards`),
		Entry(nil, `alert tcp any any -> any any (dsize:<>;)`, `scan.rules:1:37: dsize <> wants a<>b, got "<>"`),
		Entry(nil, `alert tcp any any -> any any (dsize:big;)`, `scan.rules:1:37: bad dsize "big"`),
		Entry(nil, `alert tcp any any -> any any (threshold: type both, track by_dst, count 1;)`, `scan.rules:1:42: threshold: missing seconds`),
		Entry(nil, `alert tcp any any -> any any (threshold: type many, track by_dst, count 1, seconds 1;)`, `scan.rules:1:42: threshold: bad type "many"`),
		Entry(nil, `alert tcp any any -> any any (detection_filter: type both, track by_src, count 1, seconds 1;)`, `scan.rules:1:49: detection_filter: bad type "both"`),
		Entry(nil, `alert tcp any any -> any any (depth:4; content:"a";)`, `scan.rules:1:31: depth without a content before it`),
		Entry(nil, `alert tcp any any -> any any (content:"|4|";)`, `scan.rules:1:39: odd number of hex digits in content "\"|4|\""`),
		Entry(nil, `alert tcp any any -> any any (content:"|41";)`, `scan.rules:1:39: unterminated |hex| in content`),
		Entry(nil, `alert tcp any any -> any any (sid:1;) x`, `scan.rules:1:38: text after the rule's closing )`),
		Entry(nil, `alarm tcp any any -> any any (sid:1;)`, `scan.rules:1:1: not a rule: unknown action "alarm"`),
		Entry(nil, "ipvar HOME_NET", `scan.rules:1:1: ipvar wants a name and a value`),
		Entry(nil, "portvar P 1:x", `scan.rules:1:13: bad port "x"`),
		Entry(nil, "alert tcp any any -> \\\n  any any (content:\"x; sid:1;)", `scan.rules:2:20: unterminated content string`),
	)

	It("keeps the good rules and every fault, in one line", func() {
		set, err := rules.Parse("scan.rules", []byte("alert tcp any any -> any any (sid:1;)\nalert tcp any (sid:2;)\nalert tcp any any -> any any (sid:3;)\nalert udp any any -> any any (sid:x;)\n"))
		Expect(set.Rules).To(HaveLen(2))
		Expect(err).To(MatchError(rules.ErrSyntax))
		Expect(err.Error()).To(Equal(`scan.rules:2:7: header has 3 fields, want action proto src sport dir dst dport (and 1 more)`))
		var es rules.Errors
		Expect(errors.As(err, &es)).To(BeTrue())
		Expect(es[1].Error()).To(Equal(`scan.rules:4:35: bad sid "x"`))
	})

	DescribeTable("tells disabled rules from comments",
		func(text string, rulesKept int, disabled bool) {
			set, err := rules.Parse("t.rules", []byte(text))
			Expect(err).NotTo(HaveOccurred())
			Expect(set.Rules).To(HaveLen(rulesKept))
			if rulesKept > 0 {
				Expect(set.Rules[0].Disabled).To(Equal(disabled))
				Expect(set.Rules[0].SID).To(Equal(7))
			}
		},
		Entry("#alert", `#alert tcp any any -> any any (sid:7;)`, 1, true),
		Entry("# alert, indented", `   ## alert tcp any any -> any any (sid:7;)`, 1, true),
		Entry("prose starting with alert", `# alert on everything, said nobody`, 0, false),
		Entry("a bad rule commented out", `# alert tcp any (sid:7;)`, 0, false),
		Entry("a comment ending in a backslash does not continue", "# C:\\\nalert tcp any any -> any any (sid:7;)", 1, false),
		Entry("blank and comment lines", "\n# x\n\t\n", 0, false),
		Entry("config lines are skipped", "config detection: search-method ac\nalert tcp any any -> any any (sid:7;)", 1, false),
	)
})
