package verifier_test

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// pkt6 is one IPv6 packet of a capture, as the IPv6 specs look at it.
type pkt6 struct {
	src, dst     netip.Addr
	frag, hbh    bool   // a Fragment, a Hop-by-Hop Options header
	proto        string // "tcp", "udp", "icmp6" or "" (a later fragment)
	sport, dport uint16
	flags        string // TCP flags present, in "FSRPAUEC" order, e.g. "SA"
	icmp         string // "type/code"
}

// packets6 decodes c's frames: its IPv6 packets, and every frame that
// carries no IPv6 packet, described.
func packets6(c *capture.Capture) (ps []pkt6, others []string) {
	for _, p := range c.Packets {
		pk := gopacket.NewPacket(p.Data, layers.LinkType(c.LinkType), gopacket.Default)
		ip, ok := pk.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
		if !ok {
			others = append(others, pk.String())
			continue
		}
		q := pkt6{src: netip.AddrFrom16([16]byte(ip.SrcIP.To16())), dst: netip.AddrFrom16([16]byte(ip.DstIP.To16()))}
		q.frag = pk.Layer(layers.LayerTypeIPv6Fragment) != nil
		q.hbh = pk.Layer(layers.LayerTypeIPv6HopByHop) != nil
		switch l := pk.TransportLayer().(type) {
		case *layers.TCP:
			q.proto, q.sport, q.dport = "tcp", uint16(l.SrcPort), uint16(l.DstPort)
			for _, f := range []struct {
				on bool
				c  string
			}{{l.FIN, "F"}, {l.SYN, "S"}, {l.RST, "R"}, {l.PSH, "P"}, {l.ACK, "A"}, {l.URG, "U"}, {l.ECE, "E"}, {l.CWR, "C"}} {
				if f.on {
					q.flags += f.c
				}
			}
		case *layers.UDP:
			q.proto, q.sport, q.dport = "udp", uint16(l.SrcPort), uint16(l.DstPort)
		}
		if icmp, ok := pk.Layer(layers.LayerTypeICMPv6).(*layers.ICMPv6); ok {
			q.proto, q.icmp = "icmp6", fmt.Sprintf("%d/%d", icmp.TypeCode.Type(), icmp.TypeCode.Code())
		}
		ps = append(ps, q)
	}
	return ps, others
}

// outsideLab6 lists the packets whose source or destination is neither
// in the lab's IPv6 block nor link-scoped (fe80::/10, ff02::/16).
func outsideLab6(ps []pkt6) []string {
	var out []string
	for _, p := range ps {
		if !labnet.Contains6(p.dst) && !labnet.LinkScope6(p.dst) || !labnet.Contains6(p.src) && !labnet.LinkScope6(p.src) {
			out = append(out, fmt.Sprintf("%s > %s %s", p.src, p.dst, p.proto))
		}
	}
	return out
}

// probes are ps's packets from the scan namespace to dst of proto whose
// TCP flags (tcp) or ICMPv6 type/code (icmp6) are exactly what (any when
// empty); answers are those from dst back.
func probes(ps []pkt6, dst netip.Addr, proto, what string) []pkt6 {
	return pick(ps, netns.ScanNSAddr6, dst, proto, what)
}

func answers(ps []pkt6, from netip.Addr, proto, what string) []pkt6 {
	return pick(ps, from, netns.ScanNSAddr6, proto, what)
}

func pick(ps []pkt6, src, dst netip.Addr, proto, what string) []pkt6 {
	var out []pkt6
	for _, p := range ps {
		if p.src != src || p.dst != dst || p.proto != proto {
			continue
		}
		if what == "" || p.flags == what && proto == "tcp" || p.icmp == what && proto == "icmp6" {
			out = append(out, p)
		}
	}
	return out
}

// dports are the distinct destination ports of ps.
func dports(ps []pkt6) map[uint16]bool {
	m := map[uint16]bool{}
	for _, p := range ps {
		m[p.dport] = true
	}
	return m
}

