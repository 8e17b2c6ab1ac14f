package netns_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/nftables"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vishvananda/netlink"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/netns/nsthread"
	"github.com/siglab/siglab/sensor"
)

// The lab's IPv6: kernel hosts and the scan namespace have labnet.IPv6
// of their IPv4 addresses, routes for labnet.Range6 only, and nothing
// else of IPv6 (no default route, no router advertisements, no
// autoconfiguration, no MLD reports on the sensor's link).
var _ = Describe("a live lab's IPv6", Ordered, Label("root"), func() {
	var (
		lab                *netns.Lab
		kernel4            = netip.MustParseAddr("198.18.1.2")
		kernel6            = netip.MustParseAddr("2001:2::c612:102")
		persona6           = netip.MustParseAddr("2001:2::c612:202")
		hostNS             nsthread.Handle
		scan6              = netip.MustParseAddr("2001:2::c613:1")
		outside            = []string{"2001:db8::1", "2001:2:1::1", "2606:4700:4700::1111", "fc00::1", "2002:c612:102::1"}
		inside             = []string{"2001:2::c612:102", "2001:2::c612:103", "2001:2:0:ffff::1"}
		linksV6, linksNoV6 []string
	)
	BeforeAll(func() {
		lab = netnstest.BuildLab(netns.Spec{Hosts: []labnet.Host{
			{Name: "kernel", Addr: kernel4, OpenTCP: []uint16{22, 80}, FilteredTCP: []uint16{23}, ProhibitedTCP: []uint16{24}, OpenUDP: []uint16{53}},
			{Name: "persona", Addr: netip.MustParseAddr("198.18.2.2"), Stack: "personality/linux-2.0.35", OpenTCP: []uint16{22}},
		}})
		Expect(lab.IPv6()).To(BeTrue(), "this kernel has IPv6")
		hostNS, _ = lab.HostNS("kernel")
		linksV6 = []string{"siglab-up0", "siglab-dn0", "siglab-h0", "siglab-eth0"}
		linksNoV6 = []string{"siglab-tun0", "siglab-p1"}
	})

	It("derives the scan namespace's IPv6 address from its IPv4 one", func() {
		Expect(netns.ScanNSAddr6).To(Equal(scan6))
		v4, ok := labnet.IPv4Of(netns.ScanNSAddr6)
		Expect(ok).To(BeTrue())
		Expect(v4).To(Equal(netns.ScanNSAddr))
	})

	DescribeTable("gives each IPv6 link its address, usable at once (no DAD)",
		func(ns func() nsthread.Handle, link, want string) {
			addrs := globalAddrs6(ns(), link)
			Expect(addrs).To(HaveLen(1))
			Expect(addrs[0].IPNet.String()).To(Equal(want))
			Expect(addrs[0].Flags & (syscall.IFA_F_TENTATIVE | syscall.IFA_F_DADFAILED)).To(BeZero())
			Expect(addrs[0].Flags & syscall.IFA_F_NODAD).NotTo(BeZero())
		},
		Entry("scan namespace, toward the sensor", func() nsthread.Handle { return lab.ScannerNS() }, "siglab-up0", "2001:2::c613:1/126"),
		Entry("sensor, toward the scanner", func() nsthread.Handle { return lab.SensorNS() }, "siglab-dn0", "2001:2::c613:2/126"),
		Entry("kernel host", func() nsthread.Handle { return hostNS }, "siglab-eth0", "2001:2::c612:102/128"),
	)

	It("turns IPv6 on only on the veths, never accepting router advertisements or configuring itself", func() {
		conf := func(ns nsthread.Handle, link, key string) string {
			var v string
			Expect(nsthread.Do(ns, func() error {
				b, err := os.ReadFile("/proc/sys/net/ipv6/conf/" + link + "/" + key)
				v = strings.TrimSpace(string(b))
				return err
			})).To(Succeed())
			return v
		}
		where := map[string]nsthread.Handle{"siglab-up0": lab.ScannerNS(), "siglab-dn0": lab.SensorNS(),
			"siglab-h0": lab.SensorNS(), "siglab-eth0": hostNS, "siglab-tun0": lab.ScannerNS(), "siglab-p1": lab.SensorNS()}
		for _, link := range linksV6 {
			Expect(conf(where[link], link, "disable_ipv6")).To(Equal("0"), link)
			for _, key := range []string{"accept_ra", "autoconf", "accept_dad", "router_solicitations"} {
				Expect(conf(where[link], link, key)).To(Equal("0"), "%s %s", link, key)
			}
		}
		for _, link := range linksNoV6 {
			Expect(conf(where[link], link, "disable_ipv6")).To(Equal("1"), "%s: the generator's and the personas' TUNs stay IPv4", link)
		}
		for _, ns := range []nsthread.Handle{lab.ScannerNS(), lab.SensorNS(), hostNS} {
			for _, key := range []string{"accept_ra", "autoconf"} {
				Expect(conf(ns, "default", key)).To(Equal("0"), "default %s", key)
			}
			Expect(conf(ns, "default", "disable_ipv6")).To(Equal("1"), "links made later stay IPv4")
		}
	})

	DescribeTable("routes IPv6 for 2001:2::/48 only: no default route, nothing outside",
		func(ns func() nsthread.Handle) {
			var routes []netlink.Route
			lookups := map[string]error{}
			Expect(nsthread.Do(ns(), func() (err error) {
				for _, to := range append(append([]string(nil), outside...), inside...) {
					_, lookups[to] = netlink.RouteGet(net.ParseIP(to))
				}
				routes, err = netlink.RouteListFiltered(netlink.FAMILY_V6, &netlink.Route{Table: syscall.RT_TABLE_MAIN}, netlink.RT_FILTER_TABLE)
				return err
			})).To(Succeed())
			for _, r := range routes {
				Expect(r.Dst).NotTo(BeNil(), "a default route: %v", r)
				dst, ok := netip.AddrFromSlice(r.Dst.IP)
				Expect(ok).To(BeTrue())
				bits, _ := r.Dst.Mask.Size()
				Expect(bits).To(BeNumerically(">", 0), "a default route: %v", r)
				Expect(labnet.Contains6(dst) || dst.IsLinkLocalUnicast()).To(BeTrue(), "route outside the lab: %v", r)
			}
			for _, to := range outside {
				Expect(lookups[to]).To(MatchError(syscall.ENETUNREACH), "a route to %s", to)
			}
			Expect(lookups[inside[0]]).NotTo(HaveOccurred(), "the lab itself is routed")
		},
		Entry("the scan namespace, where captured tools run", func() nsthread.Handle { return lab.ScannerNS() }),
		Entry("the sensor namespace, every host's gateway", func() nsthread.Handle { return lab.SensorNS() }),
		Entry("a kernel host", func() nsthread.Handle { return hostNS }),
	)

	It("answers ping -6 from the scan namespace", func() {
		_, err := exec.LookPath("ping")
		Expect(err).NotTo(HaveOccurred(), "ping is not installed: .ci/run must apt-get install iputils-ping")
		cmd := exec.Command("ping", "-6", "-n", "-c1", "-W2", kernel6.String())
		cmd.Stdout, cmd.Stderr = GinkgoWriter, GinkgoWriter
		Expect(nsthread.Do(lab.ScannerNS(), cmd.Start)).To(Succeed())
		Expect(cmd.Wait()).To(Succeed())
	})

	It("serves a kernel host's open ports on its IPv6 address, from the scan namespace's", func() {
		c := netnstest.DialFrom(lab.ScannerNS(), netip.AddrPortFrom(kernel6, 80))
		Expect(netip.MustParseAddrPort(c.LocalAddr().String()).Addr()).To(Equal(scan6))
		_, err := c.Write([]byte("x"))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.SetReadDeadline(time.Now().Add(2 * time.Second))).To(Succeed())
		line, err := bufio.NewReader(c).ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		Expect(line).To(Equal("siglab 80 ok\r\n"))
	})

	It("applies the host's firewall to IPv6 as to IPv4 (one inet table)", func() {
		s, err := sensor.Start(lab.SensorNS(), lab.SensorIface())
		Expect(err).NotTo(HaveOccurred())
		dials := map[uint16]error{}
		Expect(nsthread.Do(lab.ScannerNS(), func() error {
			for _, port := range []uint16{22, 23, 24, 25} {
				c, err := net.DialTimeout("tcp6", netip.AddrPortFrom(kernel6, port).String(), 300*time.Millisecond)
				if err == nil {
					c.Close()
				}
				dials[port] = err
			}
			return nil
		})).To(Succeed())
		capt, err := s.Stop()
		Expect(err).NotTo(HaveOccurred())
		Expect(dials[22]).NotTo(HaveOccurred())
		Expect(dials[25]).To(MatchError(syscall.ECONNREFUSED))
		Expect(dials[23]).To(HaveOccurred())
		answers := map[uint16]string{}
		for _, p := range capt.Packets {
			pk := gopacket.NewPacket(p.Data, layers.LayerTypeEthernet, gopacket.Default)
			ip, ok := pk.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
			if !ok || !net.IP.Equal(ip.SrcIP, kernel6.AsSlice()) {
				continue
			}
			if tcp, ok := pk.Layer(layers.LayerTypeTCP).(*layers.TCP); ok && tcp.SYN && tcp.ACK {
				answers[uint16(tcp.SrcPort)] = "SYN/ACK"
			} else if ok && tcp.RST {
				answers[uint16(tcp.SrcPort)] = "RST"
			}
			if icmp, ok := pk.Layer(layers.LayerTypeICMPv6).(*layers.ICMPv6); ok && len(icmp.Payload) >= 4+40+4 {
				quoted := icmp.Payload[4+40:] // unused field, the offending IPv6 header, then its TCP ports
				answers[uint16(quoted[2])<<8|uint16(quoted[3])] = fmt.Sprintf("ICMPv6 %d/%d", icmp.TypeCode.Type(), icmp.TypeCode.Code())
			}
		}
		Expect(answers).To(Equal(map[uint16]string{22: "SYN/ACK", 24: "ICMPv6 1/1", 25: "RST"}), "23 is filtered: no answer")
	})

	It("has one nftables table in the kernel host and none but the MLD filter in the routers", func() {
		Expect(tableFamilies(hostNS)).To(Equal([]string{"siglab inet"}))
		Expect(tableFamilies(lab.ScannerNS())).To(Equal([]string{"siglab inet"}))
		Expect(tableFamilies(lab.SensorNS())).To(Equal([]string{"siglab inet"}))
	})

	It("leaves emulated stacks IPv4-only: their derived IPv6 address is dropped unanswered", func() {
		var err error
		Expect(nsthread.Do(lab.ScannerNS(), func() error {
			_, err = net.DialTimeout("tcp6", netip.AddrPortFrom(persona6, 22).String(), 300*time.Millisecond)
			return nil
		})).To(Succeed())
		var ne net.Error
		Expect(errors.As(err, &ne) && ne.Timeout()).To(BeTrue(), "%v: the sensor blackholes lab addresses no host owns", err)
	})

	It("puts no IPv6 frame in an IPv4 capture (no MLD reports, no DAD, no router solicitations)", func() {
		s, err := sensor.Start(lab.SensorNS(), lab.SensorIface())
		Expect(err).NotTo(HaveOccurred())
		Expect(exchange(lab, kernel4, 45000, 22)).NotTo(BeNil())
		time.Sleep(300 * time.Millisecond)
		c, err := s.Stop()
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Packets).NotTo(BeEmpty())
		for _, p := range c.Packets {
			pk := gopacket.NewPacket(p.Data, layers.LayerTypeEthernet, gopacket.Default)
			Expect(pk.Layer(layers.LayerTypeIPv6)).To(BeNil(), "%v", pk)
		}
	})

	It("captures IPv6 on the sensor's link, only to lab, link-local and link-scope multicast addresses", func() {
		s, err := sensor.Start(lab.SensorNS(), lab.SensorIface())
		Expect(err).NotTo(HaveOccurred())
		c := netnstest.DialFrom(lab.ScannerNS(), netip.AddrPortFrom(kernel6, 22))
		_, err = c.Write([]byte("x"))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.SetReadDeadline(time.Now().Add(2 * time.Second))).To(Succeed())
		_, err = bufio.NewReader(c).ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		c.Close()
		time.Sleep(100 * time.Millisecond)
		capt, err := s.Stop()
		Expect(err).NotTo(HaveOccurred())
		var syn, synack int
		for _, p := range capt.Packets {
			pk := gopacket.NewPacket(p.Data, layers.LayerTypeEthernet, gopacket.Default)
			ip, ok := pk.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
			if !ok {
				continue
			}
			dst, _ := netip.AddrFromSlice(ip.DstIP)
			Expect(labnet.Contains6(dst) || labnet.LinkScope6(dst)).To(BeTrue(), "%v", pk)
			src, _ := netip.AddrFromSlice(ip.SrcIP)
			if _, ok := pk.Layer(layers.LayerTypeTCP).(*layers.TCP); ok && src == kernel6 {
				Expect(ip.HopLimit).To(BeEquivalentTo(64-netns.CaptureHops), "the sensor forwards the host's answers once before siglab-dn0: %v", pk)
			} else if ok {
				Expect(ip.HopLimit).To(BeEquivalentTo(64), "the scan namespace's own kernel sends: %v", pk)
			}
			if tcp, ok := pk.Layer(layers.LayerTypeTCP).(*layers.TCP); ok && tcp.SYN {
				if !tcp.ACK && src == scan6 && dst == kernel6 {
					syn++
				}
				if tcp.ACK && src == kernel6 && dst == scan6 {
					synack++
				}
			}
		}
		Expect(syn).To(Equal(1))
		Expect(synack).To(Equal(1))
	})
})

