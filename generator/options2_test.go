package generator_test

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
	"github.com/siglab/siglab/wire"
)

// The options of 2.01's and 2.05's getopt loop
// ("Ab:D:de:Ffg:hIi:M:m:NnOo:P::p:qRrS:s:T:Vv") that siglab lacked.
var _ = Describe("Maimon scan (-sM)", func() {
	It("sends FIN|ACK through super_scan: seq 0, ack 0, sport M, a fresh rand() IP ID per probe", func() {
		const seed = 4242
		run := runNmap("-v -sM -P0 -p1-25 victim", seed, simnet.Config{Seed: 3}, labnet.Host{Addr: victim})
		want := replayDraws(seed, 25)
		// replayDraws drew M, the shuffle and the SYN scan's three ISNs;
		// super_scan draws no ISN, so replay the IP IDs from after the
		// shuffle.
		g := generator.NewLibcRand(seed)
		for range 1 + 25 {
			g.Rand()
		}
		ttl := byte(simnet.Epoch.Unix()%14 + 51)
		probes := run.probes(6)
		Expect(probes).To(HaveLen(25), "the lab's default stack resets FIN|ACK on every closed port")
		for i, p := range probes {
			b := p.raw
			Expect(b).To(HaveLen(40))
			Expect(binary.BigEndian.Uint16(b[4:])).To(Equal(bits.ReverseBytes16(uint16(g.Rand()))), "IP ID in host byte order")
			Expect(binary.BigEndian.Uint16(b[6:])).To(BeZero(), "no DF")
			Expect(b[8]).To(Equal(ttl))
			Expect(binary.BigEndian.Uint16(b[20:])).To(Equal(want.magic))
			Expect(binary.BigEndian.Uint16(b[22:])).To(Equal(want.order[i]))
			Expect(binary.BigEndian.Uint32(b[24:])).To(BeZero(), "seq")
			Expect(binary.BigEndian.Uint32(b[28:])).To(BeZero(), "ack: the ACK flag is set, the field is 0")
			Expect(b[33]).To(Equal(byte(wire.FlagFIN | wire.FlagACK)))
			Expect(binary.BigEndian.Uint16(b[34:])).To(Equal(uint16(1024 * (uint16(ttl%4) + 1))))
			Expect(tcpChecksumOK(b)).To(BeTrue())
		}
		out := run.nmap.Output()
		Expect(out).To(ContainSubstring("Initiating FIN,NULL, UDP, or Xmas stealth scan against victim (198.18.1.2)\n"))
		Expect(out).To(ContainSubstring("The UDP or stealth FIN/NULL/XMAS scan took 0 seconds to scan 25 ports.\n"))
	})

	It("calls a silent port open after the retransmission from M+1", func() {
		run := runNmap("-v -sM -P0 -p7 victim", 77, simnet.Config{Seed: 3}, labnet.Host{Addr: victim, FilteredTCP: []uint16{7}})
		d := replayDraws(77, 1)
		probes := run.probes(6)
		Expect(probes).To(HaveLen(2))
		Expect(probes[1].tcp.SrcPort).To(BeEquivalentTo(d.magic + 1))
		Expect(run.nmap.Output()).To(ContainSubstring("7       open        tcp"))
	})
})

