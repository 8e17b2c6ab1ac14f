package generator_test

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
)

// firstSendLost loses each port's first probe of the scan (the first
// packet from the scanner to that port of the given IP protocol, TCP
// without SYN or UDP), as a lossy path would; the retransmission gets
// through.
func firstSendLost(proto byte) func(l *osLink, w wirePacket) bool {
	seen := map[uint16]bool{}
	return func(l *osLink, w wirePacket) bool {
		if w.raw[9] != proto || (w.tcp != nil && (w.tcp.SYN || w.tcp.RST)) || !w.ip.SrcIP.Equal(scanner.AsSlice()) {
			return false
		}
		port := uint16(w.raw[22])<<8 | uint16(w.raw[23])
		if seen[port] {
			return false
		}
		seen[port] = true
		return true
	}
}

// rstFrom is a target's RST|ACK from port to the scanner's dport, with
// ack, built with gopacket: what a path that duplicates or delays packets
// hands nmap.
func rstFrom(port, dport uint16, ack uint32) []byte {
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP,
		SrcIP: net.IP(victim.AsSlice()), DstIP: net.IP(scanner.AsSlice())}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(port), DstPort: layers.TCPPort(dport), RST: true, ACK: true, Ack: ack}
	Expect(tcp.SetNetworkLayerForChecksum(ip)).To(Succeed())
	buf := gopacket.NewSerializeBuffer()
	Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, tcp)).To(Succeed())
	return buf.Bytes()
}

var tooMany = regexp.MustCompile(`Too many drops \.\.\. increasing senddelay to (\d+)\n`)

// senddelays are the values of super_scan's "Too many drops" lines.
func senddelays(out string) []int {
	var ds []int
	for _, m := range tooMany.FindAllStringSubmatch(out, -1) {
		d, err := strconv.Atoi(m[1])
		Expect(err).NotTo(HaveOccurred())
		ds = append(ds, d)
	}
	return ds
}

func portRange(n int) string { return "1-" + strconv.Itoa(n) }

