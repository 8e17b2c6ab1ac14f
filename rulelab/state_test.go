package rulelab_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/rulelab"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

// alertPackets are the capture positions (from 1) of a result's alerts.
func alertPackets(r rulelab.Result) []int {
	out := []int{}
	for _, a := range r.Alerts {
		out = append(out, a.Packet)
	}
	return out
}

// Client 198.18.0.2:40000, server 198.18.1.2:80.
var (
	cSYN    = P{Flags: "S", Seq: 100}
	sSYNACK = P{Src: "198.18.1.2", Dst: "198.18.0.2", SPort: 80, DPort: 40000, Flags: "SA", Seq: 500, Ack: 101}
	cACK    = P{Flags: "A", Seq: 101, Ack: 501}
	cData   = P{Flags: "PA", Seq: 101, Ack: 501, Payload: "GET / HTTP/1.0\r\n\r\n"}
	sData   = P{Src: "198.18.1.2", Dst: "198.18.0.2", SPort: 80, DPort: 40000, Flags: "PA", Seq: 501, Ack: 119, Payload: "HTTP/1.0 200 OK"}
	cRST    = P{Flags: "R", Seq: 119}
)

var _ = Describe("flow", func() {
	DescribeTable("alerts on exactly these packets",
		func(rule string, pkts []P, want []int) {
			r := run(rule, bytesOf(pkts...)...)
			Expect(alertPackets(r)).To(Equal(want), r.Why())
		},
		Entry("stateless fires on a lone SYN", `alert tcp any any -> any any (flow:stateless; sid:1;)`, []P{cSYN}, []int{1}),
		Entry("to_server: a lone SYN", `alert tcp any any -> any any (flow:to_server; sid:1;)`, []P{cSYN}, []int{1}),
		Entry("from_client: a lone SYN", `alert tcp any any -> any any (flow:from_client; sid:1;)`, []P{cSYN}, []int{1}),
		Entry("to_client: not a lone SYN", `alert tcp any any -> any any (flow:to_client; sid:1;)`, []P{cSYN}, []int{}),
		Entry("to_client: a SYN/ACK first seen", `alert tcp any any -> any any (flow:to_client; sid:1;)`, []P{sSYNACK}, []int{1}),
		Entry("from_server: a SYN/ACK first seen", `alert tcp any any -> any any (flow:from_server; sid:1;)`, []P{sSYNACK}, []int{1}),
		Entry("to_server: not a SYN/ACK first seen", `alert tcp any any -> any any (flow:to_server; sid:1;)`, []P{sSYNACK}, []int{}),
		Entry("to_client: the SYN/ACK of a handshake", `alert tcp any any -> any any (flow:to_client; sid:1;)`, []P{cSYN, sSYNACK, cACK}, []int{2}),
		Entry("established: data after the handshake, not before",
			`alert tcp any any -> any any (flow:established; content:"GET"; sid:1;)`, []P{cData, cSYN, sSYNACK, cACK, cData}, []int{5}),
		Entry("established: the handshake's own ACK completes it",
			`alert tcp any any -> any any (flow:established; sid:1;)`, []P{cSYN, sSYNACK, cACK, sData}, []int{3, 4}),
		Entry("established,to_server: the client's data only",
			`alert tcp any any -> any any (flow:established,to_server; sid:1;)`, []P{cSYN, sSYNACK, cACK, cData, sData}, []int{3, 4}),
		Entry("established,to_client: the server's data only",
			`alert tcp any any -> any any (flow:to_client,established; sid:1;)`, []P{cSYN, sSYNACK, cACK, cData, sData}, []int{5}),
		Entry("established: not without the SYN/ACK",
			`alert tcp any any -> any any (flow:established; sid:1;)`, []P{cSYN, cACK, cData}, []int{}),
		Entry("established: a RST ends it",
			`alert tcp any any -> any any (flow:established; sid:1;)`, []P{cSYN, sSYNACK, cACK, cRST, cData}, []int{3}),
		Entry("not_established: the handshake's first two",
			`alert tcp any any -> any any (flow:not_established; sid:1;)`, []P{cSYN, sSYNACK, cACK, cData}, []int{1, 2}),
		Entry("UDP: established once both sides spoke",
			`alert udp any any -> any any (flow:established; sid:1;)`,
			[]P{{Proto: "udp", DPort: 53}, {Proto: "udp", Src: "198.18.1.2", Dst: "198.18.0.2", SPort: 53, DPort: 40000}, {Proto: "udp", DPort: 53}},
			[]int{2, 3}),
	)

	It("marks a rule with an unsupported flow value NotEvaluated, naming it", func() {
		r := run(`alert tcp any any -> any any (flow:established,only_stream; sid:1;)`, cData.Bytes())
		Expect(r.Status).To(Equal(rulelab.NotEvaluated))
		Expect(r.Reason).To(ContainSubstring("only_stream"))
		Expect(r.Why()).To(ContainSubstring("only_stream"))
	})
})