var _ = Describe("a live lab's IPv6 between hosts", Label("root"), func() {
	It("lets kernel hosts reach each other through the sensor", func() {
		lab := netnstest.BuildLab(netns.Spec{Hosts: []labnet.Host{
			{Name: "one", Addr: netip.MustParseAddr("198.18.3.1"), OpenTCP: []uint16{21}},
			{Name: "two", Addr: netip.MustParseAddr("198.18.3.2"), OpenTCP: []uint16{22}},
		}})
		one, _ := lab.HostNS("one")
		c := netnstest.DialFrom(one, netip.MustParseAddrPort("[2001:2::c612:302]:22"))
		Expect(netip.MustParseAddrPort(c.LocalAddr().String()).Addr()).To(Equal(netip.MustParseAddr("2001:2::c612:301")))
		_, err := c.Write([]byte("x"))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.SetReadDeadline(time.Now().Add(2 * time.Second))).To(Succeed())
		line, err := bufio.NewReader(c).ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		Expect(line).To(Equal("siglab 22 ok\r\n"))
	})
})

var _ = Describe("a live lab's IPv6 persona", Label("root"), func() {
	// windows-2003-ipv6 speaks IPv6 alone (personality.Stack6): the
	// sensor routes its derived address into its TUN; its IPv4 address
	// gets no answer.
	It("serves an IPv6-speaking emulated stack at its derived address", func() {
		lab := netnstest.BuildLab(netns.Spec{Hosts: []labnet.Host{
			{Name: "zombie", Addr: netip.MustParseAddr("198.18.4.2"), Stack: "personality/windows-2003-ipv6", OpenTCP: []uint16{80}},
		}})
		dial := func(network, addr string) error {
			var err error
			Expect(nsthread.Do(lab.ScannerNS(), func() error {
				var c net.Conn
				if c, err = net.DialTimeout(network, addr, 500*time.Millisecond); err == nil {
					c.Close()
				}
				return nil
			})).To(Succeed())
			return err
		}
		// (Its open ports answer SYN/ACK but keep no connection: the
		// handshake's ACK is reset, so a dial there races the RST.)
		// The first try, within 500 ms: the lost neighbour solicitation
		// that once made it wait a second is gone (solicit_linux.go).
		Expect(dial("tcp6", "[2001:2::c612:402]:81")).To(MatchError(syscall.ECONNREFUSED), "a closed port's RST/ACK")
		var ne net.Error
		err := dial("tcp4", "198.18.4.2:80")
		Expect(errors.As(err, &ne) && ne.Timeout()).To(BeTrue(), "%v: its IPv4 side is not emulated", err)
	})
})