var _ = Describe("-S and -e", func() {
	spoofed := netip.MustParseAddr("198.18.0.77")

	It("sends every raw probe from the -S address; the answers go there, so nmap hears none", func() {
		const seed = 4242
		run := runNmap("-sF -P0 -S 198.18.0.77 -e eth0 -p1-5 victim", seed, simnet.Config{Seed: 3}, labnet.Host{Addr: victim})
		want := replayDraws(seed, 5)
		g := generator.NewLibcRand(seed)
		for range 1 + 5 {
			g.Rand()
		}
		Expect(run.from(scanner)).To(BeEmpty(), "nothing leaves from the scanner's own address")
		var sent []wirePacket
		for _, w := range run.from(spoofed) {
			sent = append(sent, w)
		}
		Expect(sent).To(HaveLen(10), "5 probes from M, 5 retransmissions from M+1: no RST reached nmap")
		for i, w := range sent[:5] {
			b := w.raw
			Expect(netip.AddrFrom4([4]byte(b[12:16]))).To(Equal(spoofed))
			Expect(binary.BigEndian.Uint16(b[4:])).To(Equal(bits.ReverseBytes16(uint16(g.Rand()))))
			Expect(binary.BigEndian.Uint16(b[20:])).To(Equal(want.magic))
			Expect(binary.BigEndian.Uint16(b[22:])).To(Equal(want.order[i]))
			Expect(b[33]).To(Equal(byte(wire.FlagFIN)))
			Expect(tcpChecksumOK(b)).To(BeTrue(), "the pseudo-header carries the spoofed source")
		}
		var rsts int
		for _, w := range run.from(victim) {
			if w.tcp != nil && w.tcp.RST && w.ip.DstIP.Equal(spoofed.AsSlice()) {
				rsts++
			}
		}
		Expect(rsts).To(Equal(10), "the victim resets every probe, to the spoofed address")
		Expect(run.nmap.Output()).To(ContainSubstring("5       open        tcp"), "silence reads as open")
	})

	g, _ := engine.NewGuard(netip.MustParsePrefix("198.18.1.0/24"))
	DescribeTable("refuses what 2.0x or the lab refused",
		func(cmdline string, want error, msg string) {
			_, err := generator.ResolveNmap(cmdline, nil, g)
			Expect(errors.Is(err, want)).To(BeTrue(), "%v", err)
			Expect(err.Error()).To(ContainSubstring(msg))
			Expect(err.Error()).NotTo(ContainSubstring("\n"))
		},
		Entry("a source outside the lab", "-sS -P0 -S 203.0.113.5 -e eth0 198.18.1.2", labnet.ErrOutsideLab, "203.0.113.5"),
		Entry("-S without -e (ipaddr2devname finds no interface)", "-sS -P0 -S 198.18.0.77 198.18.1.2", generator.ErrUsage, "give -e eth0"),
		Entry("an interface the lab scanner lacks", "-sS -P0 -e ppp0 198.18.1.2", generator.ErrUsage, "device ppp0, does it even exist?"),
		Entry("-S twice", "-S 198.18.0.7 -S 198.18.0.8 198.18.1.2", generator.ErrUsage, "only use the source option once"),
	)

	It("accepts -e eth0 alone: the scanner's own address, nothing changes", func() {
		a := runNmap("-sS -P0 -p1-5 victim", 9, simnet.Config{Seed: 3}, labnet.Host{Addr: victim})
		b := runNmap("-sS -P0 -e eth0 -p1-5 victim", 9, simnet.Config{Seed: 3}, labnet.Host{Addr: victim})
		Expect(len(b.wire)).To(Equal(len(a.wire)))
		for i := range a.wire {
			Expect(b.wire[i].raw).To(Equal(a.wire[i].raw))
		}
	})
})

var _ = Describe("-i: targets from a file", func() {
	write := func(body string) string {
		p := filepath.Join(GinkgoT().TempDir(), "targets")
		Expect(os.WriteFile(p, []byte(body), 0o600)).To(Succeed())
		return p
	}

	It("reads blank-separated specifications, ignores argv's targets, and says so after the banner", func() {
		p := write("\n  victim\t\n")
		run := runNmap("-sS -P0 -p1-5 -i "+p+" 198.18.1.9", 9, simnet.Config{Seed: 3}, labnet.Host{Addr: victim})
		out := run.nmap.Output()
		Expect(out).To(HavePrefix("\nStarting nmap V. 2.02 by Fyodor (fyodor@dhp.com, www.insecure.org/nmap/)\nReading target specifications from FILE: " + p + "\n"))
		Expect(out).To(ContainSubstring("1 IP address (1 host up)"))
		for _, w := range run.wire {
			Expect(w.ip.DstIP.Equal(netip.MustParseAddr("198.18.1.9").AsSlice())).To(BeFalse(), "argv's target is not scanned")
		}
	})

	g, _ := engine.NewGuard(netip.MustParsePrefix("198.18.1.0/24"))
	It("names the file and line of a bad specification in a one-line error", func() {
		p := write("198.18.1.2\n\n198.18.1.3 nosuchhost\n")
		_, err := generator.ResolveNmap("-sS -i "+p, nil, g)
		Expect(errors.Is(err, generator.ErrUsage)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("-i " + p + ", line 3: "))
		Expect(err.Error()).To(ContainSubstring(`"nosuchhost"`))
	})

	It("names the file and line of a target outside the lab", func() {
		p := write("198.18.1.2\n203.0.113.5\n")
		_, err := generator.ResolveNmap("-sS -i "+p, nil, g)
		Expect(errors.Is(err, labnet.ErrOutsideLab)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("line 2"))
	})

	It("refuses a missing file, naming it", func() {
		_, err := generator.ResolveNmap("-sS -i /nonexistent/targets", nil, g)
		Expect(errors.Is(err, generator.ErrUsage)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("/nonexistent/targets"))
	})
})

// bursts counts the connect() SYNs of each send pass of pos_scan: a pass
// ends when the target's answers come in.
func bursts(r *offlineRun) []int {
	var out []int
	answered := true
	for _, w := range r.wire {
		switch {
		case w.tcp == nil:
		case w.ip.SrcIP.Equal(victim.AsSlice()):
			answered = true
		case w.tcp.SYN && !w.tcp.ACK:
			if answered {
				out, answered = append(out, 0), false
			}
			out[len(out)-1]++
		}
	}
	return out
}

