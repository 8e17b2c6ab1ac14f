package generator_test

import (
	"encoding/binary"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
	"github.com/siglab/siglab/wire"
)

var _ = Describe("Tiny fragments (-f)", func() {
	DescribeTable("split each probe into 36 bytes with MF and 24 bytes at offset 16, one IP ID, window 2048",
		func(opt string, flags byte, zeroSeq bool) {
			run := runNmap("-P0 -f "+opt+" -p7 victim", 606, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
			var frags []wirePacket
			for _, w := range run.wire {
				if w.ip.SrcIP.Equal(scanner.AsSlice()) && binary.BigEndian.Uint16(w.raw[6:])&0x3fff != 0 {
					frags = append(frags, w)
				}
			}
			Expect(frags).To(HaveLen(2), "port 7 is closed: one probe, two fragments")
			first, second := frags[0].raw, frags[1].raw
			Expect(first).To(HaveLen(36))
			Expect(binary.BigEndian.Uint16(first[6:])).To(Equal(uint16(0x2000)), "MF, offset 0")
			Expect(second).To(HaveLen(24))
			Expect(binary.BigEndian.Uint16(second[6:])).To(Equal(uint16(2)), "offset 2 (16 bytes), MF clear")
			Expect(first[4:6]).To(Equal(second[4:6]), "one IP ID")
			Expect(first[8]).To(Equal(second[8]), "one TTL (send_small_fragz's own)")
			Expect(wire.Checksum(first[:20])).To(BeZero())
			Expect(wire.Checksum(second[:20])).To(BeZero())
			tcp := append(append([]byte{}, first[20:]...), second[20:]...)
			Expect(tcp[13]).To(Equal(flags))
			Expect(binary.BigEndian.Uint16(tcp[14:])).To(Equal(uint16(2048)), "the fragment path's fixed window")
			Expect(tcp[12]).To(Equal(byte(0x50)), "no options")
			Expect(binary.BigEndian.Uint32(tcp[4:]) == 0).To(Equal(zeroSeq))
			pseudo := append(append([]byte{}, first[12:20]...), 0, 6, 0, 20)
			Expect(wire.Checksum(append(pseudo, tcp...))).To(BeZero(), "the checksum covers the whole header")
		},
		Entry("SYN: seq is sequences[try]", "-sS", byte(0x02), false),
		Entry("FIN: a random seq, unlike the plain FIN probe's 0", "-sF", byte(0x01), false),
	)
})
