package rulelab_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/rulelab"
	"github.com/siglab/siglab/wire"
)

// verdict is the table body every keyword table shares: the rule is
// given one packet and must fire or stay silent.
func verdict(ruleText string, p P, fire bool) {
	r := run(ruleText, p.Bytes())
	if fire {
		ExpectWithOffset(1, r.Status).To(Equal(rulelab.Fired), "rule %s on %+v: %s", ruleText, p, r.Why())
		ExpectWithOffset(1, r.Count).To(Equal(1))
	} else {
		ExpectWithOffset(1, r.Status).To(Equal(rulelab.Silent), "rule %s on %+v", ruleText, p)
		ExpectWithOffset(1, r.Count).To(BeZero())
	}
}

const (
	fires  = true
	silent = false
)

var _ = Describe("header", func() {
	DescribeTable("protocol", verdict,
		Entry("tcp on TCP", `alert tcp any any -> any any (sid:1;)`, P{}, fires),
		Entry("tcp on UDP", `alert tcp any any -> any any (sid:1;)`, P{Proto: "udp"}, silent),
		Entry("udp on UDP", `alert udp any any -> any any (sid:1;)`, P{Proto: "udp"}, fires),
		Entry("udp on ICMP", `alert udp any any -> any any (sid:1;)`, P{Proto: "icmp", IType: 8}, silent),
		Entry("icmp on ICMP", `alert icmp any any -> any any (sid:1;)`, P{Proto: "icmp", IType: 8}, fires),
		Entry("icmp on TCP", `alert icmp any any -> any any (sid:1;)`, P{}, silent),
		Entry("ip on TCP", `alert ip any any -> any any (sid:1;)`, P{}, fires),
		Entry("ip on protocol 47", `alert ip any any -> any any (sid:1;)`, P{Proto: "ip", IPProto: 47}, fires),
		Entry("tcp on a TCP packet cut inside its header", `alert tcp any any -> any any (sid:1;)`, P{Proto: "ip", IPProto: 6, Payload: "short"}, silent),
	)

	DescribeTable("addresses", verdict,
		Entry("any", `alert tcp any any -> any any (sid:1;)`, P{Src: "10.1.2.3"}, fires),
		Entry("single source, equal", `alert tcp 10.1.2.3 any -> any any (sid:1;)`, P{Src: "10.1.2.3"}, fires),
		Entry("single source, other", `alert tcp 10.1.2.3 any -> any any (sid:1;)`, P{Src: "10.1.2.4"}, silent),
		Entry("single destination, equal", `alert tcp any any -> 198.18.1.2 any (sid:1;)`, P{}, fires),
		Entry("single destination, other", `alert tcp any any -> 198.18.1.3 any (sid:1;)`, P{}, silent),
		Entry("CIDR, inside", `alert tcp 10.1.0.0/16 any -> any any (sid:1;)`, P{Src: "10.1.200.3"}, fires),
		Entry("CIDR, outside", `alert tcp 10.1.0.0/16 any -> any any (sid:1;)`, P{Src: "10.2.0.1"}, silent),
		Entry("list, second item", `alert tcp [10.0.0.1,10.1.0.0/16] any -> any any (sid:1;)`, P{Src: "10.1.0.9"}, fires),
		Entry("list, no item", `alert tcp [10.0.0.1,10.1.0.0/16] any -> any any (sid:1;)`, P{Src: "10.0.0.2"}, silent),
		Entry("negated, other", `alert tcp !10.0.0.1 any -> any any (sid:1;)`, P{Src: "10.0.0.2"}, fires),
		Entry("negated, equal", `alert tcp !10.0.0.1 any -> any any (sid:1;)`, P{Src: "10.0.0.1"}, silent),
		Entry("negated CIDR, inside", `alert tcp !10.0.0.0/8 any -> any any (sid:1;)`, P{Src: "10.9.9.9"}, silent),
		Entry("negated list, in none", `alert tcp ![10.0.0.1,10.1.0.0/16] any -> any any (sid:1;)`, P{Src: "10.2.0.1"}, fires),
		Entry("negated list, in one", `alert tcp ![10.0.0.1,10.1.0.0/16] any -> any any (sid:1;)`, P{Src: "10.1.0.1"}, silent),
		Entry("list with a negated item, outside it", `alert tcp [10.0.0.0/8,!10.1.0.0/16] any -> any any (sid:1;)`, P{Src: "10.2.0.1"}, fires),
		Entry("list with a negated item, inside it", `alert tcp [10.0.0.0/8,!10.1.0.0/16] any -> any any (sid:1;)`, P{Src: "10.1.0.1"}, silent),
		Entry("$HOME_NET, a lab host", `alert tcp any any -> $HOME_NET any (sid:1;)`, P{Dst: "198.18.4.5"}, fires),
		Entry("$HOME_NET, the lab's plumbing", `alert tcp any any -> $HOME_NET any (sid:1;)`, P{Dst: "198.19.4.5"}, silent),
		Entry("$HOME_NET, the scanner side", `alert tcp any any -> $HOME_NET any (sid:1;)`, P{Dst: "198.18.0.9"}, silent),
		Entry("$HOME_NET, outside the lab", `alert tcp any any -> $HOME_NET any (sid:1;)`, P{Dst: "10.0.0.1"}, silent),
		Entry("$EXTERNAL_NET, the scanner side", `alert tcp $EXTERNAL_NET any -> any any (sid:1;)`, P{Src: "198.18.0.2"}, fires),
		Entry("$EXTERNAL_NET, outside the lab", `alert tcp $EXTERNAL_NET any -> any any (sid:1;)`, P{Src: "8.8.8.8"}, fires),
		Entry("$EXTERNAL_NET, another tool under siglab capture", `alert tcp $EXTERNAL_NET any -> any any (sid:1;)`, P{Src: "198.19.0.1"}, fires),
		Entry("$EXTERNAL_NET, a lab host", `alert tcp $EXTERNAL_NET any -> any any (sid:1;)`, P{Src: "198.18.1.7"}, silent),
	)

	DescribeTable("ports", verdict,
		Entry("single, equal", `alert tcp any any -> any 80 (sid:1;)`, P{DPort: 80}, fires),
		Entry("single, other", `alert tcp any any -> any 80 (sid:1;)`, P{DPort: 81}, silent),
		Entry("single source port, equal", `alert udp any 53 -> any any (sid:1;)`, P{Proto: "udp", SPort: 53}, fires),
		Entry("single source port, other", `alert udp any 53 -> any any (sid:1;)`, P{Proto: "udp", SPort: 54}, silent),
		Entry("range a:b, low edge", `alert tcp any any -> any 20:25 (sid:1;)`, P{DPort: 20}, fires),
		Entry("range a:b, high edge", `alert tcp any any -> any 20:25 (sid:1;)`, P{DPort: 25}, fires),
		Entry("range a:b, past it", `alert tcp any any -> any 20:25 (sid:1;)`, P{DPort: 26}, silent),
		Entry("range a:, at a", `alert tcp any any -> any 1024: (sid:1;)`, P{DPort: 1024}, fires),
		Entry("range a:, below", `alert tcp any any -> any 1024: (sid:1;)`, P{DPort: 1023}, silent),
		Entry("range :b, at b", `alert tcp any any -> any :1023 (sid:1;)`, P{DPort: 1023}, fires),
		Entry("range :b, above", `alert tcp any any -> any :1023 (sid:1;)`, P{DPort: 1024}, silent),
		Entry("list, in it", `alert tcp any any -> any [22,80,443] (sid:1;)`, P{DPort: 443}, fires),
		Entry("list, not in it", `alert tcp any any -> any [22,80,443] (sid:1;)`, P{DPort: 8080}, silent),
		Entry("list with a range, in the range", `alert tcp any any -> any [22,6000:6010] (sid:1;)`, P{DPort: 6005}, fires),
		Entry("negated, other", `alert tcp any any -> any !80 (sid:1;)`, P{DPort: 81}, fires),
		Entry("negated, equal", `alert tcp any any -> any !80 (sid:1;)`, P{DPort: 80}, silent),
		Entry("negated range, inside", `alert tcp any any -> any !1:1023 (sid:1;)`, P{DPort: 22}, silent),
		Entry("negated range, outside", `alert tcp any any -> any !1:1023 (sid:1;)`, P{DPort: 8080}, fires),
		Entry("negated list, in it", `alert tcp any any -> any ![22,80] (sid:1;)`, P{DPort: 22}, silent),
		Entry("negated list, not in it", `alert tcp any any -> any ![22,80] (sid:1;)`, P{DPort: 23}, fires),
		Entry("$HTTP_PORTS", `alert tcp any any -> any $HTTP_PORTS (sid:1;)`, P{DPort: 80}, fires),
		Entry("ports are ignored for icmp", `alert icmp any any -> any 80 (sid:1;)`, P{Proto: "icmp", IType: 8}, fires),
	)

	DescribeTable("direction", verdict,
		Entry("-> forward", `alert tcp 198.18.0.2 40000 -> 198.18.1.2 80 (sid:1;)`, P{}, fires),
		Entry("-> reverse packet", `alert tcp 198.18.0.2 40000 -> 198.18.1.2 80 (sid:1;)`,
			P{Src: "198.18.1.2", Dst: "198.18.0.2", SPort: 80, DPort: 40000, Flags: "SA"}, silent),
		Entry("<> forward", `alert tcp 198.18.0.2 40000 <> 198.18.1.2 80 (sid:1;)`, P{}, fires),
		Entry("<> reverse packet", `alert tcp 198.18.0.2 40000 <> 198.18.1.2 80 (sid:1;)`,
			P{Src: "198.18.1.2", Dst: "198.18.0.2", SPort: 80, DPort: 40000, Flags: "SA"}, fires),
		Entry("<> neither way", `alert tcp 198.18.0.2 40000 <> 198.18.1.2 80 (sid:1;)`,
			P{Src: "198.18.1.2", Dst: "198.18.0.2", SPort: 81, DPort: 40000, Flags: "SA"}, silent),
	)
})

