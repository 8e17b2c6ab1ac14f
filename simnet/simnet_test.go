package simnet_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/personality"
	"github.com/siglab/siglab/simnet"
	"github.com/siglab/siglab/wire"
)

var (
	scanner = netip.MustParseAddr("198.18.0.2")
	victim  = netip.MustParseAddr("198.18.1.2")
	other   = netip.MustParseAddr("198.18.1.3")
)

func syn(dst netip.Addr, sport, dport uint16) []byte {
	h := wire.IPHeader{ID: 1, TTL: 52, Src: scanner, Dst: dst}
	t := wire.TCPSegment{SPort: sport, DPort: dport, Seq: 1000, Flags: wire.FlagSYN, Window: 1024}
	return wire.AppendTCP(nil, &h, &t)
}

// exchange writes p and reads the answer, if one comes within a second.
func exchange(n *simnet.Network, p []byte) (wire.Packet, time.Time) {
	Expect(n.WritePacket(p)).To(Succeed())
	buf := make([]byte, 1500)
	l, at, err := n.ReadPacket(buf, n.Now().Add(time.Second))
	if errors.Is(err, link.ErrTimeout) {
		return nil, at
	}
	Expect(err).NotTo(HaveOccurred())
	return wire.Packet(buf[:l]), at
}

var _ = Describe("Hosts backed by personalities", func() {
	It("defaults to the kernel stack, drawing exactly what simnet's Linux host drew", func() {
		n := simnet.New(simnet.Config{Seed: 7}, labnet.Host{Addr: victim, OpenTCP: []uint16{22}})
		r, at := exchange(n, syn(victim, 40000, 22))
		Expect(r.Seq()).To(Equal(rand.New(rand.NewPCG(7, 0x5367_6c61_62)).Uint32()), "the first host's first ISN")
		Expect(r.Window()).To(Equal(uint16(64240)))
		Expect(at.Sub(simnet.Epoch)).To(Equal(300*time.Microsecond), "one RTT after the send")
	})

	DescribeTable("answers with the host's stack, named with or without the scenario prefix",
		func(stack string, window uint16) {
			n := simnet.New(simnet.Config{Seed: 1}, labnet.Host{Addr: victim, Stack: labnet.Stack(stack), OpenTCP: []uint16{22}})
			r, _ := exchange(n, syn(victim, 40000, 22))
			Expect(r).NotTo(BeNil())
			Expect(r.HasFlags(wire.FlagSYN | wire.FlagACK)).To(BeTrue())
			Expect(r.Window()).To(Equal(window))
		},
		Entry("kernel", "kernel", uint16(64240)),
		Entry("irix-6.2", "irix-6.2", uint16(0xEF2A)),
		Entry("personality/irix-6.2", "personality/irix-6.2", uint16(0xEF2A)),
		Entry("linux-2.0.35", "personality/linux-2.0.35", uint16(0x7FE0)),
		Entry("windows-nt4", "windows-nt4", uint16(0x2017)),
	)

	It("keeps each host's stack apart, and gives each its own draws", func() {
		n := simnet.New(simnet.Config{Seed: 3},
			labnet.Host{Addr: victim, Stack: "linux-2.0.35", OpenTCP: []uint16{22}},
			labnet.Host{Addr: other, Stack: "linux-2.0.35", OpenTCP: []uint16{22}})
		a, _ := exchange(n, syn(victim, 40000, 22))
		b, _ := exchange(n, syn(other, 40000, 22))
		Expect(a.Src()).To(Equal(victim))
		Expect(b.Src()).To(Equal(other))
		Expect(a.Seq()).NotTo(Equal(b.Seq()))
	})

	It("gives the stacks the network's virtual time: IRIX's ISN counter ticks with it", func() {
		n := simnet.New(simnet.Config{Seed: 3}, labnet.Host{Addr: victim, Stack: "irix-6.2", OpenTCP: []uint16{22}})
		a, _ := exchange(n, syn(victim, 40000, 22))
		buf := make([]byte, 100)
		_, _, err := n.ReadPacket(buf, n.Now().Add(2*time.Second)) // two seconds of silence
		Expect(errors.Is(err, link.ErrTimeout)).To(BeTrue())
		b, _ := exchange(n, syn(victim, 40001, 22))
		Expect(b.Seq()-a.Seq()).To(Equal(uint32(64000*5)), "one connection and four half-second ticks")
	})

	It("answers UDP and ICMP where the stack does", func() {
		n := simnet.New(simnet.Config{Seed: 3}, labnet.Host{Addr: victim, Stack: "solaris-2.6", OpenUDP: []uint16{53}})
		h := wire.IPHeader{ID: 5, TTL: 52, Src: scanner, Dst: victim}
		r, _ := exchange(n, wire.AppendUDP(nil, &h, 40000, 137, nil))
		Expect(r.ICMPType()).To(Equal(uint8(3)))
		Expect(r.ICMPCode()).To(Equal(uint8(3)))
		r, _ = exchange(n, wire.AppendUDP(nil, &h, 40000, 53, nil))
		Expect(r).To(BeNil(), "an open UDP port is silent")
		r, _ = exchange(n, wire.AppendICMP(nil, &h, 8, 0, []byte{0, 1, 0, 1}))
		Expect(r.ICMPType()).To(BeZero(), "echo reply")
	})

	DescribeTable("Build refuses what it cannot run",
		func(hosts []labnet.Host, want error, mention string) {
			_, err := simnet.Build(simnet.Config{}, hosts...)
			Expect(errors.Is(err, want)).To(BeTrue(), "%v", err)
			Expect(err.Error()).To(ContainSubstring(mention))
			Expect(func() { simnet.New(simnet.Config{}, hosts...) }).To(PanicWith(MatchError(want)))
		},
		Entry("an unknown stack, listing the known ones", []labnet.Host{{Addr: victim, Stack: "beos-4"}},
			personality.ErrUnknownStack, "irix-6.2, kernel"),
		Entry("an address outside the lab", []labnet.Host{{Addr: netip.MustParseAddr("192.0.2.1")}},
			labnet.ErrOutsideLab, "192.0.2.1"),
		Entry("two hosts on one address", []labnet.Host{{Addr: victim}, {Addr: victim, Stack: "irix-6.2"}},
			simnet.ErrDuplicateHost, victim.String()),
	)
})