var _ = Describe("a live lab's IPv6 neighbours", Label("root"), func() {
	// The kernel joins a new address's solicited-node group from its
	// address-configuration work queue, after the netlink call; a
	// solicitation that came first was dropped and the lab's first IPv6
	// packet waited a second (about one build in 60, back to back).
	It("are listening for solicitations when Build returns, build after build", func() {
		netnstest.RequireRoot()
		joined := func(ns nsthread.Handle, link, group string) bool {
			var b []byte
			Expect(nsthread.Do(ns, func() (err error) {
				b, err = os.ReadFile("/proc/thread-self/net/igmp6")
				return err
			})).To(Succeed())
			for _, line := range strings.Split(string(b), "\n") {
				if f := strings.Fields(line); len(f) >= 3 && f[1] == link && f[2] == group {
					return true
				}
			}
			return false
		}
		for range 20 {
			lab, err := netns.Build(netns.Spec{Hosts: []labnet.Host{{Name: "v", Addr: netip.MustParseAddr("198.18.1.2"), OpenTCP: []uint16{22}}}})
			Expect(err).NotTo(HaveOccurred())
			if !lab.IPv6() {
				Expect(lab.Close()).To(Succeed())
				Skip("NOT RUN: this kernel has no IPv6")
			}
			host, ok := lab.HostNS("v")
			Expect(ok).To(BeTrue())
			// Read at once, before anything else can give the kernel time.
			hostJoined := joined(host, "siglab-eth0", "ff0200000000000000000001ff120102")       // 2001:2::c612:102
			gwJoined := joined(lab.SensorNS(), "siglab-h0", "ff0200000000000000000001ff000001") // fe80::1
			Expect(lab.Close()).To(Succeed())
			Expect(hostJoined).To(BeTrue(), "the host's address")
			Expect(gwJoined).To(BeTrue(), "the sensor's gateway address on the host's link")
		}
	})
})