var _ = Describe("super_scan's reaction to loss", func() {
	// nmap.c 2.01 (2.05 alike), super_scan(), for every answer whose
	// send it can tell (packet_trynum > -1):
	//
	//	if (packet_trynum > 0 && current->trynum > 0) {
	//	  /* The first packet was apparently lost, slow down */
	//	  dropped++;
	//	  if (freshportstried > 50 && ((double) dropped/freshportstried) > 0.3) {
	//	    if (!senddelay) senddelay = 50000;
	//	    else senddelay = MIN(senddelay * 2, 1000000);
	//	    ...
	//	    freshportstried = 0;
	//	    dropped = 0;
	//	    if (o.verbose || o.debugging )
	//	      printf("Too many drops ... increasing senddelay to %d\n", senddelay);
	//
	// freshportstried counts first sends over the whole scan (not per
	// round). With every first probe lost and every retransmission
	// answered, each answer is a drop, so the rule fires at the first
	// answer after more than 50 first sends, and each firing takes more
	// than 50 more: at most N/51 lines for N ports, 50000 µs first, then
	// doubled, never above 1000000. Under -g both sends leave from M, so
	// packet_trynum is -1 for a retransmitted port ("} else packet_trynum
	// = -1;" for a RST, "else packet_trynum = -1;" for an ICMP
	// unreachable) and nothing counts.
	DescribeTable("prints 2.01's line when more than 30% of more than 50 first tries were lost",
		func(opts string, ports int, proto byte, min, max int) {
			host := labnet.Host{Addr: victim}
			run := runOS("-v "+opts+" -P0 -p"+portRange(ports)+" victim", 4242, host, &osLink{drop: firstSendLost(proto), puReply: proto == 17})
			ds := senddelays(run.out)
			Expect(len(ds)).To(BeNumerically(">=", min), run.out)
			Expect(len(ds)).To(BeNumerically("<=", max))
			want := 50000
			for _, d := range ds {
				Expect(d).To(Equal(want))
				want = 2 * want
				if want > 1000000 {
					want = 1000000
				}
			}
		},
		Entry("FIN, 50 ports: never more than 50 first sends", "-sF", 50, byte(6), 0, 0),
		Entry("FIN, 51 ports: once, at 50000", "-sF", 51, byte(6), 1, 1),
		Entry("Xmas, 400 ports: doubling up to the cap", "-sX", 400, byte(6), 7, 400/51),
		Entry("UDP, 160 ports", "-sU", 160, byte(17), 2, 160/51),
		Entry("FIN under -g: no send is told apart, nothing counts", "-sF -g 53", 160, byte(6), 0, 0),
	)

	It("grows the window on an answer to a retransmission before it cuts it", func() {
		// "numqueries_ideal = MIN(numqueries_ideal + (packet_incr/numqueries_ideal), max_width);"
		// comes before "numqueries_ideal *= fallback_percent;" and
		// "printf("Lost a packet, decreasing window to %d\n", (int) numqueries_ideal);".
		// Ports 1-3 answer their first FIN: 10 -> 10.4 -> 10.7846 ->
		// 11.1555; port 4's answer comes to the retransmission: 11.1555 +
		// 4/11.1555 = 11.5141, times 0.7 = 8.06, printed 8 (a cut alone
		// would print 7).
		lose4 := func(l *osLink, w wirePacket) bool {
			return w.tcp != nil && w.tcp.FIN && w.tcp.DstPort == 4 && w.tcp.SrcPort == layers.TCPPort(l.magic)
		}
		run := runOS("-d -sF -P0 -p1-4 victim", 4242, labnet.Host{Addr: victim}, &osLink{drop: lose4})
		Expect(run.out).To(ContainSubstring("Lost a packet, decreasing window to 8\n"))
		Expect(run.out).NotTo(ContainSubstring("Too many drops"))
	})

	It("says so under -d -d when the window was cut already in this read pass", func() {
		// "} else if (o.debugging > 1) { printf("Lost a packet, but not decreasing\n"); }":
		// windowdecrease is raised inside the -d block. All eight first
		// FINs are lost, the eight retransmissions leave in one send pass
		// and their RSTs come back in one read pass: one cut (10 + 4/10 =
		// 10.4, times 0.7: 7), then seven answers that are not cut.
		run := runOS("-d -d -sF -P0 -p1-8 victim", 4242, labnet.Host{Addr: victim}, &osLink{drop: firstSendLost(6)})
		Expect(strings.Count(run.out, "Initial timeout, resending to portno ")).To(Equal(8))
		Expect(strings.Count(run.out, "Lost a packet, decreasing window to 7\n")).To(Equal(1))
		Expect(strings.Count(run.out, "Lost a packet, but not decreasing\n")).To(Equal(7))
		Expect(run.out).To(MatchRegexp(`Lost a packet, decreasing window to 7\nTimeout vals: [^\n]+\nLost a packet, but not decreasing\n`))

		run = runOS("-d -sF -P0 -p1-8 victim", 4242, labnet.Host{Addr: victim}, &osLink{drop: firstSendLost(6)})
		Expect(strings.Count(run.out, "Lost a packet, decreasing window to ")).To(Equal(1))
		Expect(run.out).NotTo(ContainSubstring("but not decreasing"))
	})

	It("takes a late RST to a port already given up on as open off the open list", func() {
		// "if (current->state == PORT_OPEN) { /* 0oPs! we gave up on this
		// port two early, now we must pay */": the port is closed after
		// all, with error()'s "TCP packet detected from port %d which is
		// in state %d (should usually be PORT_TESTING (but not always)"
		// (nmap.h: PORT_OPEN 2) under -d. The first port sent loses both
		// FINs and its RST comes 100 ms after the retransmission; the last
		// port sent is silent, so the round is still on.
		const seed, n = 4242, 30
		order := replayDraws(seed, n).order
		first, last := layers.TCPPort(order[0]), layers.TCPPort(order[n-1])
		late := func(l *osLink, w wirePacket) bool {
			if w.tcp == nil || !w.tcp.FIN || (w.tcp.DstPort != first && w.tcp.DstPort != last) {
				return false
			}
			if w.tcp.DstPort == first && w.tcp.SrcPort == layers.TCPPort(l.magic+1) {
				l.pending = append(l.pending, decode(w.t.Add(100*time.Millisecond), rstFrom(uint16(first), l.magic+1, 1)))
			}
			return true
		}
		run := runOS("-d -d -sF -P0 -p1-30 victim", seed, labnet.Host{Addr: victim}, &osLink{drop: late})
		f, l := strconv.Itoa(int(first)), strconv.Itoa(int(last))
		Expect(run.out).To(MatchRegexp("Moving port " + f + " to the open list\n(.*\n)*" +
			"TCP packet detected from port " + f + ` which is in state 2 \(should usually be PORT_TESTING \(but not always\)\n(.*\n)*` +
			"Moving port " + l + " to the open list\n"))
		Expect(run.out).To(ContainSubstring(fmt.Sprintf("%-8d%-12stcp", last, "open")))
		Expect(run.out).NotTo(ContainSubstring(fmt.Sprintf("%-8d%-12s", first, "open")))
	})

	It("grows the variance on a closed port's answer it cannot place (-g), with 2.01's line", func() {
		// "else if (current->state == PORT_CLOSED && (packet_trynum < 0)) {
		//    target->to.rttvar *= 1.2;
		//    if (o.debugging) { printf("Late packet, couldn't figure out sendno so we do varianceincrease to %d\n", target->to.rttvar);"
		// Under -g the retransmission leaves from M too, so a second RST
		// to a retransmitted port has packet_trynum -1; the timeout stays
		// what it was until the next adjust_timeouts().
		sends := 0
		dup := func(l *osLink, w wirePacket) bool {
			if w.tcp == nil || !w.tcp.FIN || w.tcp.DstPort != 7 {
				return false
			}
			sends++
			if sends == 2 { // the retransmission: answered, then once more 5 ms later
				l.pending = append(l.pending, decode(w.t.Add(5*time.Millisecond), rstFrom(7, 53, 1)))
			}
			return sends == 1
		}
		host := labnet.Host{Addr: victim, FilteredTCP: []uint16{9}}
		run := runOS("-d -d -sF -g 53 -p7,9 victim", 4242, host, &osLink{drop: dup})
		vals := regexp.MustCompile(`==> srtt: (-?\d+) rttvar: (-?\d+) to: (-?\d+)\n`).FindAllStringSubmatch(run.out, -1)
		Expect(vals).NotTo(BeEmpty(), "the ping's answers set the timers")
		last := vals[len(vals)-1]
		rttvar, _ := strconv.Atoi(last[2])
		grown := int(float64(rttvar) * 1.2)
		Expect(run.out).To(ContainSubstring("TCP packet detected from port 7 which is in state 1 (should usually be PORT_TESTING (but not always)\n" +
			"Late packet, couldn't figure out sendno so we do varianceincrease to " + strconv.Itoa(grown) + "\n"))
		Expect(run.out).To(MatchRegexp(`Final times for host: srtt: ` + last[1] + ` rttvar: ` + strconv.Itoa(grown) + `  to: 75000\n`))
	})
})