var _ = Describe("threshold and detection_filter", func() {
	at := func(s float64, p P) timed { return timed{s, p} }
	five := func(p P) []timed { return []timed{at(0, p), at(1, p), at(2, p), at(3, p), at(4, p)} }
	other := P{Src: "10.9.9.9"}
	toOther := P{Dst: "198.18.1.3"}
	DescribeTable("alert counts",
		func(rule string, pkts []timed, matched int, want []int) {
			r := runTimed(rule, pkts...)
			Expect(r.Matched).To(Equal(matched))
			Expect(alertPackets(r)).To(Equal(want), r.Why())
			Expect(r.Count).To(Equal(len(want)))
		},
		Entry("limit count 2: the first 2 of 5", `alert tcp any any -> any any (threshold:type limit, track by_src, count 2, seconds 60; sid:1;)`,
			five(P{}), 5, []int{1, 2}),
		Entry("limit count 2: a new window after 60 s", `alert tcp any any -> any any (threshold:type limit, track by_src, count 2, seconds 60; sid:1;)`,
			[]timed{at(0, P{}), at(1, P{}), at(2, P{}), at(61, P{}), at(62, P{}), at(63, P{})}, 6, []int{1, 2, 4, 5}),
		Entry("limit count 1: a match 59.5 s after the window opened is still in it", `alert tcp any any -> any any (threshold:type limit, track by_src, count 1, seconds 60; sid:1;)`,
			[]timed{at(0, P{}), at(59.5, P{})}, 2, []int{1}),
		Entry("both count 1 (ET's nmap -sS rules): the first match of each window", `alert tcp any any -> any any (threshold:type both, track by_dst, count 1, seconds 60; sid:1;)`,
			[]timed{at(0, P{}), at(30, P{}), at(61, P{}), at(62, P{})}, 4, []int{1, 3}),
		Entry("limit by_src: each source its own count", `alert tcp any any -> any any (threshold:type limit, track by_src, count 1, seconds 60; sid:1;)`,
			[]timed{at(0, P{}), at(1, P{}), at(2, other), at(3, other)}, 4, []int{1, 3}),
		Entry("limit by_dst: one source, two destinations", `alert tcp any any -> any any (threshold:type limit, track by_dst, count 1, seconds 60; sid:1;)`,
			[]timed{at(0, P{}), at(1, toOther), at(2, P{}), at(3, toOther)}, 4, []int{1, 2}),
		Entry("limit by_dst: two sources, one destination", `alert tcp any any -> any any (threshold:type limit, track by_dst, count 1, seconds 60; sid:1;)`,
			[]timed{at(0, P{}), at(1, other)}, 2, []int{1}),
		Entry("threshold count 2: every 2nd of 5", `alert tcp any any -> any any (threshold:type threshold, track by_src, count 2, seconds 60; sid:1;)`,
			five(P{}), 5, []int{2, 4}),
		Entry("threshold count 2 by_dst: counted per destination", `alert tcp any any -> any any (threshold:type threshold, track by_dst, count 2, seconds 60; sid:1;)`,
			[]timed{at(0, P{}), at(1, toOther), at(2, P{}), at(3, toOther)}, 4, []int{3, 4}),
		Entry("threshold count 2: matches in different windows do not add up", `alert tcp any any -> any any (threshold:type threshold, track by_src, count 2, seconds 10; sid:1;)`,
			[]timed{at(0, P{}), at(11, P{}), at(22, P{}), at(23, P{})}, 4, []int{4}),
		Entry("both count 3: once, on the 3rd", `alert tcp any any -> any any (threshold:type both, track by_src, count 3, seconds 60; sid:1;)`,
			five(P{}), 5, []int{3}),
		Entry("both count 3: again in a new window", `alert tcp any any -> any any (threshold:type both, track by_dst, count 3, seconds 60; sid:1;)`,
			[]timed{at(0, P{}), at(1, P{}), at(2, P{}), at(3, P{}), at(70, P{}), at(71, P{}), at(72, P{})}, 7, []int{3, 7}),
		Entry("both by_src: two sources never reach 3 each", `alert tcp any any -> any any (threshold:type both, track by_src, count 3, seconds 60; sid:1;)`,
			[]timed{at(0, P{}), at(1, other), at(2, P{}), at(3, other)}, 4, []int{}),
		Entry("detection_filter count 2: the 3rd, 4th and 5th", `alert tcp any any -> any any (detection_filter:track by_src, count 2, seconds 60; sid:1;)`,
			five(P{}), 5, []int{3, 4, 5}),
		Entry("detection_filter by_dst: per destination", `alert tcp any any -> any any (detection_filter:track by_dst, count 1, seconds 60; sid:1;)`,
			[]timed{at(0, P{}), at(1, toOther), at(2, P{}), at(3, toOther)}, 4, []int{3, 4}),
		Entry("detection_filter count 2: the count starts again after seconds", `alert tcp any any -> any any (detection_filter:track by_src, count 2, seconds 10; sid:1;)`,
			[]timed{at(0, P{}), at(1, P{}), at(2, P{}), at(20, P{}), at(21, P{}), at(22, P{})}, 6, []int{3, 6}),
	)

	It("says the largest count of a silent rate-limited rule", func() {
		r := runTimed(`alert tcp any any -> any any (threshold:type both, track by_src, count 5, seconds 60; sid:1;)`,
			at(0, P{}), at(1, P{}), at(2, P{}))
		Expect(r.Status).To(Equal(rulelab.Silent))
		Expect(r.RateMax).To(Equal(3))
		Expect(r.Why()).To(ContainSubstring("3 packets matched every option"))
		Expect(r.Why()).To(ContainSubstring("largest count 3"))
	})
})

