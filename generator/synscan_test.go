package generator_test

import (
	"encoding/binary"
	"math/bits"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
	"github.com/siglab/siglab/wire"
)

// nmapDraws replays nmap 2.01's rand() calls for `-sS -P0 -p1-N` against
// one host, in its order (nmap-2.0x-internals.md §7): M, the shuffle, the
// three ISNs, then one IP ID per raw packet.
type nmapDraws struct {
	magic uint16
	order []uint16
	seqs  [3]uint32
	g     *generator.LibcRand
}

func replayDraws(seed uint32, nports int) nmapDraws {
	g := generator.NewLibcRand(seed)
	d := nmapDraws{g: g, magic: uint16(33000 + g.Rand()%31000)}
	for p := 1; p <= nports; p++ {
		d.order = append(d.order, uint16(p))
	}
	for i := range d.order { // shortfry: swap with rand()%n, not Fisher-Yates
		j := g.Rand() % uint32(nports)
		d.order[i], d.order[j] = d.order[j], d.order[i]
	}
	for i := range d.seqs {
		d.seqs[i] = g.Rand() + g.Rand()
	}
	return d
}

func tcpChecksumOK(raw []byte) bool {
	pseudo := append([]byte{}, raw[12:20]...)
	pseudo = append(pseudo, 0, 6, byte((len(raw)-20)>>8), byte(len(raw)-20))
	return wire.Checksum(append(pseudo, raw[20:]...)) == 0
}

var _ = Describe("SYN scan (-sS)", func() {
	const seed = 34885 // a tv_usec seed that gives the FAQ's M = 42558
	var run *offlineRun
	var want nmapDraws

	BeforeEach(func() {
		run = runNmap("-v -sS -P0 -p1-25 victim", seed, simnet.Config{Seed: 7}, labnet.Host{Addr: victim, OpenTCP: faqOpen})
		want = replayDraws(seed, 25)
	})

	It("sends every first-try probe byte for byte as nmap 2.01's send_tcp_raw built it", func() {
		probes := run.synProbes()
		Expect(probes).To(HaveLen(25))
		ttl := byte(simnet.Epoch.Unix()%14 + 51)
		win := uint16(1024 * (uint16(ttl%4) + 1))
		for i, p := range probes {
			b := p.raw
			By("IPv4: version 4, IHL 5, TOS 0, length 40, random ID in host order, no DF/MF, per-process TTL, TCP")
			Expect(b).To(HaveLen(40))
			Expect(b[0]).To(Equal(byte(0x45)))
			Expect(b[1]).To(Equal(byte(0)))
			Expect(binary.BigEndian.Uint16(b[2:])).To(Equal(uint16(40)))
			Expect(binary.BigEndian.Uint16(b[4:])).To(Equal(bits.ReverseBytes16(uint16(want.g.Rand()))), "IP ID of probe %d", i)
			Expect(binary.BigEndian.Uint16(b[6:])).To(Equal(uint16(0)), "flags and fragment offset")
			Expect(b[8]).To(Equal(ttl))
			Expect(b[9]).To(Equal(byte(6)))
			Expect(wire.Checksum(b[:20])).To(Equal(uint16(0)), "IP header checksum")
			Expect(b[12:16]).To(Equal(scanner.AsSlice()))
			Expect(b[16:20]).To(Equal(victim.AsSlice()))
			By("TCP: sport M, shuffled dport, seq sequences[0], ack 0, offset 5, SYN only, TTL-tied window, no options")
			Expect(binary.BigEndian.Uint16(b[20:])).To(Equal(uint16(42558)))
			Expect(binary.BigEndian.Uint16(b[22:])).To(Equal(want.order[i]), "port order of probe %d", i)
			Expect(binary.BigEndian.Uint32(b[24:])).To(Equal(want.seqs[0]))
			Expect(binary.BigEndian.Uint32(b[28:])).To(Equal(uint32(0)))
			Expect(b[32]).To(Equal(byte(0x50)))
			Expect(b[33]).To(Equal(byte(0x02)))
			Expect(binary.BigEndian.Uint16(b[34:])).To(Equal(win))
			Expect(binary.BigEndian.Uint16(b[38:])).To(Equal(uint16(0)), "urgent pointer")
			Expect(tcpChecksumOK(b)).To(BeTrue(), "TCP checksum")
		}
	})

	It("answers every SYN/ACK with the scanner kernel's RST (seq = the SYN/ACK's ack, flags R)", func() {
		var synacks, rsts int
		for i, w := range run.wire {
			if w.tcp == nil || !w.tcp.SYN || !w.tcp.ACK {
				continue
			}
			synacks++
			for _, r := range run.wire[i+1:] {
				if r.tcp != nil && r.ip.SrcIP.Equal(scanner.AsSlice()) && r.tcp.DstPort == w.tcp.SrcPort {
					Expect(r.tcp.RST).To(BeTrue())
					Expect(r.tcp.ACK).To(BeFalse())
					Expect(r.tcp.Seq).To(Equal(w.tcp.Ack))
					Expect(r.tcp.Window).To(BeZero())
					rsts++
					break
				}
			}
		}
		Expect(synacks).To(Equal(len(faqOpen)))
		Expect(rsts).To(Equal(synacks))
	})

	It("prints what nmap 2.02 printed with -v", func() {
		out := run.nmap.Output()
		Expect(out).To(HavePrefix("\nStarting nmap V. 2.02 by Fyodor (fyodor@dhp.com, www.insecure.org/nmap/)\n" +
			"Initiating SYN half-open stealth scan against victim (198.18.1.2)\n"))
		for _, p := range faqOpen {
			Expect(out).To(ContainSubstring("Adding TCP port %d (state Open).\n", p))
		}
		Expect(out).To(ContainSubstring("The SYN scan took 0 seconds to scan 25 ports.\n" +
			"Interesting ports on victim (198.18.1.2):\n" +
			"Port    State       Protocol  Service\n" +
			"1       open        tcp        tcpmux          \n"))
		Expect(out).To(ContainSubstring("22      open        tcp        unknown         \n"))
		Expect(out).To(HaveSuffix("\nNmap run completed -- 1 IP address (1 host up) scanned in 0 seconds\n"))
	})
})