var _ = Describe("pos_scan's rounds under loss", func() {
	It("prints 2.01's -v line each time a new round raises the senddelay", func() {
		// nmap.c 2.01, pos_scan(), at the top of each round:
		//
		//	if (tries > 3 && tries < 10) {
		//	  senddelay += 10000 * (tries - 3);
		//	  if (o.verbose) printf("Bumping up senddelay by %d (to %d), due to excessive drops\n", 10000 * (tries - 3), senddelay);
		//
		// Port r's SYNs are lost in every round before round r (the round
		// is the source port's offset from M, over 3), so rounds 1 to 5
		// each find one port and another round follows; port 6 never
		// answers, and round 6 changes nothing. Rounds 4, 5 and 6 add
		// 10000, 20000 and 30000 µs.
		lost := func(l *osLink, w wirePacket) bool {
			if w.tcp == nil || !w.tcp.SYN || w.tcp.ACK {
				return false
			}
			round := (int(w.tcp.SrcPort) - int(l.magic)) / 3
			return int(w.tcp.DstPort) > round
		}
		run := runOS("-v -sS -P0 -p1-6 victim", 4242, labnet.Host{Addr: victim}, &osLink{drop: lost})
		Expect(run.out).To(ContainSubstring("Initiating SYN half-open stealth scan against victim (198.18.1.2)\n" +
			"Bumping up senddelay by 10000 (to 10000), due to excessive drops\n" +
			"Bumping up senddelay by 20000 (to 30000), due to excessive drops\n" +
			"Bumping up senddelay by 30000 (to 60000), due to excessive drops\n" +
			"The SYN scan took "))
		Expect(run.out).To(ContainSubstring("6       filtered    tcp"))
	})

	It("does not time an ICMP unreachable that comes after a retransmission", func() {
		// get_syn_results(): an ICMP unreachable does not tell which SYN
		// it answers, "trynum = (current->trynum == 0)? 0 : -1;", and
		// posportupdate() only times "if (trynum > -1)". Under -P0 the
		// timers are never set, so 2.01 ends with -1, -1 and its 6 s.
		lose := func(l *osLink, w wirePacket) bool {
			return w.tcp != nil && w.tcp.SYN && w.tcp.SrcPort == layers.TCPPort(l.magic)
		}
		host := labnet.Host{Addr: victim, ProhibitedTCP: []uint16{7}}
		run := runOS("-d -sS -P0 -p7 victim", 4242, host, &osLink{drop: lose})
		Expect(run.out).To(ContainSubstring("Adding TCP port 7 (state Firewalled).\n"))
		Expect(run.out).To(ContainSubstring("Final times for host: srtt: -1 rttvar: -1  to: 6000000\n"))
	})
})

