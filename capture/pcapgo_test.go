package capture_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
)

// record is one frame as a reader gave it.
type record struct {
	data                  []byte
	ts                    time.Time
	capLen, length, iface int
}

// readOurs reads every frame with capture.Open, by copy or zero-copy
// (copied here, before the next read).
func readOurs(b []byte, zeroCopy bool) (capture.LinkType, []record, error) {
	src, err := capture.Open(bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	read := src.ReadPacketData
	if zeroCopy {
		read = src.ZeroCopyReadPacketData
	}
	var out []record
	for {
		data, ci, err := read()
		if err != nil {
			return src.LinkType(), out, err
		}
		out = append(out, record{append([]byte{}, data...), ci.Timestamp, ci.CaptureLength, ci.Length, ci.InterfaceIndex})
	}
}

// pcapgoSource is what both of gopacket's file readers offer.
type pcapgoSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

// readPcapgo reads every frame with gopacket's pcapgo, the independent
// reader these specs hold capture's own against.
func readPcapgo(b []byte) (capture.LinkType, []record, error) {
	var src pcapgoSource
	var err error
	if bytes.HasPrefix(b, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		src, err = pcapgo.NewNgReader(bytes.NewReader(b), pcapgo.DefaultNgReaderOptions)
	} else {
		src, err = pcapgo.NewReader(bytes.NewReader(b))
	}
	if err != nil {
		return 0, nil, err
	}
	var out []record
	for {
		data, ci, err := src.ReadPacketData()
		if err != nil {
			return capture.LinkType(src.LinkType()), out, err
		}
		out = append(out, record{data, ci.Timestamp, ci.CaptureLength, ci.Length, ci.InterfaceIndex})
	}
}

// ngBuilder writes pcapng blocks in a chosen byte order, for the cases
// siglab's writer never produces: big-endian sections, simple and
// obsolete packet blocks, statistics and unknown blocks, several
// sections.
type ngBuilder struct {
	o interface {
		binary.ByteOrder
		binary.AppendByteOrder
	}
	b []byte
}

func (n *ngBuilder) block(typ uint32, body ...[]byte) *ngBuilder {
	var all []byte
	for _, p := range body {
		all = append(all, p...)
	}
	for len(all)%4 != 0 {
		all = append(all, 0)
	}
	total := uint32(12 + len(all))
	n.b = n.o.AppendUint32(n.b, typ)
	n.b = n.o.AppendUint32(n.b, total)
	n.b = append(n.b, all...)
	n.b = n.o.AppendUint32(n.b, total)
	return n
}

func (n *ngBuilder) u16(v ...uint16) []byte {
	var b []byte
	for _, x := range v {
		b = n.o.AppendUint16(b, x)
	}
	return b
}

func (n *ngBuilder) u32(v ...uint32) []byte {
	var b []byte
	for _, x := range v {
		b = n.o.AppendUint32(b, x)
	}
	return b
}

func (n *ngBuilder) section() *ngBuilder {
	return n.block(0x0A0D0D0A, n.u32(0x1A2B3C4D), n.u16(1, 0), n.u32(0xffffffff, 0xffffffff))
}

// iface adds an interface; tsresol 0 leaves the option out (microseconds).
func (n *ngBuilder) iface(lt uint16, snap uint32, tsresol byte) *ngBuilder {
	var opts []byte
	if tsresol != 0 {
		opts = append(n.u16(9, 1), tsresol, 0, 0, 0)
	}
	opts = append(opts, n.u16(0, 0)...)
	return n.block(1, n.u16(lt, 0), n.u32(snap), opts)
}

func (n *ngBuilder) epb(ifc uint32, ts uint64, data []byte, orig uint32) *ngBuilder {
	return n.block(6, n.u32(ifc, uint32(ts>>32), uint32(ts), uint32(len(data)), orig), data)
}

var _ = Describe("the pcap and pcapng readers against gopacket's pcapgo", func() {
	file := func(name string) func() []byte {
		return func() []byte {
			b, err := os.ReadFile("testdata/" + name)
			Expect(err).NotTo(HaveOccurred())
			return b
		}
	}
	frame := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*7 + n)
		}
		return b
	}
	ours := func() []byte { // siglab's own nanosecond pcap, and pcapng below
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		for i := range 5 {
			c.Add(time.Unix(915000000+int64(i), int64(i)*123456789), frame(20+i*13), "T1")
		}
		var b bytes.Buffer
		Expect(c.WritePcap(&b)).To(Succeed())
		return b.Bytes()
	}
	oursNg := func() []byte {
		c := &capture.Capture{LinkType: capture.LinkTypeEthernet}
		for i := range 5 {
			c.Add(time.Unix(915000000+int64(i), int64(i)*123456789), frame(60+i), "TSeq 1/6")
		}
		var b bytes.Buffer
		Expect(c.WritePcapNG(&b)).To(Succeed())
		return b.Bytes()
	}
	bigEndianPcap := func() []byte { // as a big-endian machine writes it
		var b []byte
		be := binary.BigEndian
		b = be.AppendUint32(b, 0xA1B2C3D4)
		b = be.AppendUint16(be.AppendUint16(b, 2), 4)
		b = be.AppendUint32(be.AppendUint32(be.AppendUint32(be.AppendUint32(b, 0), 0), 65535), 1)
		for i := range 3 {
			d := frame(54 + i)
			b = be.AppendUint32(be.AppendUint32(b, uint32(915000000+i)), uint32(999999-i))
			b = be.AppendUint32(be.AppendUint32(b, uint32(len(d))), uint32(len(d)+100))
			b = append(b, d...)
		}
		return b
	}
	bigEndianNg := func() []byte {
		n := &ngBuilder{o: binary.BigEndian}
		n.section().iface(1, 0, 0).
			epb(0, 1_500_000_000_123_456, frame(60), 60).
			block(5, n.u32(0, 0, 0), n.u16(0, 0)). // interface statistics
			block(0x0BAD, frame(9)).               // a block type nobody knows
			block(3, n.u32(64), frame(64)).        // simple packet
			block(2, n.u16(0, 0), n.u32(0, 77, 30, 30), frame(30)).
			iface(1, 0, 0x80|20). // a second interface in 2^-20 s
			epb(1, 3<<20, frame(61), 1500)
		return n.b
	}
	twoSections := func() []byte {
		n := &ngBuilder{o: binary.LittleEndian}
		n.section().iface(101, 0, 9).epb(0, 1_000_000_000_000_000_001, frame(20), 20)
		m := &ngBuilder{o: binary.BigEndian, b: n.b}
		m.section().iface(101, 0, 3).iface(1, 0, 3).epb(1, 5, frame(60), 60).epb(0, 6_001, frame(21), 21)
		return m.b
	}
	gzipped := func() []byte {
		var b bytes.Buffer
		z := gzip.NewWriter(&b)
		_, err := z.Write(file("ping6-micros.pcap")())
		Expect(err).NotTo(HaveOccurred())
		Expect(z.Close()).To(Succeed())
		return b.Bytes()
	}

	DescribeTable("read the same link type, frames, lengths and times",
		func(input func() []byte, want capture.LinkType, frames int) {
			b := input()
			lt, recs, err := readPcapgo(b)
			Expect(err).To(MatchError(io.EOF))
			Expect(recs).To(HaveLen(frames), "pcapgo's reading")
			Expect(lt).To(Equal(want))
			for _, zeroCopy := range []bool{false, true} {
				gotLT, got, err := readOurs(b, zeroCopy)
				Expect(err).To(MatchError(io.EOF))
				Expect(gotLT).To(Equal(lt))
				Expect(got).To(HaveLen(len(recs)))
				for i := range recs {
					Expect(got[i].data).To(Equal(recs[i].data), "frame %d", i+1)
					Expect(got[i].ts).To(Equal(recs[i].ts), "frame %d", i+1)
					Expect(got[i].capLen).To(Equal(recs[i].capLen))
					Expect(got[i].length).To(Equal(recs[i].length))
					Expect(got[i].iface).To(Equal(recs[i].iface))
				}
			}
		},
		Entry("tcpdump's nanosecond pcap", file("ping6-nanos.pcap"), capture.LinkTypeEthernet, 18),
		Entry("microsecond pcap (editcap)", file("ping6-micros.pcap"), capture.LinkTypeEthernet, 18),
		Entry("Wireshark's pcapng (editcap)", file("ping6.pcapng"), capture.LinkTypeEthernet, 18),
		Entry("pcapng of two link types (mergecap): the second's frames skipped", file("mixed-links.pcapng"), capture.LinkTypeEthernet, 18),
		Entry("siglab's pcap", ours, capture.LinkTypeRaw, 5),
		Entry("siglab's pcapng", oursNg, capture.LinkTypeEthernet, 5),
		Entry("big-endian microsecond pcap, frames cut short", bigEndianPcap, capture.LinkTypeEthernet, 3),
		Entry("big-endian pcapng: statistics, unknown, simple and obsolete blocks, a 2^-20 s interface", bigEndianNg, capture.LinkTypeEthernet, 4),
		Entry("two sections of either byte order", twoSections, capture.LinkTypeRaw, 2),
		Entry("gzip-compressed pcap", gzipped, capture.LinkTypeEthernet, 18),
	)

	It("converts a 2^-20 s timestamp exactly (pcapgo's integer scale rounds it)", func() {
		n := &ngBuilder{o: binary.LittleEndian}
		_, got, err := readOurs(n.section().iface(1, 0, 0x80|20).epb(0, 3<<20|1<<19, frame(60), 60).b, false)
		Expect(err).To(MatchError(io.EOF))
		Expect(got).To(HaveLen(1))
		Expect(got[0].ts).To(Equal(time.Unix(3, 500_000_000).UTC()))
	})

	It("keeps a zero-copy frame only until the next read, and a copied one for good", func() {
		for _, b := range [][]byte{ours(), oursNg()} {
			src, err := capture.Open(bytes.NewReader(b))
			Expect(err).NotTo(HaveOccurred())
			kept, _, err := src.ReadPacketData()
			Expect(err).NotTo(HaveOccurred())
			first := append([]byte{}, kept...)
			zc, _, err := src.ZeroCopyReadPacketData()
			Expect(err).NotTo(HaveOccurred())
			zcCopy := append([]byte{}, zc...)
			_, _, err = src.ZeroCopyReadPacketData()
			Expect(err).NotTo(HaveOccurred())
			Expect(kept).To(Equal(first))
			Expect(zc).NotTo(Equal(zcCopy), "the buffer is reused")
		}
	})

	// Where pcapgo panics or reads garbage, ours gives errors.
	DescribeTable("turn damage into errors",
		func(input func() []byte, want error) {
			_, recs, err := readOurs(input(), false)
			Expect(err).To(MatchError(want))
			_, zrecs, zerr := readOurs(input(), true)
			Expect(zerr).To(MatchError(want))
			Expect(zrecs).To(HaveLen(len(recs)))
		},
		Entry("a record cut short", func() []byte { b := ours(); return b[:len(b)-3] }, io.ErrUnexpectedEOF),
		Entry("a file cut right after a record header", func() []byte {
			b := ours()
			return b[:len(b)-len(frame(20+4*13))]
		}, io.ErrUnexpectedEOF),
		Entry("a pcapng block cut short", func() []byte { b := oursNg(); return b[:len(b)-5] }, io.ErrUnexpectedEOF),
		Entry("a timestamp resolution of 2^-64, whose unit count pcapgo divides by as zero", func() []byte {
			n := &ngBuilder{o: binary.LittleEndian}
			return n.section().iface(1, 0, 0x80|64).epb(0, 1, frame(60), 60).b
		}, capture.ErrFormat),
		Entry("a record longer than the snap length", func() []byte {
			b := ours()
			binary.LittleEndian.PutUint32(b[16:], 10)
			return b
		}, capture.ErrFormat),
		Entry("a pcapng packet longer than its block", func() []byte {
			n := &ngBuilder{o: binary.LittleEndian}
			n.section().iface(1, 0, 9)
			return n.block(6, n.u32(0, 0, 0, 4000, 4000), frame(60)).b
		}, capture.ErrFormat),
		Entry("a pcapng block whose lengths disagree", func() []byte {
			b := oursNg()
			b[len(b)-1] ^= 1
			return b
		}, capture.ErrFormat),
		Entry("a packet on an interface that was never described", func() []byte {
			n := &ngBuilder{o: binary.LittleEndian}
			return n.section().iface(1, 0, 9).epb(3, 1, frame(60), 60).b
		}, capture.ErrFormat),
		Entry("a length claiming gigabytes in a short file", func() []byte {
			b := ours()
			binary.LittleEndian.PutUint32(b[16:], 1<<31)
			binary.LittleEndian.PutUint32(b[24+8:], 1<<30)
			binary.LittleEndian.PutUint32(b[24+12:], 1<<30)
			return b
		}, io.ErrUnexpectedEOF),
	)

	It("refuses what is neither pcap nor pcapng", func() {
		for _, b := range [][]byte{[]byte("not a capture at all, longer than a header"), {0x0a, 0x0d}, nil} {
			_, err := capture.Open(bytes.NewReader(b))
			Expect(errors.Is(err, capture.ErrFormat)).To(BeTrue(), "%q: %v", b, err)
		}
	})
})
