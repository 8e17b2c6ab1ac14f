package simnet_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

// fragments splits a 40-byte TCP probe as nmap 2.02's -f did: 36 bytes
// (the IP header and the first 16 TCP bytes, MF) and 24 (the last 4, at
// offset 16), one IP ID.
func fragments(whole []byte) (first, second []byte) {
	f := wiretest.Fragments(whole, 16)
	return f[0], f[1]
}

var _ = Describe("IP fragments (nmap's -f)", func() {
	var (
		n      *simnet.Network
		onWire [][]byte
	)
	BeforeEach(func() {
		onWire = nil
		n = simnet.New(simnet.Config{Seed: 1, Tap: func(_ time.Time, p []byte) { onWire = append(onWire, append([]byte{}, p...)) }},
			labnet.Host{Addr: victim, Stack: "irix-6.2", OpenTCP: []uint16{22}})
	})
	read := func() wire.Packet {
		buf := make([]byte, 1500)
		l, _, err := n.ReadPacket(buf, n.Now().Add(time.Second))
		if err != nil {
			return nil
		}
		return wire.Packet(buf[:l])
	}

	It("crosses the wire in pieces and is answered once whole", func() {
		a, b := fragments(syn(victim, 40000, 22))
		Expect(n.WritePacket(a)).To(Succeed())
		Expect(read()).To(BeNil(), "half a datagram gets no answer")
		Expect(n.WritePacket(b)).To(Succeed())
		r := read()
		Expect(r).NotTo(BeNil())
		Expect(r.HasFlags(wire.FlagSYN | wire.FlagACK)).To(BeTrue())
		Expect(r.Ack()).To(Equal(uint32(1001)))
		Expect(onWire[:2]).To(Equal([][]byte{a, b}), "the sensor sees the fragments, not the reassembly")
	})

	It("takes the pieces in any order", func() {
		a, b := fragments(syn(victim, 40000, 22))
		Expect(n.WritePacket(b)).To(Succeed())
		Expect(n.WritePacket(a)).To(Succeed())
		Expect(read()).NotTo(BeNil())
	})

	It("forgets pieces that waited more than 30 seconds", func() {
		a, b := fragments(syn(victim, 40000, 22))
		Expect(n.WritePacket(a)).To(Succeed())
		Expect(read()).To(BeNil())
		buf := make([]byte, 10)
		n.ReadPacket(buf, n.Now().Add(31*time.Second))
		Expect(n.WritePacket(b)).To(Succeed())
		Expect(read()).To(BeNil())
	})

	It("still refuses a malformed fragment", func() {
		a, _ := fragments(syn(victim, 40000, 22))
		Expect(n.WritePacket(a[:30])).To(MatchError(ContainSubstring("malformed")))
	})
})
