//go:build linux

package netns_test

import (
	"net/netip"
	"os"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/wire"
)

var _ = Describe("a replay namespace", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	victim := netip.MustParseAddr("198.18.1.2")
	syn := func(src netip.Addr, dport uint16) []byte {
		h := &wire.IPHeader{TTL: 62, Src: src, Dst: victim, Proto: wire.ProtoTCP}
		return wire.AppendTCP(nil, h, &wire.TCPSegment{SPort: 40000, DPort: dport, Seq: 1, Flags: wire.FlagSYN, Window: 3072})
	}

	It("takes packets written to its TUN as inbound, answers lab addresses into the TUN and nobody else, and goes on Close", func() {
		lab, err := netns.BuildReplay("replay", []netip.Addr{victim})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { Expect(lab.Close()).To(Succeed()) })
		Expect(lab.Namespaces()).To(Equal([]string{netns.Prefix + lab.ID() + "-replay"}))
		ns, ok := lab.HostNS("replay")
		Expect(ok).To(BeTrue())
		Expect(ns).To(Equal(lab.ScannerNS()))
		Expect(netnstest.LinksIn(ns)).To(ConsistOf("lo", "siglab-tun0"))

		_, err = lab.TUN().Write(syn(labnet.DefaultScanner, 1)) // a closed port: the kernel answers RST
		Expect(err).NotTo(HaveOccurred())
		rst := netnstest.AwaitTUN(lab.TUN(), 2*time.Second, func(p wire.Packet) bool { return p.IsTCP() })
		Expect(rst).NotTo(BeNil())
		Expect(rst.Dst()).To(Equal(labnet.DefaultScanner))
		Expect(rst.HasFlags(wire.FlagRST)).To(BeTrue())

		_, err = lab.TUN().Write(syn(netip.MustParseAddr("192.0.2.9"), 1)) // outside the lab: no route back
		Expect(err).NotTo(HaveOccurred())
		Expect(netnstest.ReadTUN(lab.TUN(), 300*time.Millisecond, func(wire.Packet) bool { return true })).To(BeEmpty())

		Expect(lab.Close()).To(Succeed())
		Expect(netnstest.Namespaces(lab.ID() + "-")).To(BeEmpty())
	})

	DescribeTable("refuses what it cannot build, leaving nothing",
		func(role string, addrs []netip.Addr, want error) {
			_, err := netns.BuildReplay(role, addrs)
			Expect(err).To(MatchError(want))
			Expect(netnstest.Namespaces(strconv.Itoa(os.Getpid()) + "-")).To(BeEmpty())
		},
		Entry("an address outside the lab", "replay", []netip.Addr{netip.MustParseAddr("192.0.2.1")}, labnet.ErrOutsideLab),
		Entry("an address twice", "replay", []netip.Addr{victim, victim}, netns.ErrBadSpec),
		Entry("no role", "", []netip.Addr{victim}, netns.ErrBadSpec),
	)
})
