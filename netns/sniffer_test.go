package netns_test

import (
	"net"
	"net/netip"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vishvananda/netlink"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/netns/nsthread"
)

// The catalogue suite proves containment by a sniffer in the host's
// namespace that must see no lab packet. Its silence means something
// only if it does see lab packets where there are some: here, in a
// lab's own sensor namespace.
var _ = Describe("the containment sniffer", Label("root"), func() {
	It("sees lab packets in a namespace that carries them", func() {
		victim := netip.MustParseAddr("198.18.1.2")
		lab := netnstest.BuildLab(netns.Spec{Hosts: []labnet.Host{{Name: "victim", Addr: victim, OpenTCP: []uint16{22}}}})
		var s *netnstest.Sniffer
		Expect(nsthread.Do(lab.SensorNS(), func() (err error) {
			s, err = netnstest.StartSniffer()
			return err
		})).To(Succeed())
		_, err := lab.TUN().Write(syn(lab.Scanner(), victim, 40222, 22, 1))
		Expect(err).NotTo(HaveOccurred())
		time.Sleep(200 * time.Millisecond)
		leaked, seen := s.Stop()
		Expect(seen).To(BeNumerically(">=", 2), "the SYN and its SYN/ACK, on two links each")
		Expect(leaked).To(ContainElement(ContainSubstring(lab.Scanner().String() + " > " + victim.String())))
	})

	It("sees lab IPv6 packets in a namespace that carries them", func() {
		victim6 := netip.MustParseAddr("2001:2::c612:102")
		lab := netnstest.BuildLab(netns.Spec{Hosts: []labnet.Host{{Name: "victim", Addr: netip.MustParseAddr("198.18.1.2"), OpenTCP: []uint16{22}}}})
		var s *netnstest.Sniffer
		Expect(nsthread.Do(lab.SensorNS(), func() (err error) {
			s, err = netnstest.StartSniffer()
			return err
		})).To(Succeed())
		Expect(netnstest.DialFrom(lab.ScannerNS(), netip.AddrPortFrom(victim6, 22)).Close()).To(Succeed())
		time.Sleep(200 * time.Millisecond)
		leaked, seen := s.Stop()
		Expect(seen).To(BeNumerically(">=", 4), "the handshake, on two links each")
		Expect(leaked).To(ContainElement(ContainSubstring(netns.ScanNSAddr6.String() + " > " + victim6.String() + " next header 6")))
	})
})

// `siglab capture` runs other tools (today's nmap, masscan, hping3) in
// the scan namespace with whatever arguments the user gives them; what
// keeps them in the lab is that the scan and sensor namespaces route the
// lab's range and nothing else. The route lookups send nothing.
var _ = Describe("the lab's namespaces route nothing outside the lab", Label("root"), func() {
	DescribeTable("a route lookup for an address outside the lab fails",
		func(ns func(*netns.Lab) nsthread.Handle) {
			lab := netnstest.BuildLab(netns.Spec{Hosts: []labnet.Host{{Name: "victim", Addr: netip.MustParseAddr("198.18.1.2")}}})
			// Gomega stays on the spec's goroutine: Do runs fn on a thread of its own.
			lookups := map[string]error{}
			Expect(nsthread.Do(ns(lab), func() error {
				for _, to := range []string{"203.0.113.5", "10.1.2.3", "8.8.8.8", "198.20.0.1", "198.18.1.2"} {
					_, lookups[to] = netlink.RouteGet(net.ParseIP(to))
				}
				return nil
			})).To(Succeed())
			for _, out := range []string{"203.0.113.5", "10.1.2.3", "8.8.8.8", "198.20.0.1"} {
				Expect(lookups[out]).To(MatchError(syscall.ENETUNREACH), "a route to %s", out)
			}
			Expect(lookups["198.18.1.2"]).NotTo(HaveOccurred(), "the lab itself is routed")
		},
		Entry("the scan namespace, where captured tools run", (*netns.Lab).ScannerNS),
		Entry("the sensor namespace, every host's gateway", (*netns.Lab).SensorNS),
	)
})
