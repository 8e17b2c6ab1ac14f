package traffic_test

import (
	"context"
	"encoding/binary"
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/generator/traffic"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
	"github.com/siglab/siglab/wire"
)

var _ = Describe("Ordinary DNS lookups", func() {
	It("builds a query the lab's servers answer with an A record", func() {
		q := wire.DNSQuery(0xbeef, "www.siglab.lab")
		r, err := wire.DNSAnswer(q, victim)
		Expect(err).NotTo(HaveOccurred())
		Expect(binary.BigEndian.Uint16(r)).To(Equal(uint16(0xbeef)))
		Expect(r[2]&0x80).NotTo(BeZero(), "QR: a response")
		Expect(binary.BigEndian.Uint16(r[6:])).To(Equal(uint16(1)), "one answer")
		Expect(r[len(r)-4:]).To(Equal(victim.AsSlice()))
		_, err = wire.DNSAnswer(r, victim)
		Expect(err).To(MatchError(wire.ErrNotDNSQuery), "a response is not answered")
		_, err = wire.DNSAnswer([]byte{1, 2, 3}, victim)
		Expect(err).To(MatchError(wire.ErrNotDNSQuery))
	})

	It("sends its lookups every interval and gets every answer from a simulated DNS server", func() {
		net := simnet.New(simnet.Config{Seed: 4}, labnet.Host{Addr: victim, OpenUDP: []uint16{53}})
		g, _ := engine.NewGuard(netip.PrefixFrom(victim, 32))
		e := engine.NewEngine(net, scanner, g, 1)
		d := traffic.NewDNSQueries(e, victim, 5, 300*time.Millisecond, 7)
		e.Add(0, d)
		Expect(e.Run(context.Background())).To(Succeed())
		Expect(d.Answered).To(Equal(5))
		Expect(d.Failures).To(BeZero())
	})
})
