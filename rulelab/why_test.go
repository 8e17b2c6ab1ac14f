package rulelab_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/rulelab"
	"github.com/siglab/siglab/rules"
)

var _ = Describe("why", func() {
	DescribeTable("a silent rule's nearest miss",
		func(rule string, pkts []P, keyword, wants string) {
			r := why(rule, bytesOf(pkts...)...)
			Expect(r.Status).To(Equal(rulelab.Silent))
			Expect(r.Near).NotTo(BeNil())
			Expect(r.Near.Keyword).To(Equal(keyword))
			Expect(r.Why()).To(ContainSubstring(wants))
			Expect(r.Explain()).To(ContainElement(ContainSubstring("fail " + keyword)))
		},
		Entry("window", `alert tcp any any -> any any (flags:S,12; window:2048; sid:1;)`,
			[]P{{Win: 3072}}, "window", "window: seen 3072, rule wants 2048"),
		Entry("flags with a mask", `alert tcp any any -> any any (flags:F,12; sid:1;)`,
			[]P{{Flags: "S"}}, "flags", "flags: seen S, rule wants exactly F (CWR/ECE ignored)"),
		Entry("flags+", `alert tcp any any -> any any (flags:SF+; sid:1;)`,
			[]P{{Flags: "SA"}}, "flags", "flags: seen SA, rule wants SF and any others"),
		Entry("several values seen", `alert tcp any any -> any any (window:2048; sid:1;)`,
			[]P{{Win: 3072}, {Win: 3072}, {Win: 4096}}, "window", "window: seen 3072 ×2, 4096 ×1, rule wants 2048"),
		Entry("the nearest packet, not the first", `alert tcp any any -> any 22 (flags:S; ack:0; sid:1;)`,
			[]P{{DPort: 80}, {DPort: 22, Ack: 5}}, "ack", "ack: seen 5, rule wants 0 (1 packet got this far, 6 of 7 checks passed; first: packet 2"),
		Entry("destination port", `alert tcp any any -> any 22 (sid:1;)`,
			[]P{{DPort: 80}}, "destination port", "destination port: seen 80, rule wants 22"),
		Entry("source address from a variable", `alert tcp $HOME_NET any -> any any (sid:1;)`,
			[]P{{}}, "source", "source: seen 198.18.0.2, rule wants $HOME_NET"),
		Entry("protocol", `alert udp any any -> any any (sid:1;)`,
			[]P{{}}, "protocol", "protocol: seen TCP, rule wants a UDP packet"),
		Entry("dsize range", `alert tcp any any -> any any (dsize:2<>5; sid:1;)`,
			[]P{{Payload: "abcde"}}, "dsize", "dsize: seen 5, rule wants between 2 and 5 (exclusive)"),
		Entry("content", `alert tcp any any -> any any (content:"evil"; nocase; depth:8; sid:1;)`,
			[]P{{Payload: "hello"}}, "content", `content: seen a 5-byte payload without it (hello), rule wants "evil" (nocase, depth 8)`),
		Entry("the second content", `alert tcp any any -> any any (content:"A"; content:"B"; within:1; sid:1;)`,
			[]P{{Payload: "AxB"}}, "content", `rule wants "B" (within 1)`),
		Entry("flow", `alert tcp any any -> any any (flow:established; sid:1;)`,
			[]P{cSYN}, "flow", "flow: seen to_server, not established, rule wants flow established"),
		Entry("itype", `alert icmp any any -> any any (itype:8; sid:1;)`,
			[]P{{Proto: "icmp", IType: 0}}, "itype", "itype: seen 0, rule wants 8"),
		Entry("ttl range", `alert ip any any -> any any (ttl:3-5; sid:1;)`,
			[]P{{TTL: 64}}, "ttl", "ttl: seen 64, rule wants 3 to 5"),
	)

	It("gives no Near for a rule that fired", func() {
		r := why(`alert tcp any any -> any any (flags:S; sid:1;)`, P{}.Bytes())
		Expect(r.Status).To(Equal(rulelab.Fired))
		Expect(r.Near).To(BeNil())
		Expect(r.Why()).To(HavePrefix("1 alert, first on packet 1 (TCP 198.18.0.2:40000 -> 198.18.1.2:80)"))
	})

	It("says why a rate-limited rule let fewer through", func() {
		r := why(`alert tcp any any -> any any (threshold:type limit, track by_src, count 1, seconds 60; sid:1;)`, bytesOf(P{}, P{}, P{})...)
		Expect(r.Why()).To(ContainSubstring("3 packets matched, threshold type limit by_src count 1 in 60 s let 1 through"))
	})

	DescribeTable("rules not evaluated",
		func(text string, status rulelab.Status, why string) {
			set, err := rules.Parse("spec.rules", []byte(text))
			Expect(err).NotTo(HaveOccurred())
			e, err := rulelab.Compile(set, nil)
			Expect(err).NotTo(HaveOccurred())
			r := e.Evaluate(capt(cSYN.Bytes()), true).Results[0]
			Expect(r.Status).To(Equal(status))
			Expect(r.Why()).To(Equal(why))
			Expect(r.Count).To(BeZero())
		},
		Entry("commented out", `# alert tcp any any -> any any (flags:S; sid:1;)`, rulelab.Disabled, "disabled in the file (commented out)"),
		Entry("pcre", `alert tcp any any -> any any (pcre:"/x/"; sid:1;)`, rulelab.NotEvaluated, "not evaluated: keyword pcre"),
		Entry("an application-layer protocol", `alert http any any -> any any (sid:1;)`, rulelab.NotEvaluated, "not evaluated: protocol http (an application-layer rule)"),
		Entry("flow only_stream", `alert tcp any any -> any any (flow:to_server,only_stream; sid:1;)`, rulelab.NotEvaluated, "not evaluated: flow value only_stream"),
		Entry("threshold and detection_filter together",
			`alert tcp any any -> any any (threshold:type limit, track by_src, count 1, seconds 1; detection_filter:track by_src, count 1, seconds 1; sid:1;)`,
			rulelab.NotEvaluated, "not evaluated: both threshold and detection_filter"),
	)
})