var _ = Describe("flags", func() {
	DescribeTable("modifiers and masks", verdict,
		Entry("S exact on SYN", `alert tcp any any -> any any (flags:S; sid:1;)`, P{Flags: "S"}, fires),
		Entry("S exact on SYN/ACK", `alert tcp any any -> any any (flags:S; sid:1;)`, P{Flags: "SA"}, silent),
		Entry("SA exact on SYN/ACK", `alert tcp any any -> any any (flags:SA; sid:1;)`, P{Flags: "SA"}, fires),
		Entry("SA exact on SYN", `alert tcp any any -> any any (flags:SA; sid:1;)`, P{Flags: "S"}, silent),
		Entry("0 on no flags", `alert tcp any any -> any any (flags:0; sid:1;)`, P{Flags: "0"}, fires),
		Entry("0 on FIN", `alert tcp any any -> any any (flags:0; sid:1;)`, P{Flags: "F"}, silent),
		Entry("S+ on SYN/ACK", `alert tcp any any -> any any (flags:S+; sid:1;)`, P{Flags: "SA"}, fires),
		Entry("S+ on ACK", `alert tcp any any -> any any (flags:S+; sid:1;)`, P{Flags: "A"}, silent),
		Entry("+SF (modifier first) on SYN/FIN/PSH", `alert tcp any any -> any any (flags:+SF; sid:1;)`, P{Flags: "SFP"}, fires),
		Entry("+SF on SYN", `alert tcp any any -> any any (flags:+SF; sid:1;)`, P{Flags: "S"}, silent),
		Entry("FPU* on FIN", `alert tcp any any -> any any (flags:FPU*; sid:1;)`, P{Flags: "F"}, fires),
		Entry("FPU* on SYN", `alert tcp any any -> any any (flags:FPU*; sid:1;)`, P{Flags: "S"}, silent),
		Entry("!A on SYN", `alert tcp any any -> any any (flags:!A; sid:1;)`, P{Flags: "S"}, fires),
		Entry("!A on SYN/ACK", `alert tcp any any -> any any (flags:!A; sid:1;)`, P{Flags: "SA"}, silent),
		Entry("S,12 on SYN with ECE and CWR", `alert tcp any any -> any any (flags:S,12; sid:1;)`, P{Flags: "SEC"}, fires),
		Entry("S without a mask on SYN with ECE and CWR", `alert tcp any any -> any any (flags:S; sid:1;)`, P{Flags: "SEC"}, silent),
		Entry("S,CE on SYN with ECE and CWR", `alert tcp any any -> any any (flags:S,CE; sid:1;)`, P{Flags: "SEC"}, fires),
		Entry("S,CE on SYN/ACK", `alert tcp any any -> any any (flags:S,CE; sid:1;)`, P{Flags: "SA"}, silent),
		Entry("S,1 on SYN with CWR", `alert tcp any any -> any any (flags:S,1; sid:1;)`, P{Flags: "SC"}, fires),
		Entry("S,1 on SYN with ECE", `alert tcp any any -> any any (flags:S,1; sid:1;)`, P{Flags: "SE"}, silent),
		Entry("F,12 on FIN", `alert tcp any any -> any any (flags:F,12; sid:1;)`, P{Flags: "F"}, fires),
		Entry("letter 1 (CWR) on SYN/CWR", `alert tcp any any -> any any (flags:S1; sid:1;)`, P{Flags: "SC"}, fires),
		Entry("letter 1 (CWR) on SYN/ECE", `alert tcp any any -> any any (flags:S1; sid:1;)`, P{Flags: "SE"}, silent),
		Entry("letter 2 (ECE) on SYN/ECE", `alert tcp any any -> any any (flags:S2; sid:1;)`, P{Flags: "SE"}, fires),
		Entry("letter 2 (ECE) on SYN/CWR", `alert tcp any any -> any any (flags:S2; sid:1;)`, P{Flags: "SC"}, silent),
		Entry("letter C on SYN/CWR", `alert tcp any any -> any any (flags:SC; sid:1;)`, P{Flags: "S1"}, fires),
		Entry("letter C on SYN", `alert tcp any any -> any any (flags:SC; sid:1;)`, P{Flags: "S"}, silent),
		Entry("letter E on SYN/ECE", `alert tcp any any -> any any (flags:SE; sid:1;)`, P{Flags: "S2"}, fires),
		Entry("letter E on SYN/ECE/CWR", `alert tcp any any -> any any (flags:SE; sid:1;)`, P{Flags: "S21"}, silent),
		Entry("XMAS FPU,12", `alert tcp any any -> any any (flags:FPU,12; sid:1;)`, P{Flags: "FPU"}, fires),
		Entry("flags on a UDP packet (ip rule)", `alert ip any any -> any any (flags:S; sid:1;)`, P{Proto: "udp"}, silent),
		Entry("flags with a port-indexed rule, flag mismatch", `alert tcp any any -> any 80 (flags:F; sid:1;)`, P{Flags: "S"}, silent),
		Entry("flags with a port-indexed rule, flag match", `alert tcp any any -> any 80 (flags:F; sid:1;)`, P{Flags: "F"}, fires),
	)
})

