package rules_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/rules"
)

var _ = Describe("The evaluated keyword set", func() {
	DescribeTable("marks a rule with its first keyword outside the set, keeping every option",
		func(opts, want string, kept int) {
			r := one(`alert tcp any any -> any any (` + opts + `)`)
			Expect(r.Unevaluated()).To(Equal(want))
			Expect(r.Options).To(HaveLen(kept))
		},
		Entry("all evaluated", `msg:"m"; flags:S,12; flow:stateless; content:"a"; nocase; depth:4; offset:1; ack:0; seq:0; window:1024; id:1; ttl:64; tos:0; ip_proto:6; sameip; fragoffset:0; reference:url,x; metadata:a b; sid:1; rev:1; gid:1; priority:2; classtype:x;`, "", 23),
		Entry("pcre", `msg:"m"; pcre:"/x/"; flowbits:set,x; sid:1;`, "not evaluated: keyword pcre", 4),
		Entry("flowbits before pcre", `flowbits:isset,x; pcre:"/x/"; sid:1;`, "not evaluated: keyword flowbits", 3),
		Entry("Suricata's fast_pattern", `content:"a"; fast_pattern; sid:1;`, "not evaluated: keyword fast_pattern", 3),
		Entry("Snort 3's service", `flags:S; service:ssh; sid:1;`, "not evaluated: keyword service", 3),
	)

	DescribeTable("lists the keywords evaluation will support",
		func(kw string, in bool) { Expect(rules.IsEvaluated(kw)).To(Equal(in)) },
		Entry(nil, "flags", true), Entry(nil, "fragbits", true), Entry(nil, "dsize", true),
		Entry(nil, "threshold", true), Entry(nil, "detection_filter", true), Entry(nil, "icmp_seq", true),
		Entry(nil, "within", true), Entry(nil, "metadata", true),
		Entry(nil, "pcre", false), Entry(nil, "byte_test", false), Entry(nil, "http_uri", false),
	)
})
