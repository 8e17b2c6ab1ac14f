package generator_test

import (
	"encoding/binary"
	"net/netip"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/wire"
)

// get_ping_results() (2.01's targets.c) matches a reply to its host by the
// numbers nmap's probe carried, not by who sent it: the echo's id and seq
// (host*5+try, stored unswapped, so little-endian on the wire), the
// quoted echo of an unreachable, a SYN ping's ack. Only the ACK ping's
// answers are looked up by address.
var _ = Describe("get_ping_results()'s reply matching (targets.c)", func() {
	const (
		id    = 0x1234
		magic = 40000
	)
	me := netip.MustParseAddr("198.18.0.2")
	router := netip.MustParseAddr("198.18.0.1")
	hosts := []netip.Addr{netip.MustParseAddr("198.18.1.2"), netip.MustParseAddr("198.18.1.3"), netip.MustParseAddr("198.18.1.4")}

	// echoBody is an echo's id and seq as nmap stored them (little-endian).
	echoBody := func(id, seq uint16) []byte {
		b := make([]byte, 4)
		binary.LittleEndian.PutUint16(b, id)
		binary.LittleEndian.PutUint16(b[2:], seq)
		return b
	}
	reply := func(from netip.Addr, id, seq uint16) []byte {
		return wire.AppendICMP(nil, &wire.IPHeader{TTL: 64, Src: from, Dst: me}, 0, 0, echoBody(id, seq))
	}
	// quoting is an ICMP error from `from` quoting nmap's echo to host k.
	quoting := func(from netip.Addr, typ, code uint8, k int, id, seq uint16) []byte {
		probe := wire.AppendICMP(nil, &wire.IPHeader{TTL: 52, Src: me, Dst: hosts[k]}, 8, 0, echoBody(id, seq))
		return wire.AppendICMP(nil, &wire.IPHeader{TTL: 64, Src: from, Dst: me}, typ, code, append(make([]byte, 4), probe...))
	}
	tcp := func(from netip.Addr, dport uint16, ack uint32, flags uint8) []byte {
		return wire.AppendTCP(nil, &wire.IPHeader{TTL: 64, Src: from, Dst: me}, &wire.TCPSegment{SPort: 80, DPort: dport, Ack: ack, Flags: flags})
	}

	type want struct {
		states []string
		weird  []int
	}
	DescribeTable("marks the host the reply's numbers name",
		func(kind generator.PingType, replies [][]byte, w want) {
			states, weird, _, _ := generator.PingReplies(kind, 0, id, magic, me, hosts, 0, replies...)
			Expect(states).To(Equal(w.states))
			Expect(weird).To(Equal(w.weird))
		},
		Entry("an echo reply with nmap's id and seq 5 (host 1, try 0): host 1 up", generator.PingDefault,
			[][]byte{reply(hosts[1], id, 5)}, want{[]string{"unknown", "up", "unknown"}, []int{0, 0, 0}}),
		Entry("an echo reply with another process's id: nothing", generator.PingDefault,
			[][]byte{reply(hosts[1], id+1, 5)}, want{[]string{"unknown", "unknown", "unknown"}, []int{0, 0, 0}}),
		Entry("an echo reply whose seq names host 0 from host 2's address: a weird response for host 0, nobody up", generator.PingDefault,
			[][]byte{reply(hosts[2], id, 0)}, want{[]string{"unknown", "unknown", "unknown"}, []int{1, 0, 0}}),
		Entry("an echo reply whose seq names a host beyond the group: nothing", generator.PingDefault,
			[][]byte{reply(hosts[0], id, 15)}, want{[]string{"unknown", "unknown", "unknown"}, []int{0, 0, 0}}),
		Entry("a router's host unreachable quoting nmap's echo to host 2: host 2 down", generator.PingDefault,
			[][]byte{quoting(router, 3, 1, 2, id, 10)}, want{[]string{"unknown", "unknown", "down"}, []int{0, 0, 0}}),
		Entry("a router's time exceeded quoting nmap's echo to host 0: host 0 down", generator.PingDefault,
			[][]byte{quoting(router, 11, 0, 0, id, 0)}, want{[]string{"down", "unknown", "unknown"}, []int{0, 0, 0}}),
		Entry("an unreachable quoting another process's echo: nothing", generator.PingDefault,
			[][]byte{quoting(router, 3, 1, 2, id+1, 10)}, want{[]string{"unknown", "unknown", "unknown"}, []int{0, 0, 0}}),
		Entry("an echo reply after the unreachable: up wins over down", generator.PingDefault,
			[][]byte{quoting(router, 3, 1, 2, id, 10), reply(hosts[2], id, 10)}, want{[]string{"unknown", "unknown", "up"}, []int{0, 0, 0}}),
		Entry("the ACK ping's RST to port M+20: its sender, by address", generator.PingDefault,
			[][]byte{tcp(hosts[2], magic+20, 0, wire.FlagRST)}, want{[]string{"unknown", "unknown", "up"}, []int{0, 0, 0}}),
		Entry("the SYN ping's RST acking seq<<3|3 + 1 for host 1, whoever sends it", generator.PingSYN,
			[][]byte{tcp(router, magic+20, 0xABC00000|(5<<3|3)+1, wire.FlagRST|wire.FlagACK)}, want{[]string{"unknown", "up", "unknown"}, []int{0, 0, 0}}),
		Entry("the SYN ping's answer with an ack not ending in 011 or 100: nothing", generator.PingSYN,
			[][]byte{tcp(hosts[1], magic+20, 5<<3|1, wire.FlagRST|wire.FlagACK)}, want{[]string{"unknown", "unknown", "unknown"}, []int{0, 0, 0}}),
		Entry("a SYN with no ACK to a ping port: nothing", generator.PingDefault,
			[][]byte{tcp(hosts[0], magic+20, 0, wire.FlagSYN)}, want{[]string{"unknown", "unknown", "unknown"}, []int{0, 0, 0}}),
	)

	DescribeTable("prints get_ping_results()'s stdout lines under -d",
		func(replies [][]byte, line string) {
			_, _, out, _ := generator.PingReplies(generator.PingDefault, 1, id, magic, me, hosts, 0, replies...)
			Expect(out).To(ContainSubstring(line))
			_, _, quiet, _ := generator.PingReplies(generator.PingDefault, 0, id, magic, me, hosts, 0, replies...)
			Expect(quiet).To(BeEmpty())
		},
		Entry("an echo reply", [][]byte{reply(hosts[1], id, 5)}, "We got a ping packet back from 198.18.1.3: id = 4660 seq = 5 checksum = "),
		Entry("an unreachable, named by the host it quotes", [][]byte{quoting(router, 3, 1, 2, id, 10)}, "Got destination unreachable for 198.18.1.4\n"),
		Entry("a source quench", [][]byte{quoting(router, 4, 0, 2, id, 10)}, "Got ICMP source quench\n"),
		Entry("a redirect, parsed only under -d", [][]byte{quoting(router, 5, 1, 2, id, 10)}, "Got ICMP message type 5 code 1\n"),
	)
})