var _ = Describe("fragbits and fragoffset", func() {
	DescribeTable("fragbits", verdict,
		Entry("D exact on DF", `alert ip any any -> any any (fragbits:D; sid:1;)`, P{Frag: wire.FlagDF}, fires),
		Entry("D exact on none", `alert ip any any -> any any (fragbits:D; sid:1;)`, P{}, silent),
		Entry("M exact on MF", `alert ip any any -> any any (fragbits:M; sid:1;)`, P{Proto: "ip", IPProto: 47, Frag: wire.FlagMF, Payload: "12345678"}, fires),
		Entry("M exact on MF and DF", `alert ip any any -> any any (fragbits:M; sid:1;)`, P{Proto: "ip", IPProto: 47, Frag: wire.FlagMF | wire.FlagDF, Payload: "12345678"}, silent),
		Entry("R exact on the reserved bit", `alert ip any any -> any any (fragbits:R; sid:1;)`, P{Frag: 0x8000}, fires),
		Entry("R exact on DF", `alert ip any any -> any any (fragbits:R; sid:1;)`, P{Frag: wire.FlagDF}, silent),
		Entry("D+ on DF and reserved", `alert ip any any -> any any (fragbits:D+; sid:1;)`, P{Frag: wire.FlagDF | 0x8000}, fires),
		Entry("MD+ on DF", `alert ip any any -> any any (fragbits:MD+; sid:1;)`, P{Frag: wire.FlagDF}, silent),
		Entry("MR* on reserved", `alert ip any any -> any any (fragbits:MR*; sid:1;)`, P{Frag: 0x8000}, fires),
		Entry("MR* on DF", `alert ip any any -> any any (fragbits:MR*; sid:1;)`, P{Frag: wire.FlagDF}, silent),
		Entry("!D on none", `alert ip any any -> any any (fragbits:!D; sid:1;)`, P{}, fires),
		Entry("!D on DF", `alert ip any any -> any any (fragbits:!D; sid:1;)`, P{Frag: wire.FlagDF}, silent),
	)

	frag := func(off uint16) P { return P{Proto: "ip", IPProto: 47, Frag: off, Payload: "12345678"} }
	DescribeTable("fragoffset", verdict,
		Entry("=0 on offset 0", `alert ip any any -> any any (fragoffset:0; sid:1;)`, P{}, fires),
		Entry("=0 on offset 3", `alert ip any any -> any any (fragoffset:0; sid:1;)`, frag(3), silent),
		Entry("=3 on offset 3", `alert ip any any -> any any (fragoffset:3; sid:1;)`, frag(3), fires),
		Entry("!0 on offset 3", `alert ip any any -> any any (fragoffset:!0; sid:1;)`, frag(3), fires),
		Entry("!0 on offset 0", `alert ip any any -> any any (fragoffset:!0; sid:1;)`, P{}, silent),
		Entry("<4 on offset 3", `alert ip any any -> any any (fragoffset:<4; sid:1;)`, frag(3), fires),
		Entry("<3 on offset 3", `alert ip any any -> any any (fragoffset:<3; sid:1;)`, frag(3), silent),
		Entry(">2 on offset 3", `alert ip any any -> any any (fragoffset:>2; sid:1;)`, frag(3), fires),
		Entry(">3 on offset 3", `alert ip any any -> any any (fragoffset:>3; sid:1;)`, frag(3), silent),
	)
})