var _ = Describe("-M: max sockets for the connect scan", func() {
	It("caps pos_scan's window at -M once it first grows: 11 connects, then 4 per pass", func() {
		def := bursts(runNmap("-sT -P0 -p1-40 victim", 8, simnet.Config{Seed: 3}, labnet.Host{Addr: victim}))
		m3 := bursts(runNmap("-sT -P0 -M 3 -p1-40 victim", 8, simnet.Config{Seed: 3}, labnet.Host{Addr: victim}))
		Expect(def[0]).To(Equal(11))
		Expect(def[1]).To(BeNumerically(">=", 11))
		Expect(m3[0]).To(Equal(11), "numqueries_ideal starts at 10 whatever max_width is")
		Expect(m3[1:3]).To(Equal([]int{4, 4}), "then ideal = min(10.4, 3): send while outstanding <= 3")
	})
})

var _ = Describe("-R: resolve all", func() {
	It("prints the ping scan's down line without -v", func() {
		run := runNmap("-sP -R 198.18.1.7", 5, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		Expect(run.nmap.Output()).To(ContainSubstring("\nHost  (198.18.1.7) appears to be down.\n"))
	})
})

var _ = Describe("the rest of 2.0x's getopt loop", func() {
	DescribeTable("parses",
		func(cmdline string, check func(*generator.Options)) {
			o, err := generator.ParseOptions(strings.Fields(cmdline))
			Expect(err).NotTo(HaveOccurred())
			check(o)
		},
		Entry("-q, -N, -A and -R: flags", "-qNAR victim", func(o *generator.Options) {
			Expect(o.QuashArgv && o.Force && o.AllowAll && o.ResolveAll).To(BeTrue())
			Expect(o.Notes).To(BeEmpty())
		}),
		Entry("-sM", "-sM victim", func(o *generator.Options) { Expect(o.Scan).To(Equal(generator.ScanMaimon)) }),
		Entry("-PT80 announces its port", "-PT80 victim", func(o *generator.Options) {
			Expect(o.Notes).To(Equal([]string{"TCP probe port is 80\n"}))
		}),
		Entry("-PT alone announces it only under an earlier -v", "-PT -v victim", func(o *generator.Options) { Expect(o.Notes).To(BeEmpty()) }),
		Entry("-v -PS", "-v -PS victim", func(o *generator.Options) {
			Expect(o.Ping).To(Equal(generator.PingSYN))
			Expect(o.Notes).To(Equal([]string{"TCP probe port is 80\n"}))
		}),
		Entry("-PB is the default pair and always announces", "-PB21 victim", func(o *generator.Options) {
			Expect(o.Ping).To(Equal(generator.PingDefault))
			Expect(o.PingPort).To(BeEquivalentTo(21))
			Expect(o.Notes).To(Equal([]string{"TCP probe port is 21\n"}))
		}),
		Entry("-PA is -PT", "-PA victim", func(o *generator.Options) { Expect(o.Ping).To(Equal(generator.PingACK)) }),
		Entry("-PN and -PD are -P0", "-PN -PD victim", func(o *generator.Options) { Expect(o.Ping).To(Equal(generator.PingNone)) }),
		Entry("-M above MAX_SOCKETS_ALLOWED warns twice, as 2.01 printed", "-M 2000 victim", func(o *generator.Options) {
			Expect(o.MaxSockets).To(Equal(1025))
			Expect(o.Notes).To(Equal([]string{
				"Warning: You are limited to MAX_SOCKETS_ALLOWD (1025) paralell sockets.  If you really need more, change the #define and recompile.\n",
				"Your specified max_parallel_sockets of 1025, but your system says it might only give us 1024.  Trying anyway\n",
			}))
		}),
		Entry("-i needs no argv target", "-sS -i t.txt", func(o *generator.Options) {
			Expect(o.InputFile).To(Equal("t.txt"))
			Expect(o.Notes).To(Equal([]string{"Reading target specifications from FILE: t.txt\n"}))
		}),
	)

	DescribeTable("refuses",
		func(cmdline, msg string) {
			_, err := generator.ParseOptions(strings.Fields(cmdline))
			Expect(errors.Is(err, generator.ErrUsage)).To(BeTrue())
			Expect(err.Error()).To(ContainSubstring(msg))
		},
		Entry("-M 0", "-M 0 victim", "at least 1"),
		Entry("-i -", "-i - victim", "no standard input"),
		Entry("two -i", "-i a -i b", "only one input filename"),
	)

	It("scans .0 and .255 of a block, with -A as without (2.01's options_init sets o.allowall)", func() {
		g, _ := engine.NewGuard(netip.MustParsePrefix("198.18.1.0/24"))
		with, err := generator.ResolveNmap("-sP -A 198.18.1.0/30", nil, g)
		Expect(err).NotTo(HaveOccurred())
		without, err := generator.ResolveNmap("-sP 198.18.1.0/30", nil, g)
		Expect(err).NotTo(HaveOccurred())
		Expect(with.Targets()).To(HaveLen(4))
		Expect(without.Targets()).To(HaveLen(4))
	})
})
