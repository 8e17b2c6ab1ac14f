package generator_test

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
	"github.com/siglab/siglab/wire"
)

var _ = Describe("Host discovery (massping)", func() {
	absent := netip.MustParseAddr("198.18.1.7")

	It("sends per try an 8-byte ICMP echo, then a TCP ACK to port 80 whose seq ends in 011, five tries 6 s apart", func() {
		const seed = 2024
		run := runNmap("-sP 198.18.1.7", seed, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		g := generator.NewLibcRand(seed)
		magic := uint16(33000 + g.Rand()%31000)
		id := uint16(g.Rand()) // one echo id per massping call; no port list, so no shuffle
		ttl := byte(simnet.Epoch.Unix()%14 + 51)
		var sent []wirePacket
		for _, w := range run.wire {
			if w.ip.DstIP.Equal(absent.AsSlice()) {
				sent = append(sent, w)
			}
		}
		Expect(sent).To(HaveLen(10), "a lone silent host gets all five tries")
		for try := 0; try < 5; try++ {
			echo, ack := sent[2*try].raw, sent[2*try+1].raw
			By("the echo: IP length 28, no DF, send_ip_raw's TTL, id and seq in host byte order")
			Expect(echo).To(HaveLen(28))
			Expect(echo[9]).To(Equal(byte(1)))
			Expect(binary.BigEndian.Uint16(echo[4:])).To(Equal(bits.ReverseBytes16(uint16(g.Rand()))))
			Expect(binary.BigEndian.Uint16(echo[6:])).To(BeZero())
			Expect(echo[8]).To(Equal(ttl))
			Expect(echo[20:22]).To(Equal([]byte{8, 0}))
			Expect(wire.Checksum(echo[20:])).To(BeZero())
			Expect(binary.BigEndian.Uint16(echo[24:])).To(Equal(bits.ReverseBytes16(id)))
			Expect(binary.BigEndian.Uint16(echo[26:])).To(Equal(bits.ReverseBytes16(uint16(0*5 + try))))
			By("the ACK: from M+20+try to port 80, ack 0, seq (rand<<19)+((host*5+try)<<3)+3")
			seq := g.Rand()<<19 + uint32(0*5+try)<<3 + 3
			Expect(ack).To(HaveLen(40))
			Expect(binary.BigEndian.Uint16(ack[4:])).To(Equal(bits.ReverseBytes16(uint16(g.Rand()))))
			Expect(binary.BigEndian.Uint16(ack[20:])).To(Equal(magic + 20 + uint16(try)))
			Expect(binary.BigEndian.Uint16(ack[22:])).To(Equal(uint16(80)))
			Expect(binary.BigEndian.Uint32(ack[24:])).To(Equal(seq))
			Expect(binary.BigEndian.Uint32(ack[24:]) & 7).To(Equal(uint32(3)))
			Expect(binary.BigEndian.Uint32(ack[28:])).To(BeZero())
			Expect(ack[33]).To(Equal(byte(0x10)))
			Expect(binary.BigEndian.Uint16(ack[34:])).To(Equal(uint16(1024 * (uint16(ttl%4) + 1))))
			Expect(tcpChecksumOK(ack)).To(BeTrue())
			if try > 0 {
				Expect(sent[2*try].t.Sub(sent[2*try-2].t)).To(BeNumerically("~", 6*time.Second, time.Millisecond))
			}
		}
		Expect(run.nmap.Output()).To(HaveSuffix("Nmap run completed -- 1 IP address (0 hosts up) scanned in 30 seconds\n"))
	})
})