var _ = Describe("a live lab's IPv6 teardown", Label("root"), func() {
	It("leaves no namespace and no link behind", func() {
		netnstest.RequireRoot()
		lab, err := netns.Build(netns.Spec{Hosts: []labnet.Host{{Name: "v", Addr: netip.MustParseAddr("198.18.1.2"), OpenTCP: []uint16{22}, FilteredTCP: []uint16{23}}}})
		Expect(err).NotTo(HaveOccurred())
		id := lab.ID()
		c := netnstest.DialFrom(lab.ScannerNS(), netip.MustParseAddrPort("[2001:2::c612:102]:22"))
		Expect(c.Close()).To(Succeed())
		Expect(lab.Close()).To(Succeed())
		Expect(netnstest.Leftovers(id + "-")).To(BeEmpty())
	})
})

// globalAddrs6 lists link's global IPv6 addresses in ns.
func globalAddrs6(ns nsthread.Handle, link string) []netlink.Addr {
	var out []netlink.Addr
	Expect(nsthread.Do(ns, func() error {
		l, err := netlink.LinkByName(link)
		if err != nil {
			return err
		}
		addrs, err := netlink.AddrList(l, netlink.FAMILY_V6)
		for _, a := range addrs {
			if !a.IP.IsLinkLocalUnicast() {
				out = append(out, a)
			}
		}
		return err
	})).To(Succeed())
	return out
}

// tableFamilies lists ns's nftables tables as "NAME FAMILY".
func tableFamilies(ns nsthread.Handle) []string {
	c, err := nftables.New(nftables.WithNetNSFd(int(ns)))
	Expect(err).NotTo(HaveOccurred())
	ts, err := c.ListTables()
	Expect(err).NotTo(HaveOccurred())
	fam := map[nftables.TableFamily]string{nftables.TableFamilyINet: "inet", nftables.TableFamilyIPv4: "ip", nftables.TableFamilyIPv6: "ip6"}
	var out []string
	for _, t := range ts {
		out = append(out, t.Name+" "+fam[t.Family])
	}
	return out
}