var _ = Describe("dsize", func() {
	pay := func(n int) P { return P{Payload: string(make([]byte, n))} }
	DescribeTable("operators", verdict,
		Entry("=0 on no payload", `alert tcp any any -> any any (dsize:0; sid:1;)`, pay(0), fires),
		Entry("=0 on 1 byte", `alert tcp any any -> any any (dsize:0; sid:1;)`, pay(1), silent),
		Entry("=300 on 300 UDP bytes", `alert udp any any -> any any (dsize:300; sid:1;)`, P{Proto: "udp", Payload: string(make([]byte, 300))}, fires),
		Entry("<10 on 9", `alert tcp any any -> any any (dsize:<10; sid:1;)`, pay(9), fires),
		Entry("<10 on 10", `alert tcp any any -> any any (dsize:<10; sid:1;)`, pay(10), silent),
		Entry(">10 on 11", `alert tcp any any -> any any (dsize:>10; sid:1;)`, pay(11), fires),
		Entry(">10 on 10", `alert tcp any any -> any any (dsize:>10; sid:1;)`, pay(10), silent),
		Entry("!5 on 4 (Suricata)", `alert tcp any any -> any any (dsize:!5; sid:1;)`, pay(4), fires),
		Entry("!5 on 5 (Suricata)", `alert tcp any any -> any any (dsize:!5; sid:1;)`, pay(5), silent),
		Entry("2<>5 inside", `alert tcp any any -> any any (dsize:2<>5; sid:1;)`, pay(3), fires),
		Entry("2<>5 at its low edge", `alert tcp any any -> any any (dsize:2<>5; sid:1;)`, pay(2), silent),
		Entry("2<>5 at its high edge", `alert tcp any any -> any any (dsize:2<>5; sid:1;)`, pay(5), silent),
		Entry("dsize of ICMP echo counts the data after id and seq", `alert icmp any any -> any any (dsize:4; sid:1;)`, P{Proto: "icmp", IType: 8, Payload: "abcd"}, fires),
	)
})

