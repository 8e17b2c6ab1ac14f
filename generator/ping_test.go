package generator_test

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
	"github.com/siglab/siglab/wire"
)

var _ = Describe("Host discovery (massping)", func() {
	absent := netip.MustParseAddr("198.18.1.7")

	It("sends per try an 8-byte ICMP echo, then a TCP ACK to port 80 whose seq ends in 011, five tries 6.02 s apart", func() {
		const seed = 2024
		run := runNmap("-sP 198.18.1.7", seed, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		g := generator.NewLibcRand(seed)
		magic := uint16(33000 + g.Rand()%31000)
		id := uint16(g.Rand()) // one echo id per massping call; no port list, so no shuffle
		ttl := byte(simnet.Epoch.Unix()%14 + 51)
		var sent []wirePacket
		for _, w := range run.wire {
			if w.ip.DstIP.Equal(absent.AsSlice()) {
				sent = append(sent, w)
			}
		}
		Expect(sent).To(HaveLen(10), "a lone silent host gets all five tries")
		for try := 0; try < 5; try++ {
			echo, ack := sent[2*try].raw, sent[2*try+1].raw
			By("the echo: IP length 28, no DF, send_ip_raw's TTL, id and seq in host byte order")
			Expect(echo).To(HaveLen(28))
			Expect(echo[9]).To(Equal(byte(1)))
			Expect(binary.BigEndian.Uint16(echo[4:])).To(Equal(bits.ReverseBytes16(uint16(g.Rand()))))
			Expect(binary.BigEndian.Uint16(echo[6:])).To(BeZero())
			Expect(echo[8]).To(Equal(ttl))
			Expect(echo[20:22]).To(Equal([]byte{8, 0}))
			Expect(wire.Checksum(echo[20:])).To(BeZero())
			Expect(binary.BigEndian.Uint16(echo[24:])).To(Equal(bits.ReverseBytes16(id)))
			Expect(binary.BigEndian.Uint16(echo[26:])).To(Equal(bits.ReverseBytes16(uint16(0*5 + try))))
			By("the ACK: from M+20+try to port 80, ack 0, seq (rand<<19)+((host*5+try)<<3)+3")
			seq := g.Rand()<<19 + uint32(0*5+try)<<3 + 3
			Expect(ack).To(HaveLen(40))
			Expect(binary.BigEndian.Uint16(ack[4:])).To(Equal(bits.ReverseBytes16(uint16(g.Rand()))))
			Expect(binary.BigEndian.Uint16(ack[20:])).To(Equal(magic + 20 + uint16(try)))
			Expect(binary.BigEndian.Uint16(ack[22:])).To(Equal(uint16(80)))
			Expect(binary.BigEndian.Uint32(ack[24:])).To(Equal(seq))
			Expect(binary.BigEndian.Uint32(ack[24:]) & 7).To(Equal(uint32(3)))
			Expect(binary.BigEndian.Uint32(ack[28:])).To(BeZero())
			Expect(ack[33]).To(Equal(byte(0x10)))
			Expect(binary.BigEndian.Uint16(ack[34:])).To(Equal(uint16(1024 * (uint16(ttl%4) + 1))))
			Expect(tcpChecksumOK(ack)).To(BeTrue())
			if try > 0 {
				// massping(): the try's wait starts after its two sends
				// (2 x 31 µs); nothing is read, so pcap reads come back
				// empty every 20 ms, and the first one after more than
				// the 6 s timeout (tm > to.timeout) ends it: 301 reads.
				Expect(sent[2*try].t.Sub(sent[2*try-2].t)).To(Equal(62*time.Microsecond + 301*20*time.Millisecond))
			}
		}
		Expect(run.nmap.Output()).To(HaveSuffix("Nmap run completed -- 1 IP address (0 hosts up) scanned in 30 seconds\n"))
	})
})

var _ = Describe("massping()'s timeout arithmetic (2.01's targets.c and nmap.c)", func() {
	// massping() keeps its timeout_info in a static that starts bzeroed
	// with only timeout = pingtimeout (6 s): srtt = rttvar = 0, not -1, so
	// the first reply takes adjust_timeouts()'s smoothing branch: srtt =
	// rtt>>3, rttvar = rtt>>2, timeout = max(srtt + 4*rttvar, 75 ms) =
	// 75 ms. massping()'s wait loop runs until elapsed >= to.timeout since
	// begin_select (after the try's last send), reading the timeout afresh.
	const sendCost = 31 * time.Microsecond

	It("starts a lone live host's scan 75 ms after the ping went out, not on its answer", func() {
		run := runNmap("-sS -p13 victim", 7, simnet.Config{Seed: 1}, labnet.Host{Addr: victim, OpenTCP: []uint16{13}})
		echo := run.from(scanner)[0]
		Expect(echo.ip.Protocol).To(Equal(layers.IPProtocolICMPv4))
		syn := run.synProbes()[0]
		// echo, ACK (2 sends), then begin_select; the echo reply ends the
		// reading (no host left unaccounted), the loop spins to 75 ms.
		Expect(syn.t.Sub(echo.t)).To(Equal(2*sendCost + 75*time.Millisecond))
	})

	It("gives the host massping's own timeouts: srtt = rtt>>3, so TSeq sleeps 5000 + 62 µs after the SYN scan's reply", func() {
		// The echo reply times the try from after the ACK's send (time[seq]
		// is taken after sendrawtcppingquery): rtt = 300 - 62 = 238 µs;
		// srtt = 238>>3 = 29, rttvar = 238>>2 = 59 (targets.c hostupdate():
		// target->to = *to). The SYN scan's SYN/ACK (rtt 300 µs) then goes
		// through the smoothing branch (nmap.c adjust_timeouts()): delta =
		// 271, srtt = 29 + 271>>3 = 62. usleep(5000 + 62), timed exactly
		// with the kernel's ticks switched off.
		c, err := generator.ResolveNmap("-sS -O -p13 victim", map[string]netip.Addr{"victim": victim}, mustGuard())
		Expect(err).NotTo(HaveOccurred())
		c.Options().IdealTimers = true
		run := runCommand(c, 7, simnet.Config{Seed: 1}, labnet.Host{Addr: victim, OpenTCP: []uint16{13}})
		seq := run.tseqProbes()
		Expect(seq).To(HaveLen(18))
		for k := 1; k < 6; k++ {
			Expect(seq[k].t.Sub(seq[k-1].t)).To(Equal(sendCost + 5062*time.Microsecond))
		}
	})

	It("sends a sweep's second try tens of milliseconds after the first answer, not 6 s", func() {
		// One spec, so one batch and one group: .0 to .3, the victim .2.
		// (Given as two specs, victim and 198.18.1.7 would be two
		// massping() calls, nexthost() batching each spec on its own.)
		last := netip.MustParseAddr("198.18.1.3")
		run := runNmap("-sP 198.18.1.0/30", 7, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		var echoes []wirePacket
		for _, w := range run.wire {
			if w.ip.DstIP.Equal(last.AsSlice()) && w.ip.Protocol == layers.IPProtocolICMPv4 {
				echoes = append(echoes, w)
			}
		}
		Expect(echoes).To(HaveLen(5), "a group of four hosts is retried to five tries")
		first := run.from(scanner)[0] // .0's echo, t0
		// t0: an echo and an ACK (31 µs each) to .0, .1, .2 (the victim's
		// echo at +124) and .3 (its echo at +186), begin_select at +248.
		// The victim's echo reply (+424) drops the timeout to 75 ms; its
		// RST (+455) is still read (three hosts are unaccounted) and is
		// the last packet: reads then come back empty at +20.455,
		// +40.455, +60.455 and +80.455 ms, the first with more than 75 ms
		// since begin_select, which ends the try. Try 1 probes .0, .1 and
		// .3: .3's echo is the fifth send, +124 µs.
		Expect(echoes[0].t.Sub(first.t)).To(Equal(6 * sendCost))
		Expect(echoes[1].t.Sub(first.t)).To(Equal(455*time.Microsecond + 4*20*time.Millisecond + 4*sendCost))
		// later tries read nothing: begin_select (after the three hosts'
		// six sends) plus four empty 20 ms reads.
		for k := 2; k < 5; k++ {
			Expect(echoes[k].t.Sub(echoes[k-1].t)).To(Equal(6*sendCost + 4*20*time.Millisecond))
		}
	})
})

var _ = Describe("-T, the ping timeout (2.01's o.ptime, massping()'s first timeout)", func() {
	absent := netip.MustParseAddr("198.18.1.7")

	// tries are the times of the echoes a lone silent host gets.
	tries := func(args string) []time.Time {
		run := runNmap(args, 2024, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		var out []time.Time
		for _, w := range run.wire {
			if w.ip.DstIP.Equal(absent.AsSlice()) && w.raw[9] == 1 {
				out = append(out, w.t)
			}
		}
		return out
	}

	DescribeTable("spaces a silent host's tries by its seconds: the try's two sends, then empty 20 ms pcap reads until one ends past the timeout",
		func(args string, reads int) {
			ts := tries(args)
			Expect(ts).To(HaveLen(5))
			for i := 1; i < len(ts); i++ {
				Expect(ts[i].Sub(ts[i-1])).To(Equal(62*time.Microsecond + time.Duration(reads)*20*time.Millisecond))
			}
		},
		Entry("without -T: PING_TIMEOUT, 6 s", "-sP 198.18.1.7", 301),
		Entry("-T 2", "-sP -T 2 198.18.1.7", 101),
		Entry("-T1 (attached)", "-sP -T1 198.18.1.7", 51),
	)

	DescribeTable("refuses a value that is not a whole number of seconds, in one line",
		func(arg string) {
			_, err := generator.ParseOptions([]string{"-sP", "-T", arg, "198.18.1.7"})
			Expect(err).To(MatchError(generator.ErrUsage))
			Expect(err.Error()).To(ContainSubstring("-T: the ping timeout is a whole number of seconds"))
		},
		Entry(nil, "abc"),
		Entry(nil, "-1"),
		Entry(nil, "1.5"),
	)
})

var _ = Describe("massping()'s -d lines (targets.c)", func() {
	It("prints the capture filter when it opens pcap and the block's timers and counts when it ends", func() {
		const seed = 77
		run := runNmap("-d -sP victim", seed, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		g := generator.NewLibcRand(seed)
		m := uint16(33000 + g.Rand()%31000)
		out := run.nmap.Output()
		Expect(out).To(ContainSubstring(fmt.Sprintf("Packet capture filter: (icmp and dst host 198.18.0.2) or (tcp and dst host 198.18.0.2 and ( dst port %d or dst port %d or dst port %d or dst port %d or dst port %d))\n", m+20, m+21, m+22, m+23, m+24)))
		// One try, the host up in it, a block of one; the first reply put
		// the timeout at its 75 ms floor (adjust_timeouts()).
		Expect(out).To(MatchRegexp(`\nFinished block: srtt: \d+ rttvar: \d+ timeout: 75000 block_tries: 1 up_this_block: 1 down_this_block: 0 group_sz: 1\n`))
		Expect(strings.Index(out, "Finished block")).To(BeNumerically("<", strings.Index(out, "appears to be up")))
	})

	It("prints no filter for -PI alone (an ICMP socket, no pcap), and nothing without -d", func() {
		run := runNmap("-d -PI -sP victim", 77, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		Expect(run.nmap.Output()).NotTo(ContainSubstring("Packet capture filter"))
		Expect(run.nmap.Output()).To(ContainSubstring("Finished block:"))
		quiet := runNmap("-v -sP victim", 77, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		Expect(quiet.nmap.Output()).NotTo(ContainSubstring("Finished block"))
	})
})

var _ = Describe("get_ping_results() and hostupdate()'s -d lines (targets.c)", func() {
	It("print each reply as nmap's x86 read it, then the host's state change with its round trip", func() {
		const seed = 77
		run := runNmap("-d -sP victim", seed, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		g := generator.NewLibcRand(seed)
		g.Rand() // M
		id := uint16(g.Rand())
		var echoSent, reply wirePacket
		for _, w := range run.wire {
			if w.raw[9] == 1 && w.raw[20] == 8 {
				echoSent = w
			}
			if w.raw[9] == 1 && w.raw[20] == 0 {
				reply = w
			}
		}
		Expect(reply.raw).NotTo(BeEmpty())
		// struct ppkt's unsigned shorts, read in host (little-endian)
		// order: the id and seq nmap stored unswapped, the checksum as is.
		sum := binary.LittleEndian.Uint16(reply.raw[22:])
		out := run.nmap.Output()
		Expect(out).To(ContainSubstring(fmt.Sprintf("We got a ping packet back from 198.18.1.2: id = %d seq = 0 checksum = %d\n", id, sum)))
		rtt := reply.t.Sub(echoSent.t)
		Expect(rtt).To(BeNumerically(">", 0))
		Expect(out).To(MatchRegexp(`We got a ping packet back [^\n]*\nHostupdate called for machne 198\.18\.1\.2 state UNKNOWN/COMBO -> HOST_UP \(trynum 0, dotimeadj: yes time: \d+\)\n`))
	})

	It("prints the TCP reply's line when the RST answers first (-PT alone)", func() {
		run := runNmap("-d -PT -sP victim", 77, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		Expect(run.nmap.Output()).To(ContainSubstring("We got a TCP ping packet back from 198.18.1.2 (hostnum = 0 trynum = 0\n"))
	})
})

var _ = Describe("adjust_timeouts()'s -d -d lines (nmap.c)", func() {
	// "Timeout vals: srtt: %d rttvar: %d to: %d " then, after either
	// branch, "delta %d ==> srtt: %d rttvar: %d to: %d\n", the timeout
	// before its 75 ms floor.
	line := regexp.MustCompile(`Timeout vals: srtt: (-?\d+) rttvar: (-?\d+) to: (\d+) delta (-?\d+) ==> srtt: (\d+) rttvar: (\d+) to: (\d+)\n`)
	atoi := func(s string) int64 {
		v, err := strconv.ParseInt(s, 10, 64)
		Expect(err).NotTo(HaveOccurred())
		return v
	}

	It("starts -P0 hosts' timers at -1, so the first round trip initialises them (srtt = rtt, rttvar = max(5 ms, rtt))", func() {
		run := runNmap("-d -d -sS -P0 -p22 victim", 5, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		m := line.FindStringSubmatch(run.nmap.Output())
		Expect(m).NotTo(BeNil())
		Expect(m[1:5]).To(Equal([]string{"-1", "-1", "6000000", "0"}))
		srtt := atoi(m[5])
		Expect(srtt).To(BeNumerically(">", 0))
		Expect(atoi(m[6])).To(Equal(max(int64(5000), min(srtt, 600000))))
		Expect(atoi(m[7])).To(Equal(srtt + 4*atoi(m[6])))
	})

	It("smooths the ping's zeroed timers on the first reply (srtt += delta>>3, rttvar += (|delta| - rttvar)>>2)", func() {
		run := runNmap("-d -d -sP victim", 5, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		m := line.FindStringSubmatch(run.nmap.Output())
		Expect(m).NotTo(BeNil())
		Expect(m[1:4]).To(Equal([]string{"0", "0", "6000000"}))
		delta := atoi(m[4])
		Expect(atoi(m[5])).To(Equal(delta >> 3))
		Expect(atoi(m[6])).To(Equal(delta >> 2))
		Expect(atoi(m[7])).To(Equal(delta>>3 + 4*(delta>>2)))
	})

	It("prints nothing of it under a single -d", func() {
		run := runNmap("-d -sS -P0 -p22 victim", 5, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		Expect(run.nmap.Output()).NotTo(ContainSubstring("Timeout vals"))
	})
})
