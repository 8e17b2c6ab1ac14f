package link_test

import (
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

var host = netip.MustParseAddr("198.18.1.2")

// oneHost is the lab of the specs: one host with port 22 open.
var oneHost = netns.Spec{Hosts: []labnet.Host{{Name: "v", Addr: host, OpenTCP: []uint16{22}}}}

var _ = Describe("the TUN link", Label("root"), func() {
	var (
		lab *netns.Lab
		tun *link.TUN
		buf []byte
	)
	BeforeEach(func() {
		netnstest.RequireRoot()
		lab = netnstest.BuildLab(oneHost)
		tun = link.NewTUN(lab.TUN())
		DeferCleanup(tun.Close)
		buf = make([]byte, 65536)
	})
	syn := func(sport, dport uint16) {
		Expect(tun.WritePacket(wiretest.TCP(wire.IPHeader{TTL: 64, Src: lab.Scanner(), Dst: host},
			wire.TCPSegment{SPort: sport, DPort: dport, Seq: 1, Flags: wire.FlagSYN, Window: 4096}))).To(Succeed())
	}
	// next reads one packet, failing the spec if none comes within a second.
	next := func() wire.Packet {
		n, at, err := tun.ReadPacket(buf, time.Now().Add(time.Second))
		Expect(err).NotTo(HaveOccurred())
		Expect(at).To(BeTemporally("~", time.Now(), 100*time.Millisecond))
		p, ok := wire.ParsePacket(append([]byte(nil), buf[:n]...))
		Expect(ok).To(BeTrue())
		return p
	}

	It("reads the answers to a burst in arrival order, each once, then times out", func() {
		const burst = 500 // more than fit between two reads of the engine
		for i := range burst {
			syn(uint16(30000+i), 80) // closed: a RST each
		}
		for i := range burst {
			p := next()
			Expect(p.Src()).To(Equal(host))
			Expect(p.DPort()).To(BeEquivalentTo(30000+i), "answer %d", i)
		}
		start := time.Now()
		_, _, err := tun.ReadPacket(buf, time.Now().Add(50*time.Millisecond))
		Expect(err).To(MatchError(link.ErrTimeout))
		Expect(time.Since(start)).To(BeNumerically(">=", 50*time.Millisecond))
	})

	It("returns at once with ErrTimeout at a deadline already past, even before reading", func() {
		start := time.Now()
		_, _, err := tun.ReadPacket(buf, time.Now().Add(-time.Millisecond))
		Expect(err).To(MatchError(link.ErrTimeout))
		Expect(time.Since(start)).To(BeNumerically("<", 20*time.Millisecond))
	})

	It("stops reading at Close, leaving the device to the next reader", func() {
		syn(40022, 22)
		Expect(next().SPort()).To(BeEquivalentTo(22))
		Expect(tun.Close()).To(Succeed())
		Expect(tun.Close()).To(Succeed(), "twice is fine")

		syn(40023, 22)
		Expect(netnstest.ReadReply(lab.TUN(), 22, 2*time.Second)).NotTo(BeNil(), "the closed link took it")

		again := link.NewTUN(lab.TUN()) // the deadline ReadReply left is no obstacle
		DeferCleanup(again.Close)
		syn(40024, 22)
		n, _, err := again.ReadPacket(buf, time.Now().Add(time.Second))
		Expect(err).NotTo(HaveOccurred())
		p, ok := wire.ParsePacket(buf[:n])
		Expect(ok).To(BeTrue())
		Expect(p.DPort()).To(BeEquivalentTo(40024))
	})
})