var (
	victim6 = netip.MustParseAddr("2001:2::c612:102") // fig2-syn's and tech-udp's victim, tech-ping-sweep's alpha
	bravo6  = netip.MustParseAddr("2001:2::c612:105")
	charlie = netip.MustParseAddr("2001:2::c612:109")
)

var _ = Describe("{NAME6} in a captured tool's arguments", func() {
	s := &scenarios.Scenario{Network: scenarios.Network{Hosts: []scenarios.Host{
		{Host: labnet.Host{Name: "victim", Addr: netip.MustParseAddr("198.18.1.2"), Stack: labnet.Kernel}},
		{Host: labnet.Host{Name: "h1", Addr: netip.MustParseAddr("198.18.1.3")}},
		{Host: labnet.Host{Name: "h16", Addr: netip.MustParseAddr("198.18.1.4")}},
		{Host: labnet.Host{Name: "old", Addr: netip.MustParseAddr("198.18.2.2"), Stack: labnet.Personality("linux-2.0.35")}},
	}}}
	DescribeTable("stands for a host's IPv6 address",
		func(arg, want string, v6 bool) {
			got, gotV6, err := verifier.Substitute([]string{arg}, s)
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal([]string{want}))
			Expect(gotV6).To(Equal(v6))
		},
		Entry("{name}: the IPv4 address", "{victim}", "198.18.1.2", false),
		Entry("{name6}", "{victim6}", "2001:2::c612:102", true),
		Entry("{name:6}", "{victim:6}", "2001:2::c612:102", true),
		Entry("inside a URL", "http://[{victim6}]:80/", "http://[2001:2::c612:102]:80/", true),
		Entry("both families in one argument", "{victim},{victim:6}", "198.18.1.2,2001:2::c612:102", true),
		Entry("a host's exact name wins over the 6 suffix", "{h16}", "198.18.1.4", false),
		Entry("... and {h1:6} still names h1's", "{h1:6}", "2001:2::c612:103", true),
		Entry("an emulated host's IPv4 address", "{old}", "198.18.2.2", false),
		Entry("no such host: left alone", "{nobody6}", "{nobody6}", false),
		Entry("no such host with :6: left alone", "{nobody:6}", "{nobody:6}", false),
		Entry("not a token", "{1,2}", "{1,2}", false),
	)

	DescribeTable("is refused for an emulated stack, which has no IPv6",
		func(arg string) {
			_, _, err := verifier.Substitute([]string{arg}, s)
			Expect(err).To(MatchError(ContainSubstring(`host "old" is an emulated stack`)))
			_, err = verifier.RunExternal(context.Background(), s, []string{"true", arg}, io.Discard, io.Discard)
			Expect(err).To(MatchError(verifier.ErrSetup))
		},
		Entry("{old6}", "{old6}"),
		Entry("{old:6}", "x={old:6}"),
	)
})

