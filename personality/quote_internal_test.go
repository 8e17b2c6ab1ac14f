package personality

import (
	"bytes"
	"encoding/binary"
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/siglab/siglab/wire"
)

// The quoting knobs the six records do not all use (RIPTL+20, ULEN, DAT,
// a recomputed or broken checksum) are data a future personality sets;
// each must do to the quote what nmap's PU test would read.
var _ = Describe("ICMP error quoting", func() {
	var orig []byte
	BeforeEach(func() {
		h := wire.IPHeader{ID: 0x1234, TTL: 52, Src: netip.MustParseAddr("198.18.0.2"), Dst: netip.MustParseAddr("198.18.1.2")}
		orig = wire.AppendUDP(nil, &h, 42558, 35401, bytes.Repeat([]byte{'A'}, 300))
	})
	quote := func(q quoting) []byte {
		var buf [4 + maxQuote]byte
		n := q.quoteBody(buf[:], orig)
		Expect(buf[:4]).To(Equal([]byte{0, 0, 0, 0}), "the unused word")
		return append([]byte(nil), buf[4:n]...)
	}
	hdrOK := func(d []byte) bool { return wire.Checksum(d[:20]) == 0 }

	DescribeTable("how much is quoted (IPLEN = 28 + this)",
		func(q quoting, n int) { Expect(quote(q)).To(HaveLen(n)) },
		Entry("RFC 792: header + 8 (IPLEN 38)", quoting{quoteData: 8}, 28),
		Entry("Solaris: header + 64 (IPLEN 70)", quoting{quoteData: 64}, 84),
		Entry("Linux: all of it (IPLEN 164)", quoting{quoteData: quoteAll}, 328),
		Entry("never past 576 bytes in all", quoting{quoteData: 1000}, 328),
	)

	It("keeps everything as received by default (RID, RIPCK, UCK, ULEN, DAT all E)", func() {
		d := quote(quoting{quoteData: quoteAll})
		Expect(d).To(Equal(orig))
	})

	It("adds 20 to the quoted total length (AIX, BSDI: RIPTL=15C)", func() {
		d := quote(quoting{quoteData: 8, ripTLDelta: 20, ripck: sumRecompute})
		Expect(binary.BigEndian.Uint16(d[2:])).To(Equal(uint16(0x15C)))
		Expect(hdrOK(d)).To(BeTrue(), "recomputed over the changed header")
	})

	DescribeTable("the quoted IP ID (RID)",
		func(m idMangle, want uint16) {
			Expect(binary.BigEndian.Uint16(quote(quoting{quoteData: 8, rid: m})[4:])).To(Equal(want))
		},
		Entry("kept", idKeep, uint16(0x1234)), Entry("zeroed", idZero, uint16(0)), Entry("byte-swapped", idSwap, uint16(0x3412)),
	)

	DescribeTable("the quoted IP checksum (RIPCK)",
		func(q quoting, check func([]byte)) { check(quote(q)) },
		Entry("kept: valid while nothing else changed", quoting{quoteData: 8}, func(d []byte) { Expect(hdrOK(d)).To(BeTrue()) }),
		Entry("kept after a swapped ID: wrong (F)", quoting{quoteData: 8, rid: idSwap}, func(d []byte) { Expect(hdrOK(d)).To(BeFalse()) }),
		Entry("zeroed (0)", quoting{quoteData: 8, ripck: sumZero}, func(d []byte) { Expect(d[10:12]).To(Equal([]byte{0, 0})) }),
		Entry("recomputed after a swapped ID (E)", quoting{quoteData: 8, rid: idSwap, ripck: sumRecompute}, func(d []byte) { Expect(hdrOK(d)).To(BeTrue()) }),
		Entry("broken: wrong and not zero (F)", quoting{quoteData: 8, ripck: sumBroken}, func(d []byte) {
			Expect(hdrOK(d)).To(BeFalse())
			Expect(d[10:12]).NotTo(Equal([]byte{0, 0}))
		}),
	)

	DescribeTable("the quoted UDP header and data (UCK, ULEN, DAT)",
		func(q quoting, check func(u []byte)) { check(quote(q)[20:]) },
		Entry("UDP checksum zeroed (UCK=0)", quoting{quoteData: 8, uck: sumZero}, func(u []byte) { Expect(u[6:8]).To(Equal([]byte{0, 0})) }),
		Entry("UDP checksum broken (UCK=F)", quoting{quoteData: 8, uck: sumBroken}, func(u []byte) {
			Expect(u[6:8]).NotTo(Equal(orig[26:28]))
			Expect(u[6:8]).NotTo(Equal([]byte{0, 0}))
		}),
		Entry("UDP length changed (ULEN)", quoting{quoteData: 8, ulenDelta: -8}, func(u []byte) { Expect(binary.BigEndian.Uint16(u[4:])).To(Equal(uint16(0x12C))) }),
		Entry("payload cleared (DAT=F)", quoting{quoteData: 64, dat: datClear}, func(u []byte) { Expect(u[8:]).To(Equal(make([]byte, 56))) }),
		Entry("nothing to clear in a header-only quote (DAT=E)", quoting{quoteData: 8, dat: datClear}, func(u []byte) { Expect(u).To(HaveLen(8)) }),
	)

	It("quotes past IP options: header + 8 means the whole header", func() {
		withOpts := append([]byte{0x46}, orig[1:20]...)
		withOpts = append(withOpts, 1, 1, 1, 0) // four bytes of options
		withOpts = append(withOpts, orig[20:]...)
		binary.BigEndian.PutUint16(withOpts[2:], uint16(len(withOpts)))
		var buf [4 + maxQuote]byte
		q := quoting{quoteData: 8}
		Expect(q.quoteBody(buf[:], withOpts)).To(Equal(4 + 24 + 8))
	})
})
