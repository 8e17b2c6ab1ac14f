package capture_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
)

// viaPcapgo is the capture as gopacket's own nanosecond writer writes it.
func viaPcapgo(c *capture.Capture) []byte {
	var b bytes.Buffer
	w := pcapgo.NewWriterNanos(&b)
	Expect(w.WriteFileHeader(262144, layers.LinkType(c.LinkType))).To(Succeed())
	for _, p := range c.Packets {
		Expect(w.WritePacket(gopacket.CaptureInfo{Timestamp: p.Time, CaptureLength: len(p.Data), Length: len(p.Data)}, p.Data)).To(Succeed())
	}
	return b.Bytes()
}

// failAfter accepts n writes, then fails every one.
type failAfter struct{ n int }

var errDiskFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errDiskFull
	}
	f.n--
	return len(p), nil
}

var _ = Describe("PcapWriter", func() {
	t0 := time.Date(1998, 12, 22, 1, 41, 25, 180240123, time.UTC)
	// capOf is n packets of varied sizes and times, link type lt.
	capOf := func(lt capture.LinkType, sizes ...int) *capture.Capture {
		c := &capture.Capture{LinkType: lt}
		for i, n := range sizes {
			d := make([]byte, n)
			for j := range d {
				d[j] = byte(i + j)
			}
			c.Add(t0.Add(time.Duration(i)*1234567*time.Nanosecond), d, "")
		}
		return c
	}
	many := make([]int, 30000) // ~2.4 MB: several buffer flushes
	for i := range many {
		many[i] = 40 + i%80
	}

	DescribeTable("writes byte for byte what pcapgo's nanosecond writer writes",
		func(c *capture.Capture) {
			var b bytes.Buffer
			Expect(c.WritePcap(&b)).To(Succeed())
			Expect(b.Bytes()).To(Equal(viaPcapgo(c)))
		},
		Entry("no packets: the file header alone", capOf(capture.LinkTypeRaw)),
		Entry("a few raw IPv4 packets", capOf(capture.LinkTypeRaw, 20, 44, 60, 1500)),
		Entry("Ethernet link type", capOf(capture.LinkTypeEthernet, 60, 64)),
		Entry("more than the buffer holds", capOf(capture.LinkTypeRaw, many...)),
		Entry("a packet bigger than the buffer", capOf(capture.LinkTypeRaw, 100, 3<<20, 100)),
	)

	It("counts the packets and reads back with their nanosecond times", func() {
		c := capOf(capture.LinkTypeRaw, 40, 44, 1500)
		var b bytes.Buffer
		w := capture.NewPcapWriter(&b, capture.LinkTypeRaw)
		for _, p := range c.Packets {
			Expect(w.WritePacket(p.Time, p.Data)).To(Succeed())
		}
		Expect(w.Flush()).To(Succeed())
		Expect(w.Packets()).To(Equal(3))
		back, err := readAll(b.Bytes())
		Expect(err).NotTo(HaveOccurred())
		Expect(back.Packets).To(HaveLen(3))
		for i, p := range back.Packets {
			Expect(p.Data).To(Equal(c.Packets[i].Data))
			Expect(p.Time.Equal(c.Packets[i].Time)).To(BeTrue())
		}
	})

	It("keeps the first write error and returns it from then on", func() {
		// Each packet is bigger than the writer's buffer, so each
		// WritePacket writes what the one before left: the file header
		// (the first write), then the first packet (the second).
		w := capture.NewPcapWriter(&failAfter{n: 2}, capture.LinkTypeRaw)
		big := make([]byte, 600<<10)
		Expect(w.WritePacket(t0, big)).To(Succeed(), "buffered")
		Expect(w.WritePacket(t0, big)).To(Succeed(), "the first buffer is written")
		Expect(w.WritePacket(t0, big)).To(MatchError(errDiskFull), "the second is not")
		Expect(w.WritePacket(t0, []byte{1})).To(MatchError(errDiskFull))
		Expect(w.Flush()).To(MatchError(errDiskFull))
	})

	It("reports an error the last write hits", func() {
		w := capture.NewPcapWriter(&failAfter{n: 0}, capture.LinkTypeRaw)
		Expect(w.WritePacket(t0, []byte{1, 2, 3})).To(Succeed(), "buffered")
		Expect(w.Flush()).To(MatchError(errDiskFull))
	})

	It("does not allocate per packet", func() {
		w := capture.NewPcapWriter(io.Discard, capture.LinkTypeRaw)
		p := make([]byte, 60)
		Expect(testing.AllocsPerRun(100000, func() { _ = w.WritePacket(t0, p) })).To(BeZero())
		Expect(w.Flush()).To(Succeed())
	})
})