var _ = Describe("pos_scan's late rounds", func() {
	// lostUntil loses port p's SYNs (p > 1) in every round before round
	// p-1 (the round is the source port's offset from M, over 3), so that
	// each round from 1 on finds one port and another round follows;
	// port 1's are lost up to round final and, in that round, its first
	// try.
	lostUntil := func(final int) func(l *osLink, w wirePacket) bool {
		return func(l *osLink, w wirePacket) bool {
			if w.tcp == nil || !w.tcp.SYN || w.tcp.ACK {
				return false
			}
			off := int(w.tcp.SrcPort) - int(l.magic)
			round := off / 3
			if w.tcp.DstPort == 1 {
				return round < final || off == 3*final
			}
			return int(w.tcp.DstPort)-1 > round
		}
	}

	It("ignores, under -d -d with 2.01's line, answers to source ports past M+15", func() {
		// get_syn_results(): "if (i < o.magic_port || i > o.magic_port + 15) {
		//   if (o.debugging > 1)
		//     error("SYN scan got TCP packet to port %d (magic port is %d) ... ignoring", i, o.magic_port);"
		// Round 5's retries leave from M+16 and M+17: ports 2-6 answer in
		// rounds 1-5, port 1 only to round 5's retries, which nmap drops,
		// so port 1 ends filtered.
		run := runOS("-d -d -sS -P0 -p1-6 victim", 4242, labnet.Host{Addr: victim}, &osLink{drop: lostUntil(5)})
		m := int(run.link.magic)
		for _, p := range []int{m + 16, m + 17} {
			Expect(run.out).To(ContainSubstring(fmt.Sprintf("SYN scan got TCP packet to port %d (magic port is %d) ... ignoring\n", p, m)))
		}
		Expect(run.out).To(ContainSubstring("1       filtered    tcp"))
	})

	It("gives up after 20 rounds with 2.01's warning", func() {
		// pos_scan(): "} while(pil.testinglist && tries < 20);
		//   if (tries == 20) { error("WARNING: GAVE UP ON SCAN AFTER 20 RETRIES"); }"
		// Ports 2-20 answer in rounds 1-19 (the round with index 19 is the
		// twentieth), with an ICMP admin prohibited: get_syn_results()
		// takes an unreachable whatever source port it quotes, where a
		// TCP answer to a port past M+15 (from round 6 on) is dropped.
		// Port 1 never answers.
		prohibited := make([]uint16, 0, 19)
		for p := uint16(2); p <= 20; p++ {
			prohibited = append(prohibited, p)
		}
		host := labnet.Host{Addr: victim, ProhibitedTCP: prohibited}
		run := runOS("-v -sS -P0 -p1-20 victim", 4242, host, &osLink{drop: lostUntil(99)})
		Expect(strings.Count(run.out, "(state Firewalled).\n")).To(Equal(19))
		// The senddelay: 10000 * (tries - 3) in rounds 4-9 (10000 ...
		// 210000), then 75000 a round: 960000 in round 19.
		Expect(run.out).To(ContainSubstring("Bumping up senddelay by 75000 (to 960000), due to excessive drops\n" +
			"Adding TCP port 20 (state Firewalled).\n" +
			"WARNING: GAVE UP ON SCAN AFTER 20 RETRIES\n" +
			"The SYN scan took "))
		Expect(run.out).To(ContainSubstring("(Not showing ports in state: filtered)\n"))
	})
})