// hostupdate(): the first answer to a retry in a try shrinks the group to
// 3/4 (at least 10), once per try, with its -d line; answers to first
// tries, and hosts already up, leave it.
var _ = Describe("hostupdate()'s group shrinking", func() {
	me := netip.MustParseAddr("198.18.0.2")
	hosts := []netip.Addr{netip.MustParseAddr("198.18.1.2"), netip.MustParseAddr("198.18.1.3")}
	echo := func(from netip.Addr, seq uint16) []byte {
		b := make([]byte, 4)
		binary.LittleEndian.PutUint16(b, 7)
		binary.LittleEndian.PutUint16(b[2:], seq)
		return wire.AppendICMP(nil, &wire.IPHeader{TTL: 64, Src: from, Dst: me}, 0, 0, b)
	}
	DescribeTable("shrinks the group from 40",
		func(try int, replies [][]byte, wantSize int, wantLines int) {
			_, _, out, size := generator.PingReplies(generator.PingDefault, 1, 7, 40000, me, hosts, try, replies...)
			Expect(size).To(Equal(wantSize))
			Expect(strings.Count(out, "Decreasing massping group size from 40 to 30\n")).To(Equal(wantLines))
		},
		Entry("not on answers to a first try", 0, [][]byte{echo(hosts[0], 0), echo(hosts[1], 5)}, 40, 0),
		Entry("to 30 on the first answer to a second try, once", 1, [][]byte{echo(hosts[0], 1), echo(hosts[1], 6)}, 30, 1),
	)
})

var _ = Describe("a subnet broadcast address (nmap.c's wierd_responses)", func() {
	It("is reported with 2.01's line, three spaces before the address of a host without a name, and a Smurf machine-log status", func() {
		out, machine := generator.SmurfReport(netip.MustParseAddr("198.18.1.255"), 3)
		Expect(out).To(Equal("Host   (198.18.1.255) seems to be a subnet broadcast address (returned 3 extra pings).  Skipping host.\n"))
		Expect(machine).To(Equal("Host: 198.18.1.255 () Status: Smurf (3 responses)\n"))
	})
	It("prints nothing for a host every answer came from", func() {
		out, machine := generator.SmurfReport(netip.MustParseAddr("198.18.1.2"), 0)
		Expect(out + machine).To(BeEmpty())
	})
})