var _ = Describe("nmap 2.02 against a historic host", func() {
	run := func(cmdline string, host labnet.Host) string {
		n := simnet.New(simnet.Config{Seed: 7}, host)
		g, err := engine.NewGuard(netip.PrefixFrom(host.Addr, 32))
		Expect(err).NotTo(HaveOccurred())
		e := engine.NewEngine(n, scanner, g, 1)
		nm, err := generator.NewNmap(cmdline, generator.NmapEnv{Host: e, Names: map[string]netip.Addr{"victim": host.Addr}, Guard: g, Seed: 34885})
		Expect(err).NotTo(HaveOccurred())
		e.Add(0, nm)
		Expect(e.Run(context.Background())).To(Succeed())
		return nm.Output()
	}
	faqOpen := []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}

	It("finds IRIX's open ports with a SYN scan (the FAQ's figure 2 run, without -O)", func() {
		out := run("-v -sS -P0 -p1-25 victim", labnet.Host{Addr: victim, Stack: "personality/irix-6.2", OpenTCP: faqOpen})
		for _, p := range []string{"1", "7", "9", "13", "19", "21", "22", "23", "25"} {
			Expect(out).To(ContainSubstring("Adding TCP port " + p + " (state Open).\n"))
		}
	})

	It("sees IRIX's RST to FIN probes on open ports: a FIN scan finds nothing open", func() {
		out := run("-sF -P0 -p1-25 victim", labnet.Host{Addr: victim, Stack: "irix-6.2", OpenTCP: faqOpen})
		Expect(out).To(ContainSubstring("No ports open for host victim (198.18.1.2)"))
	})

	It("finds Linux 2.0.35's open ports with a FIN scan: RFC 793 silence reads as open", func() {
		out := run("-v -sF -P0 -p20-25 victim", labnet.Host{Addr: victim, Stack: "linux-2.0.35", OpenTCP: []uint16{22, 25}})
		// super_scan prints no "Adding" lines (2.01 has none there): the
		// ports table says it.
		Expect(out).To(MatchRegexp(`(?m)^22 +open +tcp `))
		Expect(out).To(MatchRegexp(`(?m)^25 +open +tcp `))
		Expect(out).NotTo(MatchRegexp(`(?m)^2[0134] `))
		Expect(out).NotTo(ContainSubstring("Adding TCP port"))
	})
})
