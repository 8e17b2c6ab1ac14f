package wire_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

var _ = Describe("Reassembler", func() {
	t0 := time.Date(1998, 12, 12, 0, 0, 0, 0, time.UTC)
	// A SYN with 24 bytes of options: 44 bytes of TCP, cut as nmap's -f
	// cuts (8 and 16 bytes in front, the rest last).
	syn := func(id uint16) []byte {
		return wiretest.TCP(wire.IPHeader{ID: id, TTL: 51, Src: src, Dst: dst, Proto: wire.ProtoTCP},
			wire.TCPSegment{SPort: 40000, DPort: 22, Seq: 1, Flags: wire.FlagSYN, Window: 3072,
				Options: wiretest.Options(wiretest.MSS(265), wiretest.WScale(10), wiretest.Timestamp(1, 0), []byte{1, 1, 1, 0, 0, 0, 0})})
	}

	DescribeTable("gives back the datagram byte for byte once its last piece is in, whatever the order",
		func(order []int) {
			whole := syn(7)
			pieces := wiretest.Fragments(whole, 8, 24)
			var r wire.Reassembler
			for i, k := range order {
				p := pieces[k]
				Expect(wire.IsFragment(p)).To(BeTrue())
				Expect(wire.WellFormedIPv4(p)).To(BeTrue())
				got := r.Add(t0, append([]byte(nil), p...))
				if i < len(order)-1 {
					Expect(got).To(BeNil(), "whole after %d of %d pieces", i+1, len(order))
					continue
				}
				Expect(got).To(Equal(whole))
				Expect(reserialised(got)).To(Equal(whole), "lengths and checksum right")
			}
		},
		Entry("in order", []int{0, 1, 2}),
		Entry("last first", []int{2, 0, 1}),
		Entry("first last", []int{1, 2, 0}),
		Entry("a piece twice", []int{0, 0, 2, 1}),
	)

	It("keeps what it needs: the caller may reuse its buffer", func() {
		whole := syn(8)
		var r wire.Reassembler
		buf := make([]byte, 0, 1500)
		var got []byte
		for _, p := range wiretest.Fragments(whole, 8, 24) {
			buf = append(buf[:0], p...)
			got = r.Add(t0, buf)
		}
		Expect(got).To(Equal(whole))
	})

	DescribeTable("never gives back a datagram it does not have whole",
		func(add func(r *wire.Reassembler) []byte) {
			var r wire.Reassembler
			Expect(add(&r)).To(BeNil())
		},
		Entry("a piece missing in the middle", func(r *wire.Reassembler) []byte {
			p := wiretest.Fragments(syn(9), 8, 24)
			r.Add(t0, p[0])
			return r.Add(t0, p[2])
		}),
		Entry("pieces of two datagrams (different IDs)", func(r *wire.Reassembler) []byte {
			a, b := wiretest.Fragments(syn(10), 8, 24), wiretest.Fragments(syn(11), 8, 24)
			r.Add(t0, a[0])
			r.Add(t0, b[1])
			return r.Add(t0, a[2])
		}),
		Entry("the last piece after the first waited longer than Linux's 30 s", func(r *wire.Reassembler) []byte {
			p := wiretest.Fragments(syn(12), 8, 24)
			r.Add(t0, p[0])
			r.Add(t0, p[1])
			return r.Add(t0.Add(31*time.Second), p[2])
		}),
	)

	It("holds at most 64 datagrams in pieces and drops the newcomers' pieces", func() {
		var r wire.Reassembler
		for id := uint16(100); id < 164; id++ {
			Expect(r.Add(t0, wiretest.Fragments(syn(id), 8, 24)[0])).To(BeNil())
		}
		late := wiretest.Fragments(syn(200), 8, 24)
		for _, p := range late {
			Expect(r.Add(t0, p)).To(BeNil(), "a 65th datagram is not queued")
		}
		early := wiretest.Fragments(syn(100), 8, 24)
		r.Add(t0, early[1])
		Expect(r.Add(t0, early[2])).To(Equal(syn(100)), "the queued ones still complete")
	})

	It("says which packets are pieces", func() {
		p := wiretest.Fragments(syn(13), 8, 24)
		Expect(wire.IsFragment(syn(13))).To(BeFalse())
		Expect(wire.IsFragment(p[0])).To(BeTrue(), "MF")
		Expect(wire.IsFragment(p[2])).To(BeTrue(), "offset")
		Expect(wire.WellFormedIPv4(p[0][:19])).To(BeFalse(), "shorter than a header")
	})
})
