package capture_test

import (
	"bytes"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
)

var _ = Describe("pcapng with ground-truth comments", func() {
	It("reads back the packets and their nanosecond times, and carries each comment", func() {
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		t0 := time.Date(1998, 12, 22, 1, 41, 25, 180240123, time.UTC)
		c.Add(t0, []byte{0x45, 0, 0, 20, 0, 1, 0, 0, 64, 6, 0, 0, 198, 18, 0, 2, 198, 18, 1, 2}, "T3")
		c.Add(t0.Add(time.Millisecond), []byte{0x45, 0, 0, 21, 0, 2, 0, 0, 64, 6, 0, 0, 198, 18, 0, 2, 198, 18, 1, 2, 9}, "")
		c.Add(t0.Add(2*time.Millisecond), []byte{0x45, 0, 0, 20, 0, 3, 0, 0, 64, 6, 0, 0, 198, 18, 0, 2, 198, 18, 1, 2}, "TSeq 4/6")
		var b bytes.Buffer
		Expect(c.WritePcapNG(&b)).To(Succeed())
		Expect(b.Len() % 4).To(BeZero())
		back, err := readAll(b.Bytes())
		Expect(err).NotTo(HaveOccurred())
		Expect(back.LinkType).To(Equal(capture.LinkTypeRaw))
		Expect(back.Packets).To(HaveLen(3))
		for i, p := range back.Packets {
			Expect(p.Data).To(Equal(c.Packets[i].Data))
			Expect(p.Time.Equal(c.Packets[i].Time)).To(BeTrue(), "nanosecond timestamps")
		}
		Expect(bytes.Count(b.Bytes(), []byte("T3\x00\x00"))).To(Equal(1))
		Expect(bytes.Count(b.Bytes(), []byte("TSeq 4/6"))).To(Equal(1))
	})
})

func readAll(b []byte) (*capture.Capture, error) {
	src, err := capture.Open(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	c := &capture.Capture{LinkType: src.LinkType()}
	for {
		data, ci, err := src.ReadPacketData()
		if err != nil {
			return c, nil
		}
		c.Packets = append(c.Packets, capture.Packet{Time: ci.Timestamp, Data: data})
	}
}