var _ = Describe("Compile", func() {
	DescribeTable("a bad option value is a positioned syntax error; the other rules still compile",
		func(bad, where string) {
			text := "alert tcp any any -> any any (flags:S; sid:1;)\n" + bad + "\nalert tcp any any -> any any (flags:F; sid:3;)\n"
			set, err := rules.Parse("spec.rules", []byte(text))
			Expect(err).NotTo(HaveOccurred())
			e, err := rulelab.Compile(set, nil)
			Expect(err).To(HaveOccurred())
			Expect(errors.Is(err, rules.ErrSyntax)).To(BeTrue())
			var es rules.Errors
			Expect(errors.As(err, &es)).To(BeTrue())
			Expect(es).To(HaveLen(1))
			Expect(es[0].Error()).To(HavePrefix(where))
			Expect(e).NotTo(BeNil())
			e.Packet(t0, P{Flags: "F"}.Bytes())
			res := e.Results()
			Expect(res).To(HaveLen(2))
			Expect(res[0].Rule.SID).To(Equal(1))
			Expect(res[1].Rule.SID).To(Equal(3))
			Expect(res[1].Status).To(Equal(rulelab.Fired))
		},
		Entry("ack:abc", `alert tcp any any -> any any (ack:abc; sid:2;)`, "spec.rules:2:31: ack"),
		Entry("window too large", `alert tcp any any -> any any (window:70000; sid:2;)`, "spec.rules:2:31: window"),
		Entry("ttl with <>", `alert ip any any -> any any (ttl:3<>5; sid:2;)`, "spec.rules:2:30: ttl"),
		Entry("id with an operator", `alert ip any any -> any any (id:>5; sid:2;)`, "spec.rules:2:30: id"),
		Entry("a backwards itype range", `alert icmp any any -> any any (itype:9<>3; sid:2;)`, "spec.rules:2:32: itype"),
	)

	It("reports an undefined variable wrapping ErrUndefined", func() {
		set, err := rules.Parse("spec.rules", []byte(`alert tcp $NOPE any -> any any (sid:1;)`))
		Expect(err).NotTo(HaveOccurred())
		_, err = rulelab.Compile(set, nil)
		Expect(errors.Is(err, rules.ErrUndefined)).To(BeTrue())
	})

	It("compiles the classic set without errors and evaluates it", func() {
		e, err := rulelab.Compile(rules.Classic(), nil)
		Expect(err).NotTo(HaveOccurred())
		rep := e.Evaluate(capt(P{Flags: "FPU", Dst: "198.18.1.2"}.Bytes()), true)
		fired := map[int]bool{}
		for _, r := range rep.Results {
			if r.Status == rulelab.Fired {
				fired[r.Rule.SID] = true
			}
		}
		Expect(fired).To(Equal(map[int]bool{1228: true}))
	})
})