// synFragments is a scanner's SYN in 8-byte IP fragments (nmap -f).
func synFragments() [][]byte {
	syn := P{Flags: "S", ID: 4321, Win: 1024}.Bytes()
	return wiretest.Fragments(syn, 8, 16) // 8 + 8 + 4 bytes of TCP header
}

var _ = Describe("fragments", func() {
	It("fires a tcp flags:S rule once, on the reassembled datagram", func() {
		fr := synFragments()
		Expect(fr).To(HaveLen(3))
		r := run(`alert tcp any any -> any any (flags:S; sid:1;)`, fr...)
		Expect(r.Count).To(Equal(1))
		Expect(r.Alerts[0].Reassembled).To(BeTrue())
		Expect(r.Alerts[0].Packet).To(Equal(3))
		Expect(r.Alerts[0].DPort).To(Equal(uint16(80)))
	})

	It("fires an ip fragbits:M rule on each fragment but the last", func() {
		r := run(`alert ip any any -> any any (fragbits:M; sid:1;)`, synFragments()...)
		Expect(alertPackets(r)).To(Equal([]int{1, 2}))
		for _, a := range r.Alerts {
			Expect(a.Reassembled).To(BeFalse())
		}
	})

	It("fires an ip rule on every fragment and on the datagram", func() {
		r := run(`alert ip any any -> any any (sid:1;)`, synFragments()...)
		Expect(r.Count).To(Equal(4))
		Expect(r.Alerts[3].Reassembled).To(BeTrue())
	})

	It("does not match dsize on a fragment, and the why says so", func() {
		rule := `alert ip any any -> any any (fragbits:M; dsize:8; sid:1;)`
		r := why(rule, synFragments()...)
		Expect(r.Status).To(Equal(rulelab.Silent))
		Expect(r.Near).NotTo(BeNil())
		Expect(r.Near.Keyword).To(Equal("dsize"))
		Expect(r.Why()).To(ContainSubstring("reassembled datagram only"))
		Expect(r.Near.Flow).To(ContainSubstring("(fragment)"))
	})

	It("explains a tcp rule that saw only fragments", func() {
		fr := synFragments()
		r := why(`alert tcp any any -> any any (flags:S; sid:1;)`, fr[0], fr[1])
		Expect(r.Status).To(Equal(rulelab.Silent))
		Expect(r.Near.Keyword).To(Equal("protocol"))
		Expect(r.Why()).To(ContainSubstring("transport rules see the reassembled datagram only"))
	})

	It("reassembles fragments out of order", func() {
		fr := synFragments()
		r := run(`alert tcp any any -> any 80 (flags:S; window:1024; sid:1;)`, fr[2], fr[0], fr[1])
		Expect(alertPackets(r)).To(Equal([]int{3}))
		Expect(r.Alerts[0].Reassembled).To(BeTrue())
	})

	It("keeps the first bytes of overlapping fragments", func() {
		data := []byte("AAAAAAAABBBBBBBBCCCC")
		h := wire.IPHeader{ID: 77, TTL: 64, Proto: 47, Src: P{}.header().Src, Dst: P{}.header().Dst}
		frag := func(off int, mf bool, b []byte) []byte {
			hh := h
			hh.Frag = uint16(off / 8)
			if mf {
				hh.Frag |= wire.FlagMF
			}
			return wire.AppendIPv4(nil, &hh, b)
		}
		pkts := [][]byte{
			frag(0, true, data[:16]),
			frag(8, true, []byte("XXXXXXXX")), // overlaps the Bs: they stay
			frag(16, false, data[16:]),
		}
		first := `alert ip any any -> any any (content:"AAAAAAAABBBBBBBBCCCC"; sid:1;)`
		Expect(alertPackets(run(first, pkts...))).To(Equal([]int{3}))
		second := `alert ip any any -> any any (content:"XXXX"; sid:1;)`
		Expect(run(second, pkts...).Count).To(BeZero())
	})

	It("reassembles fragments carried in padded Ethernet frames", func() {
		c := &capture.Capture{LinkType: capture.LinkTypeEthernet}
		for i, f := range synFragments() {
			c.Add(t0.Add(time.Duration(i)*time.Millisecond), wiretest.Ethernet(wiretest.EtherIPv4, f), "")
		}
		e := compile(`alert tcp any any -> any 80 (flags:S; window:1024; dsize:0; sid:1;)`)
		r := e.Evaluate(c, true).Results[0]
		Expect(r.Status).To(Equal(rulelab.Fired), r.Why())
		Expect(r.Alerts[0].Reassembled).To(BeTrue())
	})
})
