package generator_test

import (
	"encoding/binary"
	"net/netip"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
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

var _ = Describe("Tiny fragments with decoys (-f -D) in super_scan", func() {
	d1, d2 := netip.MustParseAddr("198.18.0.7"), netip.MustParseAddr("198.18.0.9")

	// 2.01's super_scan calls send_small_fragz once per decoy with seq 0,
	// and send_small_fragz (nmap.c) then draws th_seq = rand() + rand(),
	// stored without htonl, before the fragments' one IP ID, rand(): three
	// draws per copy, each copy its own seq.
	DescribeTable("draws a new seq and then an IP ID for every decoy copy, draw for draw with glibc's rand()",
		func(opt string, flags byte) {
			const seed, nports = 9090, 5
			run := runNmap("-P0 -f -D 198.18.0.7,ME,198.18.0.9 "+opt+" -p1-5 victim", seed, simnet.Config{Seed: 3}, labnet.Host{Addr: victim})
			g := generator.NewLibcRand(seed)
			magic := uint16(33000 + g.Rand()%31000) // ME given: no decoy draw
			order := []uint16{1, 2, 3, 4, 5}
			for i := range order {
				j := g.Rand() % nports
				order[i], order[j] = order[j], order[i]
			}
			srcs := []netip.Addr{d1, scanner, d2}
			var frags []wirePacket
			for _, w := range run.wire {
				a, _ := netip.AddrFromSlice(w.ip.SrcIP)
				if slices.Contains(srcs, a.Unmap()) && binary.BigEndian.Uint16(w.raw[6:])&0x3fff != 0 {
					frags = append(frags, w)
				}
			}
			Expect(frags).To(HaveLen(2*3*nports), "every port closed: one probe per port, three copies, two fragments each")
			seqs := map[uint32]bool{}
			for k := 0; k < len(frags); k += 2 {
				first, second := frags[k].raw, frags[k+1].raw
				copyNo := (k / 2) % 3
				Expect(first[12:16]).To(Equal(srcs[copyNo].AsSlice()), "copy %d leaves from its decoy, in list order", copyNo)
				seq := g.Rand() + g.Rand()
				id := uint16(g.Rand())
				tcp := append(append([]byte{}, first[20:]...), second[20:]...)
				Expect(binary.BigEndian.Uint16(tcp[0:])).To(Equal(magic))
				Expect(binary.BigEndian.Uint16(tcp[2:])).To(Equal(order[k/6]))
				Expect(tcp[13]).To(Equal(flags))
				Expect(binary.LittleEndian.Uint32(tcp[4:])).To(Equal(seq), "copy %d: rand()+rand() in host (x86) byte order", k/2)
				Expect(binary.LittleEndian.Uint16(first[4:])).To(Equal(id), "copy %d: the IP ID drawn after the seq", k/2)
				Expect(second[4:6]).To(Equal(first[4:6]))
				pseudo := append(append([]byte{}, first[12:20]...), 0, 6, 0, 20)
				Expect(wire.Checksum(append(pseudo, tcp...))).To(BeZero())
				seqs[binary.BigEndian.Uint32(tcp[4:])] = true
			}
			Expect(seqs).To(HaveLen(3*nports), "no two copies share a seq")
		},
		Entry("-sF", "-sF", byte(0x01)),
		Entry("-sX", "-sX", byte(0x29)),
		Entry("-sN", "-sN", byte(0x00)),
	)
})
