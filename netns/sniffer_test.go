package netns_test

import (
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

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
})
