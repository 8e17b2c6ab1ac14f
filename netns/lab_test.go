package netns_test

import (
	"bufio"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vnetns "github.com/vishvananda/netns"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/netns/nsthread"
	"github.com/siglab/siglab/wire"
)

var _ = Describe("a live lab with one host", Ordered, Label("root"), func() {
	var (
		lab    *netns.Lab
		victim = netip.MustParseAddr("198.18.1.2")
	)
	BeforeAll(func() {
		lab = netnstest.BuildLab(victimSpec("198.18.1.2"))
	})

	It("names itself <pid>-<seq> and its namespaces siglab-<id>-<role>", func() {
		Expect(lab.ID()).To(MatchRegexp(fmt.Sprintf(`^%d-\d+$`, os.Getpid())))
		id := lab.ID()
		Expect(lab.Namespaces()).To(Equal([]string{
			"siglab-" + id + "-scan", "siglab-" + id + "-sens", "siglab-" + id + "-h0"}))
		for _, n := range lab.Namespaces() {
			Expect(exists(n)).To(BeTrue(), n)
		}
		Expect(lab.Scanner()).To(Equal(labnet.DefaultScanner))
		Expect(lab.SensorIface()).To(Equal("siglab-dn0"))
		_, ok := lab.HostNS("victim")
		Expect(ok).To(BeTrue())
		_, ok = lab.HostNS("nobody")
		Expect(ok).To(BeFalse())
	})

	It("puts nothing in the caller's namespace", func() {
		Expect(netnstest.RootLinks()).To(BeEmpty())
	})

	It("sends nothing unsolicited out of the TUN (no IPv6 noise)", func() {
		buf := make([]byte, 2048)
		Expect(lab.TUN().SetReadDeadline(time.Now().Add(300 * time.Millisecond))).To(Succeed())
		n, err := lab.TUN().Read(buf)
		Expect(err).To(MatchError(os.ErrDeadlineExceeded), "got %d bytes: % x", n, buf[:n])
	})

	DescribeTable("answers a SYN written to the TUN with the real kernel's reply",
		func(dport uint16, open bool) {
			r := exchange(lab, victim, 40000+dport, dport)
			Expect(r).NotTo(BeNil(), "no reply from port %d", dport)
			Expect(r.Src()).To(Equal(victim))
			Expect(r.Dst()).To(Equal(lab.Scanner()))
			Expect(r.TTL()).To(BeEquivalentTo(62), "two routers (sensor, scanner ns) on the way back")
			Expect(r.Ack()).To(BeEquivalentTo(1001))
			Expect(r.HasFlags(wire.FlagACK)).To(BeTrue())
			Expect(r.HasFlags(wire.FlagSYN)).To(Equal(open))
			Expect(r.HasFlags(wire.FlagRST)).To(Equal(!open))
		},
		Entry("open 1", uint16(1), true),
		Entry("open 7", uint16(7), true),
		Entry("open 9", uint16(9), true),
		Entry("open 13", uint16(13), true),
		Entry("open 19", uint16(19), true),
		Entry("open 21", uint16(21), true),
		Entry("open 22", uint16(22), true),
		Entry("open 23", uint16(23), true),
		Entry("open 25", uint16(25), true),
		Entry("closed 2", uint16(2), false),
		Entry("closed 26", uint16(26), false),
		Entry("closed 80", uint16(80), false),
	)

	It("drops packets for lab addresses nobody owns, silently", func() {
		_, err := lab.TUN().Write(syn(lab.Scanner(), netip.MustParseAddr("198.18.1.99"), 40100, 22, 1))
		Expect(err).NotTo(HaveOccurred())
		Expect(netnstest.ReadReply(lab.TUN(), 22, 300*time.Millisecond)).To(BeNil())
	})

	It("lets a real socket in the scanner namespace talk to the listener", func() {
		c := netnstest.DialFrom(lab.ScannerNS(), netip.AddrPortFrom(victim, 22))
		Expect(c.LocalAddr().String()).To(HavePrefix("198.19.0.1:"))
		r := bufio.NewReader(c)
		for range 2 { // every chunk gets its own line
			_, err := c.Write([]byte("SSH-1.5-probe\r\n"))
			Expect(err).NotTo(HaveOccurred())
			Expect(c.SetReadDeadline(time.Now().Add(2 * time.Second))).To(Succeed())
			line, err := r.ReadString('\n')
			Expect(err).NotTo(HaveOccurred())
			Expect(line).To(Equal("siglab 22 ok\r\n"))
		}
	})

	It("configures every namespace: lo up, no IPv6, no rp_filter, forwarding on routers", func() {
		want := map[string]string{
			"net/ipv6/conf/all/disable_ipv6":     "1",
			"net/ipv6/conf/default/disable_ipv6": "1",
			"net/ipv4/conf/all/rp_filter":        "0",
			"net/ipv4/conf/default/rp_filter":    "0",
		}
		hostNS, _ := lab.HostNS("victim")
		for ns, forward := range map[nsthread.Handle]string{lab.ScannerNS(): "1", lab.SensorNS(): "1", hostNS: "0"} {
			got := map[string]string{}
			var lo string
			Expect(nsthread.Do(ns, func() error {
				for k := range want {
					b, err := os.ReadFile("/proc/sys/" + k)
					if err != nil {
						return err
					}
					got[k] = strings.TrimSpace(string(b))
				}
				b, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
				got["net/ipv4/ip_forward"] = strings.TrimSpace(string(b))
				if err != nil {
					return err
				}
				b, err = os.ReadFile("/sys/class/net/lo/operstate")
				lo = strings.TrimSpace(string(b))
				return err
			})).To(Succeed())
			want["net/ipv4/ip_forward"] = forward
			Expect(got).To(Equal(want))
			Expect(lo).To(Equal("unknown"), "lo is up (operstate of a loopback that is up)")
		}
	})

	It("runs Do on a thread inside the namespace and leaves the caller where it was", func() {
		before, err := vnetns.Get()
		Expect(err).NotTo(HaveOccurred())
		defer before.Close()
		var inside string
		Expect(nsthread.Do(lab.SensorNS(), func() error {
			h, err := vnetns.Get()
			if err != nil {
				return err
			}
			defer h.Close()
			inside = h.UniqueId()
			return nil
		})).To(Succeed())
		Expect(inside).To(Equal(lab.SensorNS().UniqueId()))
		Expect(inside).NotTo(Equal(before.UniqueId()))
		sentinel := errors.New("from fn")
		Expect(nsthread.Do(lab.SensorNS(), func() error { return sentinel })).To(MatchError(sentinel))
	})
})