var _ = Describe("SYN scan timing", func() {
	It("opens with an 11-probe burst, then grows the window by 4/ideal per first-try answer", func() {
		run := runNmap("-sS -P0 -p1-100 victim", 1, simnet.Config{Seed: 1}, labnet.Host{Addr: victim, OpenTCP: faqOpen})
		By("the first 11 packets on the wire are SYNs, back to back, before any answer")
		for _, w := range run.wire[:11] {
			Expect(w.ip.SrcIP.Equal(scanner.AsSlice()) && w.tcp.SYN).To(BeTrue())
		}
		Expect(run.wire[11].ip.SrcIP.Equal(victim.AsSlice())).To(BeTrue())
		By("after 11 answers ideal = 10 + Σ4/ideal, and the next burst is int(ideal)+1 SYNs")
		ideal := 10.0
		for range 11 {
			ideal += 4 / ideal
		}
		burst := 0
		for _, w := range run.wire[11:] {
			if w.ip.SrcIP.Equal(scanner.AsSlice()) && w.tcp.SYN {
				burst++
			} else if burst > 0 && w.ip.SrcIP.Equal(victim.AsSlice()) {
				break
			}
		}
		Expect(burst).To(Equal(int(ideal) + 1))
	})

	It("retries a silent port twice per round from M+3*round+try with sequences[try], 6 s apart under -P0", func() {
		run := runNmap("-sS -P0 -p5 victim", 99, simnet.Config{Seed: 1}, labnet.Host{Addr: victim, FilteredTCP: []uint16{5}})
		d := replayDraws(99, 1)
		probes := run.synProbes()
		Expect(probes).To(HaveLen(6), "3 tries in round 0, 3 in the rescan round; nothing changed, so no third round")
		for i, p := range probes {
			round, try := i/3, i%3
			Expect(p.tcp.SrcPort).To(BeEquivalentTo(d.magic + uint16(3*round+try)))
			Expect(p.tcp.Seq).To(Equal(d.seqs[try]))
			if i > 0 && try > 0 {
				gap := p.t.Sub(probes[i-1].t)
				Expect(gap).To(BeNumerically(">", 6*time.Second))
				Expect(gap).To(BeNumerically("<", 6*time.Second+25*time.Millisecond), "resent at the first 20 ms pass after the timeout")
			}
		}
		Expect(run.nmap.Output()).To(ContainSubstring("5       filtered    tcp"))
	})
})

var _ = Describe("SYN scan replies", func() {
	It("takes ICMP administratively prohibited as Firewalled and reports the port filtered", func() {
		run := runNmap("-v -sS -P0 -p1-25 victim", 5, simnet.Config{Seed: 2}, labnet.Host{Addr: victim, OpenTCP: []uint16{22}, ProhibitedTCP: []uint16{23}})
		out := run.nmap.Output()
		Expect(out).To(ContainSubstring("Adding TCP port 23 (state Firewalled).\n"))
		Expect(out).To(ContainSubstring("22      open        tcp"))
		Expect(out).To(ContainSubstring("23      filtered    tcp"))
		Expect(run.synProbes()).To(HaveLen(25), "an ICMP answer ends the port: no retransmission")
	})

	It("never lets the window pass 150 outstanding probes", func() {
		run := runNmap("-sS -P0 -p1-8000 victim", 11, simnet.Config{Seed: 2}, labnet.Host{Addr: victim, OpenTCP: faqOpen})
		longest, cur := 0, 0
		for _, w := range run.wire {
			if w.ip.SrcIP.Equal(scanner.AsSlice()) && w.tcp.SYN {
				cur++
				longest = max(longest, cur)
			} else if w.ip.SrcIP.Equal(victim.AsSlice()) {
				cur = 0
			}
		}
		Expect(longest).To(Equal(151), "bursts reach int(150)+1 once ideal is capped")
		Expect(run.synProbes()).To(HaveLen(8000))
	})
})