// Today's tools over IPv6 in a live lab: the scan namespace's
// 2001:2::c613:1 reaches the kernel hosts' derived addresses and nothing
// else, and the sensor keeps the IPv6 frames.
var _ = Describe("today's scanners over IPv6, captured live", Label("root"), func() {
	BeforeEach(func() {
		netnstest.RequireRoot()
		for _, tool := range []string{"nmap", "ping"} {
			_, err := exec.LookPath(tool)
			Expect(err).NotTo(HaveOccurred(), "%s is not installed: .ci/run must apt-get install nmap iputils-ping", tool)
		}
	})

	run := func(scenario string, argv ...string) []pkt6 {
		s, err := scenarios.Find(scenario)
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, err := verifier.RunExternal(ctx, s, argv, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Dropped).To(BeZero())
		Expect(c.LinkType).To(Equal(capture.LinkTypeEthernet))
		ps, others := packets6(c)
		Expect(others).To(BeEmpty(), "an IPv6 tool, and the lab adds nothing of its own")
		Expect(outsideLab6(ps)).To(BeEmpty())
		Expect(netnstest.Leftovers(strconv.Itoa(os.Getpid())+"-")).To(BeEmpty(), "RunExternal took its lab down")
		return ps
	}

	It("nmap -6 -sS: IPv6 SYNs to the victim's IPv6 address and their answers, nothing outside the lab", func() {
		ps := run("fig2-syn", "nmap", "-6", "-n", "-sS", "-Pn", "-p22,80", "{victim6}")
		Expect(dports(probes(ps, victim6, "tcp", "S"))).To(Equal(map[uint16]bool{22: true, 80: true}))
		Expect(answers(ps, victim6, "tcp", "SA")).NotTo(BeEmpty(), "22 is open")
		Expect(answers(ps, victim6, "tcp", "RA")).NotTo(BeEmpty(), "80 is closed")
		for _, a := range answers(ps, victim6, "tcp", "") {
			Expect([]uint16{22, 80}).To(ContainElement(a.sport))
		}
	})

	It("curl -6: an ordinary TCP conversation over IPv6", func() {
		ps := run("benign-web-dns", "sh", "-c", "curl -6 -s --http0.9 --max-time 0.3 -o /dev/null 'http://[{www6}]:80/'; true")
		s, err := scenarios.Find("benign-web-dns")
		Expect(err).NotTo(HaveOccurred())
		www, ok := s.Host("www")
		Expect(ok).To(BeTrue())
		www6, err := labnet.IPv6(www.Addr)
		Expect(err).NotTo(HaveOccurred())
		Expect(probes(ps, www6, "tcp", "S")).NotTo(BeEmpty(), "curl's SYN")
		Expect(answers(ps, www6, "tcp", "SA")).To(HaveLen(1))
		var data int
		for _, p := range answers(ps, www6, "tcp", "PA") {
			if p.sport == 80 {
				data++
			}
		}
		Expect(data).To(BeNumerically(">=", 1), "the lab's server answers a line over IPv6")
	})

	It("ping -6: an ICMPv6 echo and its reply", func() {
		ps := run("fig2-syn", "ping", "-6", "-n", "-c1", "-W2", "{victim:6}")
		Expect(probes(ps, victim6, "icmp6", "128/0")).To(HaveLen(1))
		Expect(answers(ps, victim6, "icmp6", "129/0")).To(HaveLen(1))
	})
})

