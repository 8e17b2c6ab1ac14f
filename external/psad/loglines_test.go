package psad_test

import (
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external/psad"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

// at is 01:41:25 on 22 December 1998, the FAQ's figure 2.
var at = time.Date(1998, 12, 22, 1, 41, 25, 180240000, time.UTC)

// captureOf is a raw-IP capture of pkts, 1 ms apart.
func captureOf(pkts ...[]byte) *capture.Capture {
	c := &capture.Capture{LinkType: capture.LinkTypeRaw}
	for i, p := range pkts {
		c.Add(at.Add(time.Duration(i)*time.Millisecond), p, "")
	}
	return c
}

// probe is the IP header nmap 2.02's probes carry to the victim (TTL 62
// as sent; the sensor's capture shows it one lower, the victim two).
func probe(id uint16) wire.IPHeader {
	return wire.IPHeader{ID: id, TTL: 61, Src: scanner, Dst: victim}
}

func tcp(h wire.IPHeader, dport uint16, flags uint8) []byte {
	return wiretest.TCP(h, wire.TCPSegment{SPort: 37807, DPort: dport, Seq: 3573719048, Flags: flags, Window: 3072})
}

// the kernel's prefix of every line below: LogLines' defaults.
const kpre = "Dec 22 01:41:25 siglab kernel: DROP IN=siglab-eth0 OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 "

var _ = Describe("LogLines", func() {
	DescribeTable("writes each packet as the kernel's LOG target does, fields and flags in nf_log_syslog's order",
		func(pkt []byte, want string) {
			Expect(psad.LogLines(captureOf(pkt), []netip.Addr{victim}, "DROP ")).To(Equal([]string{kpre + want}))
		},
		Entry("a SYN scan probe", tcp(probe(4660), 21, wire.FlagSYN),
			"SRC=198.18.0.2 DST=198.18.1.2 LEN=40 TOS=0x00 PREC=0x00 TTL=60 ID=4660 PROTO=TCP SPT=37807 DPT=21 WINDOW=3072 RES=0x00 SYN URGP=0 "),
		Entry("an Xmas probe: URG PSH FIN, in that order", tcp(probe(1), 23, wire.FlagFIN|wire.FlagPSH|wire.FlagURG),
			"SRC=198.18.0.2 DST=198.18.1.2 LEN=40 TOS=0x00 PREC=0x00 TTL=60 ID=1 PROTO=TCP SPT=37807 DPT=23 WINDOW=3072 RES=0x00 URG PSH FIN URGP=0 "),
		Entry("a Null probe: no flag at all", tcp(probe(2), 23, 0),
			"SRC=198.18.0.2 DST=198.18.1.2 LEN=40 TOS=0x00 PREC=0x00 TTL=60 ID=2 PROTO=TCP SPT=37807 DPT=23 WINDOW=3072 RES=0x00 URGP=0 "),
		Entry("OS detection's T1: the bogus flag is ECE, printed before SYN", tcp(probe(3), 22, wire.FlagSYN|wire.FlagBogus),
			"SRC=198.18.0.2 DST=198.18.1.2 LEN=40 TOS=0x00 PREC=0x00 TTL=60 ID=3 PROTO=TCP SPT=37807 DPT=22 WINDOW=3072 RES=0x00 ECE SYN URGP=0 "),
		Entry("CWR, ECE and every other flag",
			tcp(probe(4), 22, wire.FlagCWR|wire.FlagECE|wire.FlagURG|wire.FlagACK|wire.FlagPSH|wire.FlagRST|wire.FlagSYN|wire.FlagFIN),
			"SRC=198.18.0.2 DST=198.18.1.2 LEN=40 TOS=0x00 PREC=0x00 TTL=60 ID=4 PROTO=TCP SPT=37807 DPT=22 WINDOW=3072 RES=0x00 CWR ECE URG ACK PSH RST SYN FIN URGP=0 "),
		Entry("DF, and TOS split into its TOS bits and precedence",
			tcp(wire.IPHeader{ID: 5, TTL: 64, TOS: 0xd0, Frag: wire.FlagDF, Src: scanner, Dst: victim}, 80, wire.FlagACK),
			"SRC=198.18.0.2 DST=198.18.1.2 LEN=40 TOS=0x10 PREC=0xC0 TTL=63 ID=5 DF PROTO=TCP SPT=37807 DPT=80 WINDOW=3072 RES=0x00 ACK URGP=0 "),
		Entry("a UDP probe", wiretest.UDP(probe(6), 40000, 53, nil),
			"SRC=198.18.0.2 DST=198.18.1.2 LEN=28 TOS=0x00 PREC=0x00 TTL=60 ID=6 PROTO=UDP SPT=40000 DPT=53 LEN=8 "),
		Entry("the ping's 8-byte ICMP echo", wiretest.ICMP(probe(7), 8, 0, 0x1234, 0x0100, nil),
			"SRC=198.18.0.2 DST=198.18.1.2 LEN=28 TOS=0x00 PREC=0x00 TTL=60 ID=7 PROTO=ICMP TYPE=8 CODE=0 ID=4660 SEQ=256 "),
		Entry("an ICMP error, with the packet it quotes in brackets",
			wiretest.Unreachable(probe(8), 3, wiretest.UDP(wire.IPHeader{ID: 9, TTL: 64, Src: victim, Dst: scanner}, 53, 40000, nil)),
			"SRC=198.18.0.2 DST=198.18.1.2 LEN=56 TOS=0x00 PREC=0x00 TTL=60 ID=8 PROTO=ICMP TYPE=3 CODE=3 [SRC=198.18.1.2 DST=198.18.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=9 PROTO=UDP SPT=53 DPT=40000 LEN=8 ] "),
		Entry("an ICMP error quoting 8 bytes of TCP: too few for the TCP header",
			wiretest.Unreachable(probe(8), 13, tcp(wire.IPHeader{ID: 9, TTL: 64, Src: victim, Dst: scanner}, 40000, wire.FlagSYN)[:28]),
			"SRC=198.18.0.2 DST=198.18.1.2 LEN=56 TOS=0x00 PREC=0x00 TTL=60 ID=8 PROTO=ICMP TYPE=3 CODE=13 [SRC=198.18.1.2 DST=198.18.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=9 PROTO=TCP INCOMPLETE [8 bytes] ] "),
	)

	It("writes one line per datagram of -f's fragments, reassembled as the victim's kernel delivers them to INPUT", func() {
		syn := tcp(probe(77), 21, wire.FlagSYN)
		frags := wiretest.Fragments(syn, 8, 16)
		lines := psad.LogLines(captureOf(append(frags, tcp(probe(78), 22, wire.FlagSYN))...), []netip.Addr{victim}, "DROP ")
		Expect(lines).To(HaveLen(2))
		// stamped when the last fragment came
		Expect(lines[0]).To(Equal("Dec 22 01:41:25 siglab kernel: DROP IN=siglab-eth0 OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 " +
			"SRC=198.18.0.2 DST=198.18.1.2 LEN=40 TOS=0x00 PREC=0x00 TTL=60 ID=77 PROTO=TCP SPT=37807 DPT=21 WINDOW=3072 RES=0x00 SYN URGP=0 "))
		Expect(lines[1]).To(ContainSubstring(" ID=78 "))
	})

	DescribeTable("leaves out what never reaches the victim's INPUT chain",
		func(pkts [][]byte) {
			Expect(psad.LogLines(captureOf(pkts...), []netip.Addr{victim}, "DROP ")).To(BeEmpty())
		},
		Entry("a datagram missing a fragment", wiretest.Fragments(tcp(probe(77), 21, wire.FlagSYN), 8, 16)[1:]),
		Entry("fragments that overlap: the whole queue goes", [][]byte{
			wiretest.Fragments(tcp(probe(77), 21, wire.FlagSYN), 16)[0],
			wiretest.Fragments(tcp(probe(77), 21, wire.FlagSYN), 8)[1],
			wiretest.Fragments(tcp(probe(77), 21, wire.FlagSYN), 16)[1]}),
		Entry("a packet whose TTL the sensor's hop exhausts", [][]byte{tcp(wire.IPHeader{ID: 1, TTL: 1, Src: scanner, Dst: victim}, 21, wire.FlagSYN)}),
		Entry("a packet with a bad header checksum", [][]byte{func() []byte { p := tcp(probe(1), 21, wire.FlagSYN); p[10]++; return p }()}),
		Entry("the victim's own replies", [][]byte{tcp(wire.IPHeader{ID: 1, TTL: 64, Src: victim, Dst: scanner}, 37807, wire.FlagSYN|wire.FlagACK)}),
	)

	It("writes SEQ, ACK and TCP options only as the LOG target's options ask", func() {
		h := probe(9)
		syn := wiretest.TCP(h, wire.TCPSegment{SPort: 1, DPort: 2, Seq: 5, Ack: 6, Flags: wire.FlagSYN, Window: 1, Options: wiretest.Options(wiretest.MSS(1460))})
		Expect(psad.FormatLog(captureOf(syn), []netip.Addr{victim}, psad.LogOptions{TCPSequence: true, TCPOptions: true})).To(Equal([]string{
			"Dec 22 01:41:25 siglab kernel: IN=siglab-eth0 OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=198.18.0.2 DST=198.18.1.2 LEN=44 TOS=0x00 PREC=0x00 TTL=61 ID=9 " +
				"PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=6 WINDOW=1 RES=0x00 SYN URGP=0 OPT (020405B4) "}))
	})

	It("writes ulogd2's LOGEMU lines in the ULOG dialect, as an NFLOG rule gives them", func() {
		lines := psad.FormatLog(captureOf(
			tcp(probe(1), 23, wire.FlagFIN|wire.FlagPSH|wire.FlagURG|wire.FlagECE),
			wiretest.ICMP(probe(2), 8, 0, 7, 9, nil),
			wiretest.ICMP(probe(3), 13, 0, 7, 9, make([]byte, 12)),
			wiretest.UDP(probe(4), 40000, 53, []byte("hello")),
		), []netip.Addr{victim}, psad.LogOptions{Dialect: psad.ULOG, Prefix: "DROP", Host: "vm", In: "eth0", Hops: psad.LiveHops})
		const pre = "Dec 22 01:41:25 vm DROP IN=eth0 OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=198.18.0.2 DST=198.18.1.2 "
		Expect(lines).To(Equal([]string{
			pre + "LEN=40 TOS=00 PREC=0x00 TTL=60 ID=1 PROTO=TCP SPT=37807 DPT=23 SEQ=3573719048 ACK=0 WINDOW=3072 URG PSH FIN URGP=0 MARK=0x0 ",
			pre + "LEN=28 TOS=00 PREC=0x00 TTL=60 ID=2 PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=9 MARK=0x0 ",
			// ulogd2 switches on the code where it means the type: a
			// timestamp request (code 0) gets the echo's ID and SEQ, zero.
			pre + "LEN=40 TOS=00 PREC=0x00 TTL=60 ID=3 PROTO=ICMP TYPE=13 CODE=0 ID=0 SEQ=0 MARK=0x0 ",
			pre + "LEN=33 TOS=00 PREC=0x00 TTL=60 ID=4 PROTO=UDP SPT=40000 DPT=53 LEN=13 MARK=0x0 ",
		}))
	})
})