var _ = Describe("lab lifecycle", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	It("leaves nothing behind after Close, which is idempotent and concurrent-safe", func() {
		fds := fdCount()
		lab := netnstest.BuildLab(victimSpec("198.18.1.2"))
		id, tun := lab.ID(), lab.TUN()
		c := netnstest.DialFrom(lab.ScannerNS(), netip.MustParseAddrPort("198.18.1.2:25"))
		_, err := c.Write([]byte("HELO x\r\n")) // a live connection Close must end
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Close()).To(Succeed())

		errs := make(chan error, 8)
		for range 8 {
			go func() { errs <- lab.Close() }()
		}
		for range 8 {
			Expect(<-errs).To(Succeed())
		}
		Expect(lab.Close()).To(Succeed())
		Expect(netnstest.Leftovers(id + "-")).To(BeEmpty())
		_, err = tun.Write(syn(lab.Scanner(), netip.MustParseAddr("198.18.1.2"), 1, 22, 1))
		Expect(err).To(HaveOccurred(), "the TUN file is closed")
		Expect(fdCount()).To(Equal(fds), "no handle, socket or TUN file leaked")
	})

	It("runs two labs side by side, with the same addresses, independently", func() {
		type built struct {
			lab *netns.Lab
			err error
		}
		ch := make(chan built, 2)
		for range 2 {
			go func() {
				l, err := netns.Build(victimSpec("198.18.7.7"))
				ch <- built{l, err}
			}()
		}
		var labs []*netns.Lab
		for range 2 {
			b := <-ch
			if b.lab != nil {
				DeferCleanup(b.lab.Close)
				labs = append(labs, b.lab)
			}
			Expect(b.err).NotTo(HaveOccurred())
		}
		Expect(labs[0].ID()).NotTo(Equal(labs[1].ID()))
		victim := netip.MustParseAddr("198.18.7.7")
		for _, l := range labs {
			Expect(exchange(l, victim, 41000, 22)).NotTo(BeNil())
		}
		// A SYN in one lab shows up in that lab's TUN only.
		_, err := labs[0].TUN().Write(syn(labs[0].Scanner(), victim, 41001, 23, 5))
		Expect(err).NotTo(HaveOccurred())
		Expect(netnstest.ReadReply(labs[1].TUN(), 23, 300*time.Millisecond)).To(BeNil())
		Expect(netnstest.ReadReply(labs[0].TUN(), 23, 2*time.Second)).NotTo(BeNil())

		Expect(labs[0].Close()).To(Succeed())
		Expect(exchange(labs[1], victim, 41002, 22)).NotTo(BeNil(), "still works after the other closed")
	})

	It("is ready when Build returns: the very first SYN is answered at once", func() {
		victim := netip.MustParseAddr("198.18.1.2")
		for i := range 5 { // the stall it guards against came one build in three or so
			lab := netnstest.BuildLab(victimSpec("198.18.1.2"))
			start := time.Now()
			_, err := lab.TUN().Write(syn(lab.Scanner(), victim, 45000, 22, 1))
			Expect(err).NotTo(HaveOccurred())
			Expect(netnstest.ReadReply(lab.TUN(), 22, 2*time.Second)).NotTo(BeNil())
			Expect(time.Since(start)).To(BeNumerically("<", 200*time.Millisecond), "build %d", i)
			Expect(lab.Close()).To(Succeed())
		}
	})

	It("CloseAll closes every open lab", func() {
		a := netnstest.BuildLab(netns.Spec{})
		b := netnstest.BuildLab(victimSpec("198.18.9.9"))
		Expect(netns.CloseAll()).To(Succeed())
		for _, l := range []*netns.Lab{a, b} {
			Expect(netnstest.Namespaces(l.ID() + "-")).To(BeEmpty())
		}
	})

	It("serves hosts sharing a /24 and reaching each other through the sensor", func() {
		lab := netnstest.BuildLab(netns.Spec{Hosts: []labnet.Host{
			{Name: "gw-one", Addr: netip.MustParseAddr("198.18.3.1"), OpenTCP: []uint16{21}},
			{Name: "two", Addr: netip.MustParseAddr("198.18.3.2"), OpenTCP: []uint16{22}},
		}})
		Expect(exchange(lab, netip.MustParseAddr("198.18.3.1"), 42000, 21)).NotTo(BeNil())
		Expect(exchange(lab, netip.MustParseAddr("198.18.3.2"), 42001, 22)).NotTo(BeNil())
		one, _ := lab.HostNS("gw-one")
		c := netnstest.DialFrom(one, netip.MustParseAddrPort("198.18.3.2:22"))
		_, err := c.Write([]byte("x"))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.SetReadDeadline(time.Now().Add(2 * time.Second))).To(Succeed())
		line, err := bufio.NewReader(c).ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		Expect(line).To(Equal("siglab 22 ok\r\n"))
	})

	It("uses a scanner address outside 198.18.0.0/24 too", func() {
		lab := netnstest.BuildLab(netns.Spec{Scanner: netip.MustParseAddr("198.18.200.5"),
			Hosts: []labnet.Host{{Name: "v", Addr: netip.MustParseAddr("198.18.1.2"), OpenTCP: []uint16{22}}}})
		r := exchange(lab, netip.MustParseAddr("198.18.1.2"), 43000, 22)
		Expect(r).NotTo(BeNil())
		Expect(r.Dst()).To(Equal(netip.MustParseAddr("198.18.200.5")))
	})
})

