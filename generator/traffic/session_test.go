package traffic_test

import (
	"context"
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/generator/traffic"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

var _ = Describe("Ordinary TCP sessions", func() {
	It("complete handshake, request, reply and close, with no RST from either side", func() {
		var tcps []*layers.TCP
		net := simnet.New(simnet.Config{Seed: 3, Tap: func(_ time.Time, p []byte) {
			pk := gopacket.NewPacket(append([]byte(nil), p...), layers.LayerTypeIPv4, gopacket.Default)
			tcps = append(tcps, pk.Layer(layers.LayerTypeTCP).(*layers.TCP))
		}}, labnet.Host{Addr: victim, OpenTCP: []uint16{22}})
		g, _ := engine.NewGuard(netip.PrefixFrom(victim, 32))
		e := engine.NewEngine(net, scanner, g, 1)
		s := traffic.NewSessions(e, victim, 22, 3, time.Second, 9)
		e.Add(0, s)
		Expect(e.Run(context.Background())).To(Succeed())
		Expect(s.Failures).To(BeZero())
		syns := 0
		for _, t := range tcps {
			Expect(t.RST).To(BeFalse())
			if t.SYN && !t.ACK {
				syns++
				Expect(t.Options).NotTo(BeEmpty(), "a modern client SYN carries options")
			}
		}
		Expect(syns).To(Equal(3))
		// SYN, SYN/ACK, ACK, request, reply, FIN, FIN, ACK per session.
		Expect(tcps).To(HaveLen(3 * 8))
	})
})