// detector/testdata/real6 holds today's nmap over IPv6, captured by
// scripts/capture-real-scanners6.sh for the detector's IPv6 work. Each
// file must hold what its name says, and only lab traffic.
var _ = Describe("the IPv6 captures of today's scanners in detector/testdata/real6", func() {
	all100 := func(m map[uint16]bool) bool {
		for p := uint16(1); p <= 100; p++ {
			if !m[p] {
				return false
			}
		}
		return len(m) == 100
	}
	DescribeTable("hold IPv6 packets of the kind named, to and from the lab only",
		func(name string, check func(ps []pkt6)) {
			c, err := capture.ReadFile(filepath.Join("..", "detector", "testdata", "real6", name+".pcap"))
			Expect(err).NotTo(HaveOccurred())
			Expect(c.LinkType).To(Equal(capture.LinkTypeEthernet))
			ps, others := packets6(c)
			Expect(others).To(BeEmpty())
			Expect(ps).NotTo(BeEmpty())
			Expect(outsideLab6(ps)).To(BeEmpty())
			check(ps)
		},
		Entry("nmap -6 -sS", "nmap6-syn", func(ps []pkt6) {
			Expect(all100(dports(probes(ps, victim6, "tcp", "S")))).To(BeTrue())
			Expect(answers(ps, victim6, "tcp", "SA")).NotTo(BeEmpty())
			Expect(answers(ps, victim6, "tcp", "RA")).NotTo(BeEmpty())
			Expect(probes(ps, victim6, "tcp", "R")).NotTo(BeEmpty(), "the scanner's kernel resets the half-open connections")
		}),
		Entry("nmap -6 -sT", "nmap6-connect", func(ps []pkt6) {
			syns := probes(ps, victim6, "tcp", "SEC") // today's kernel asks for ECN? then SEC, else S
			if len(syns) == 0 {
				syns = probes(ps, victim6, "tcp", "S")
			}
			Expect(all100(dports(syns))).To(BeTrue())
			Expect(dports(probes(ps, victim6, "tcp", "A"))).To(HaveKey(uint16(22)), "the handshake completes on open ports")
		}),
		Entry("nmap -6 -sF", "nmap6-fin", func(ps []pkt6) {
			Expect(all100(dports(probes(ps, victim6, "tcp", "F")))).To(BeTrue())
			Expect(answers(ps, victim6, "tcp", "RA")).NotTo(BeEmpty())
		}),
		Entry("nmap -6 -sA", "nmap6-ack", func(ps []pkt6) {
			Expect(all100(dports(probes(ps, victim6, "tcp", "A")))).To(BeTrue())
			Expect(answers(ps, victim6, "tcp", "R")).NotTo(BeEmpty())
		}),
		Entry("nmap -6 -sU", "nmap6-udp", func(ps []pkt6) {
			Expect(dports(probes(ps, victim6, "udp", ""))).To(Equal(map[uint16]bool{53: true, 69: true, 111: true, 123: true, 161: true, 514: true}))
			Expect(answers(ps, victim6, "icmp6", "1/4")).NotTo(BeEmpty(), "closed UDP ports: ICMPv6 port unreachable")
		}),
		Entry("nmap -6 -O", "nmap6-os", func(ps []pkt6) {
			Expect(len(probes(ps, victim6, "tcp", "S"))).To(BeNumerically(">=", 6), "the six sequence probes")
			var t2 int
			for _, p := range probes(ps, victim6, "tcp", "") {
				if p.flags == "" {
					t2++
				}
			}
			Expect(t2).To(BeNumerically(">=", 1), "T2: no flags")
			Expect(probes(ps, victim6, "tcp", "FSPU")).NotTo(BeEmpty(), "T3")
			var ie []pkt6
			for _, p := range probes(ps, victim6, "icmp6", "128/9") {
				if p.hbh {
					ie = append(ie, p)
				}
			}
			Expect(ie).NotTo(BeEmpty(), "IE1: an echo request with a bad code behind a Hop-by-Hop header")
			Expect(answers(ps, victim6, "icmp6", "1/4")).NotTo(BeEmpty(), "U1's port unreachable")
		}),
		Entry("IPv6 fragments (ping -6 -s 3000; nmap 7.93 refuses -f with -6)", "ping6-frag", func(ps []pkt6) {
			var out, back int
			for _, p := range ps {
				switch {
				case p.frag && p.src == netns.ScanNSAddr6 && p.dst == victim6:
					out++
				case p.frag && p.src == victim6 && p.dst == netns.ScanNSAddr6:
					back++
				}
			}
			Expect(out).To(BeNumerically(">=", 4), "two echo requests of three fragments")
			Expect(back).To(BeNumerically(">=", 4), "and their replies")
		}),
		Entry("nmap -6 -sn", "nmap6-sweep", func(ps []pkt6) {
			echoed := map[netip.Addr]bool{}
			for _, p := range ps {
				if p.src == netns.ScanNSAddr6 && p.icmp == "128/0" {
					echoed[p.dst] = true
				}
			}
			Expect(echoed).To(HaveLen(5), "three hosts and two addresses nobody owns")
			for _, h := range []netip.Addr{victim6, bravo6, charlie} {
				Expect(answers(ps, h, "icmp6", "129/0")).NotTo(BeEmpty(), "%s answers", h)
			}
			var ns []pkt6
			for _, p := range ps {
				if p.icmp == "135/0" && p.src == netns.ScanNSAddr6 && strings.HasPrefix(p.dst.String(), "ff02::1:ff") {
					ns = append(ns, p)
				}
			}
			Expect(ns).NotTo(BeEmpty(), "neighbour solicitation for the scan namespace's router")
			Expect(dports(probes(ps, victim6, "tcp", "S"))).To(HaveKey(uint16(443)))
		}),
	)
})