var _ = Describe("integer header keywords", func() {
	DescribeTable("TCP and IP fields", verdict,
		Entry("ack:0 on 0", `alert tcp any any -> any any (ack:0; sid:1;)`, P{Ack: 0}, fires),
		Entry("ack:0 on 1", `alert tcp any any -> any any (ack:0; sid:1;)`, P{Ack: 1}, silent),
		Entry("ack hex", `alert tcp any any -> any any (ack:0x10; sid:1;)`, P{Ack: 16}, fires),
		Entry("seq:1234 on 1234", `alert tcp any any -> any any (seq:1234; sid:1;)`, P{Seq: 1234}, fires),
		Entry("seq:1234 on 1235", `alert tcp any any -> any any (seq:1234; sid:1;)`, P{Seq: 1235}, silent),
		Entry("window:2048 on 2048", `alert tcp any any -> any any (window:2048; sid:1;)`, P{Win: 2048}, fires),
		Entry("window:2048 on 3072", `alert tcp any any -> any any (window:2048; sid:1;)`, P{Win: 3072}, silent),
		Entry("window:!2048 on 3072", `alert tcp any any -> any any (window:!2048; sid:1;)`, P{Win: 3072}, fires),
		Entry("window:!2048 on 2048", `alert tcp any any -> any any (window:!2048; sid:1;)`, P{Win: 2048}, silent),
		Entry("window on UDP (ip rule)", `alert ip any any -> any any (window:1024; sid:1;)`, P{Proto: "udp"}, silent),
		Entry("id:39426 on 39426", `alert tcp any any -> any any (id:39426; sid:1;)`, P{ID: 39426}, fires),
		Entry("id:39426 on 1", `alert tcp any any -> any any (id:39426; sid:1;)`, P{ID: 1}, silent),
		Entry("ttl:64 on 64", `alert ip any any -> any any (ttl:64; sid:1;)`, P{TTL: 64}, fires),
		Entry("ttl:64 on 63", `alert ip any any -> any any (ttl:64; sid:1;)`, P{TTL: 63}, silent),
		Entry("ttl:<5 on 4", `alert ip any any -> any any (ttl:<5; sid:1;)`, P{TTL: 4}, fires),
		Entry("ttl:<5 on 5", `alert ip any any -> any any (ttl:<5; sid:1;)`, P{TTL: 5}, silent),
		Entry("ttl:>200 on 201", `alert ip any any -> any any (ttl:>200; sid:1;)`, P{TTL: 201}, fires),
		Entry("ttl:>200 on 200", `alert ip any any -> any any (ttl:>200; sid:1;)`, P{TTL: 200}, silent),
		Entry("ttl:<=5 on 5", `alert ip any any -> any any (ttl:<=5; sid:1;)`, P{TTL: 5}, fires),
		Entry("ttl:<=5 on 6", `alert ip any any -> any any (ttl:<=5; sid:1;)`, P{TTL: 6}, silent),
		Entry("ttl:>=200 on 200", `alert ip any any -> any any (ttl:>=200; sid:1;)`, P{TTL: 200}, fires),
		Entry("ttl:>=200 on 199", `alert ip any any -> any any (ttl:>=200; sid:1;)`, P{TTL: 199}, silent),
		Entry("ttl:3-5 at 3 (inclusive)", `alert ip any any -> any any (ttl:3-5; sid:1;)`, P{TTL: 3}, fires),
		Entry("ttl:3-5 at 5 (inclusive)", `alert ip any any -> any any (ttl:3-5; sid:1;)`, P{TTL: 5}, fires),
		Entry("ttl:3-5 at 6", `alert ip any any -> any any (ttl:3-5; sid:1;)`, P{TTL: 6}, silent),
		Entry("tos:16 on 16", `alert ip any any -> any any (tos:16; sid:1;)`, P{TOS: 16}, fires),
		Entry("tos:16 on 0", `alert ip any any -> any any (tos:16; sid:1;)`, P{TOS: 0}, silent),
		Entry("tos:!16 on 0", `alert ip any any -> any any (tos:!16; sid:1;)`, P{TOS: 0}, fires),
		Entry("tos:!16 on 16", `alert ip any any -> any any (tos:!16; sid:1;)`, P{TOS: 16}, silent),
	)

	DescribeTable("ip_proto", verdict,
		Entry("number on it", `alert ip any any -> any any (ip_proto:21; sid:1;)`, P{Proto: "ip", IPProto: 21}, fires),
		Entry("number on another", `alert ip any any -> any any (ip_proto:21; sid:1;)`, P{Proto: "ip", IPProto: 22}, silent),
		Entry("name tcp on TCP", `alert ip any any -> any any (ip_proto:tcp; sid:1;)`, P{}, fires),
		Entry("name igmp on TCP", `alert ip any any -> any any (ip_proto:igmp; sid:1;)`, P{}, silent),
		Entry("name igmp on protocol 2", `alert ip any any -> any any (ip_proto:igmp; sid:1;)`, P{Proto: "ip", IPProto: 2}, fires),
		Entry("!tcp on UDP", `alert ip any any -> any any (ip_proto:!tcp; sid:1;)`, P{Proto: "udp"}, fires),
		Entry("!tcp on TCP", `alert ip any any -> any any (ip_proto:!tcp; sid:1;)`, P{}, silent),
		Entry("<6 on ICMP", `alert ip any any -> any any (ip_proto:<6; sid:1;)`, P{Proto: "icmp", IType: 8}, fires),
		Entry("<6 on TCP", `alert ip any any -> any any (ip_proto:<6; sid:1;)`, P{}, silent),
		Entry(">50 on 51", `alert ip any any -> any any (ip_proto:>50; sid:1;)`, P{Proto: "ip", IPProto: 51}, fires),
		Entry(">50 on 50", `alert ip any any -> any any (ip_proto:>50; sid:1;)`, P{Proto: "ip", IPProto: 50}, silent),
	)

	echo := func(t, c uint8) P { return P{Proto: "icmp", IType: t, ICode: c, ICMPID: 7, ICMPSeq: 9} }
	DescribeTable("ICMP fields", verdict,
		Entry("itype:8 on echo", `alert icmp any any -> any any (itype:8; sid:1;)`, echo(8, 0), fires),
		Entry("itype:8 on echo reply", `alert icmp any any -> any any (itype:8; sid:1;)`, echo(0, 0), silent),
		Entry("itype:<5 on 3", `alert icmp any any -> any any (itype:<5; sid:1;)`, echo(3, 0), fires),
		Entry("itype:<5 on 5", `alert icmp any any -> any any (itype:<5; sid:1;)`, echo(5, 0), silent),
		Entry("itype:>30 on 31", `alert icmp any any -> any any (itype:>30; sid:1;)`, echo(31, 0), fires),
		Entry("itype:>30 on 30", `alert icmp any any -> any any (itype:>30; sid:1;)`, echo(30, 0), silent),
		Entry("itype:10<>15 on 13", `alert icmp any any -> any any (itype:10<>15; sid:1;)`, echo(13, 0), fires),
		Entry("itype:10<>15 on 10 (exclusive)", `alert icmp any any -> any any (itype:10<>15; sid:1;)`, echo(10, 0), silent),
		Entry("itype:10<>15 on 15 (exclusive)", `alert icmp any any -> any any (itype:10<>15; sid:1;)`, echo(15, 0), silent),
		Entry("itype on TCP (ip rule)", `alert ip any any -> any any (itype:0; sid:1;)`, P{}, silent),
		Entry("icode:3 on 3", `alert icmp any any -> any any (icode:3; sid:1;)`, echo(3, 3), fires),
		Entry("icode:3 on 1", `alert icmp any any -> any any (icode:3; sid:1;)`, echo(3, 1), silent),
		Entry("icode:<2 on 1", `alert icmp any any -> any any (icode:<2; sid:1;)`, echo(3, 1), fires),
		Entry("icode:<2 on 2", `alert icmp any any -> any any (icode:<2; sid:1;)`, echo(3, 2), silent),
		Entry("icode:>9 on 10", `alert icmp any any -> any any (icode:>9; sid:1;)`, echo(3, 10), fires),
		Entry("icode:>9 on 9", `alert icmp any any -> any any (icode:>9; sid:1;)`, echo(3, 9), silent),
		Entry("icode:0<>4 on 3", `alert icmp any any -> any any (icode:0<>4; sid:1;)`, echo(3, 3), fires),
		Entry("icode:0<>4 on 4", `alert icmp any any -> any any (icode:0<>4; sid:1;)`, echo(3, 4), silent),
		Entry("icmp_id:7 on echo id 7", `alert icmp any any -> any any (icmp_id:7; sid:1;)`, echo(8, 0), fires),
		Entry("icmp_id:8 on echo id 7", `alert icmp any any -> any any (icmp_id:8; sid:1;)`, echo(8, 0), silent),
		Entry("icmp_id:0 on an unreachable (no identifier)", `alert icmp any any -> any any (icmp_id:0; sid:1;)`, echo(3, 3), silent),
		Entry("icmp_seq:9 on echo seq 9", `alert icmp any any -> any any (icmp_seq:9; sid:1;)`, echo(8, 0), fires),
		Entry("icmp_seq:10 on echo seq 9", `alert icmp any any -> any any (icmp_seq:10; sid:1;)`, echo(8, 0), silent),
	)

	DescribeTable("sameip", verdict,
		Entry("same addresses", `alert ip any any -> any any (sameip; sid:1;)`, P{Src: "198.18.1.2", Dst: "198.18.1.2"}, fires),
		Entry("different addresses", `alert ip any any -> any any (sameip; sid:1;)`, P{}, silent),
	)
})