var _ = Describe("pos_scan's late answers", func() {
	It("takes a late RST to a port on the silent list off it: closed, not filtered", func() {
		// posportupdate(): "case PORT_FIREWALLED: ss->changed++; if (current
		// == pil->firewalled) pil->firewalled = ...;" then "current->state =
		// newstate;": the port leaves the list of silent ones. The first
		// port sent loses its three SYNs and its RST to the third comes
		// 100 ms late (its ack names sequences[2]); the last port sent is
		// silent, so the round is still on.
		const seed, n = 4242, 30
		d := replayDraws(seed, n)
		first, last := layers.TCPPort(d.order[0]), layers.TCPPort(d.order[n-1])
		late := func(l *osLink, w wirePacket) bool {
			if w.tcp == nil || !w.tcp.SYN || (w.tcp.DstPort != first && w.tcp.DstPort != last) {
				return false
			}
			if w.tcp.DstPort == first && w.tcp.SrcPort == layers.TCPPort(l.magic+2) {
				rst := rstFrom(uint16(first), l.magic+2, d.seqs[2]+1)
				l.pending = append(l.pending, decode(w.t.Add(100*time.Millisecond), rst))
			}
			return true
		}
		run := runOS("-d -sS -P0 -p1-30 victim", seed, labnet.Host{Addr: victim}, &osLink{drop: late})
		f, l := int(first), int(last)
		Expect(run.out).To(ContainSubstring(fmt.Sprintf("Moving port %d to the potentially firewalled list\n", f)))
		Expect(run.out).To(ContainSubstring(fmt.Sprintf("Preparing for retry, nonresponsive port %d noted\n", l)))
		Expect(run.out).NotTo(ContainSubstring(fmt.Sprintf("Preparing for retry, nonresponsive port %d noted\n", f)))
		Expect(run.out).To(ContainSubstring(fmt.Sprintf("%-8d%-12stcp", l, "filtered")))
		Expect(run.out).NotTo(ContainSubstring(fmt.Sprintf("%-8d%-12stcp", f, "filtered")))
	})
})

var _ = Describe("pos_scan's answers for a port waiting to be rescanned", func() {
	It("refuses them with 2.01's -d line", func() {
		// posportupdate(): "if (current->state != PORT_OPEN && current->state
		// != PORT_CLOSED && current->state != PORT_FIREWALLED && current->state
		// != PORT_TESTING) { if (o.debugging) error("Whacked packet to port
		// %hu passed to posportupdate with state %d\n", ...); return; }"
		// (PORT_FRESH is 16; error() adds a newline of its own). Round 0
		// loses every SYN of 30 ports; round 1 rescans them from the head
		// of the silent list, so the first port sent in round 0 comes
		// last, well after round 1's first 11. Its late RST to round 0's
		// third SYN, 320 µs after round 1's first SYN, is refused.
		const seed, n = 4242, 30
		d := replayDraws(seed, n)
		injected := false
		late := func(l *osLink, w wirePacket) bool {
			if w.tcp == nil || !w.tcp.SYN || w.tcp.ACK {
				return false
			}
			off := int(w.tcp.SrcPort) - int(l.magic)
			if off == 3 && !injected {
				injected = true
				l.pending = append(l.pending, decode(w.t.Add(320*time.Microsecond), rstFrom(d.order[0], l.magic+2, d.seqs[2]+1)))
			}
			return off < 3
		}
		run := runOS("-d -sS -P0 -p1-30 victim", seed, labnet.Host{Addr: victim}, &osLink{drop: late})
		Expect(injected).To(BeTrue())
		Expect(regexp.MustCompile(`Whacked packet[^\n]*\n\n`).FindAllString(run.out, -1)).To(Equal([]string{
			fmt.Sprintf("Whacked packet to port %d passed to posportupdate with state 16\n\n", d.order[0])}))
	})
})