var _ = Describe("Clean", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	It("removes a dead process's namespaces and root siglab links, and spares live labs", func() {
		live := netnstest.BuildLab(victimSpec("198.18.1.2"))
		dead := "siglab-999999999-1-scan" // pid above pid_max: never alive
		makeNamed(dead)
		DeferCleanup(func() { _ = vnetns.DeleteNamed(dead) })
		stray := makeRootVeth("siglab-cln0", "siglab-cln1")

		removed, err := netns.Clean(false)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(ContainElements(dead, "link "+stray))
		Expect(exists(dead)).To(BeFalse())
		for _, n := range live.Namespaces() {
			Expect(exists(n)).To(BeTrue(), n)
			Expect(removed).NotTo(ContainElement(n))
		}
		Expect(netnstest.RootLinks()).To(BeEmpty())
		Expect(exchange(live, netip.MustParseAddr("198.18.1.2"), 44000, 22)).NotTo(BeNil())
	})

	It("removes the lab of a siglab process that was SIGKILLed", func() {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), orphanEnv+"=1")
		cmd.Stderr = GinkgoWriter
		out, err := cmd.StdoutPipe()
		Expect(err).NotTo(HaveOccurred())
		Expect(cmd.Start()).To(Succeed())
		DeferCleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		id, err := bufio.NewReader(out).ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		id = strings.TrimSpace(id)
		Expect(id).To(HavePrefix(fmt.Sprintf("%d-", cmd.Process.Pid)))
		Expect(cmd.Process.Kill()).To(Succeed())
		_ = cmd.Wait()
		DeferCleanup(netns.Clean, false) // in case the spec fails half-way

		Expect(netnstest.Namespaces(id+"-")).To(ConsistOf("siglab-"+id+"-scan", "siglab-"+id+"-sens", "siglab-"+id+"-h0"), "a killed run leaves its lab")
		removed, err := netns.Clean(false)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(ContainElements("siglab-"+id+"-scan", "siglab-"+id+"-sens", "siglab-"+id+"-h0"))
		Expect(netnstest.Leftovers(id + "-")).To(BeEmpty())
	})
})