var _ = Describe("content", func() {
	DescribeTable("matches", verdict,
		Entry("plain, present", `alert tcp any any -> any any (content:"GET"; sid:1;)`, P{Payload: "GET / HTTP/1.0"}, fires),
		Entry("plain, absent", `alert tcp any any -> any any (content:"GET"; sid:1;)`, P{Payload: "POST / HTTP/1.0"}, silent),
		Entry("plain is case-sensitive", `alert tcp any any -> any any (content:"GET"; sid:1;)`, P{Payload: "get /"}, silent),
		Entry("hex", `alert tcp any any -> any any (content:"|00 01|A|0d 0a|"; sid:1;)`, P{Payload: "x\x00\x01A\r\n"}, fires),
		Entry("hex, absent", `alert tcp any any -> any any (content:"|00 01|A|0d 0a|"; sid:1;)`, P{Payload: "x\x00\x02A\r\n"}, silent),
		Entry("nocase", `alert tcp any any -> any any (content:"GET"; nocase; sid:1;)`, P{Payload: "gEt /"}, fires),
		Entry("nocase, absent", `alert tcp any any -> any any (content:"GET"; nocase; sid:1;)`, P{Payload: "PUT /"}, silent),
		Entry("offset, at it", `alert tcp any any -> any any (content:"B"; offset:2; sid:1;)`, P{Payload: "xxB"}, fires),
		Entry("offset, before it", `alert tcp any any -> any any (content:"B"; offset:2; sid:1;)`, P{Payload: "xBx"}, silent),
		Entry("depth, inside", `alert tcp any any -> any any (content:"AB"; depth:3; sid:1;)`, P{Payload: "xABxxx"}, fires),
		Entry("depth, crossing its end", `alert tcp any any -> any any (content:"AB"; depth:3; sid:1;)`, P{Payload: "xxABxx"}, silent),
		Entry("offset and depth, inside", `alert tcp any any -> any any (content:"AB"; offset:2; depth:2; sid:1;)`, P{Payload: "xxABxx"}, fires),
		Entry("offset and depth, past", `alert tcp any any -> any any (content:"AB"; offset:2; depth:2; sid:1;)`, P{Payload: "xxxABx"}, silent),
		Entry("distance, far enough", `alert tcp any any -> any any (content:"A"; content:"B"; distance:2; sid:1;)`, P{Payload: "AxxB"}, fires),
		Entry("distance, too near", `alert tcp any any -> any any (content:"A"; content:"B"; distance:2; sid:1;)`, P{Payload: "AxB"}, silent),
		Entry("within, inside", `alert tcp any any -> any any (content:"A"; content:"BC"; within:3; sid:1;)`, P{Payload: "AxBC"}, fires),
		Entry("within, too far", `alert tcp any any -> any any (content:"A"; content:"BC"; within:3; sid:1;)`, P{Payload: "AxxBC"}, silent),
		Entry("distance and within, inside", `alert tcp any any -> any any (content:"A"; content:"B"; distance:1; within:2; sid:1;)`, P{Payload: "AxB"}, fires),
		Entry("distance and within, too near", `alert tcp any any -> any any (content:"A"; content:"B"; distance:1; within:2; sid:1;)`, P{Payload: "ABxx"}, silent),
		Entry("negated, absent", `alert tcp any any -> any any (content:!"evil"; sid:1;)`, P{Payload: "good"}, fires),
		Entry("negated, present", `alert tcp any any -> any any (content:!"evil"; sid:1;)`, P{Payload: "so evil"}, silent),
		Entry("negated after a content, absent in its window", `alert tcp any any -> any any (content:"A"; content:!"B"; within:2; sid:1;)`, P{Payload: "AxxB"}, fires),
		Entry("negated after a content, present in its window", `alert tcp any any -> any any (content:"A"; content:!"B"; within:2; sid:1;)`, P{Payload: "AxB"}, silent),
		Entry("backtracking: a later first content makes the relative one fit",
			`alert tcp any any -> any any (content:"A"; content:"B"; within:1; sid:1;)`, P{Payload: "AxxAB"}, fires),
		Entry("backtracking: no occurrence fits",
			`alert tcp any any -> any any (content:"A"; content:"B"; within:1; sid:1;)`, P{Payload: "AxxAxB"}, silent),
		Entry("two UDP contents as ET's OS probe rule", `alert udp any any -> any any (content:"CCCC"; depth:8; content:"CCCC"; within:10; sid:1;)`,
			P{Proto: "udp", Payload: "xxCCCCxxCCCC"}, fires),
		Entry("content on an empty payload", `alert tcp any any -> any any (content:"A"; sid:1;)`, P{}, silent),
	)
})
