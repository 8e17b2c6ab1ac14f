package picture_test

import (
	"bytes"
	"math/rand/v2"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/picture"
	"github.com/siglab/siglab/wire"
)

var _ = Describe("a full-range scan", func() {
	It("draws 131,070 packets (every port in random order, each answered) in bounded time and size", func() {
		k := newCrafted()
		ports := rand.New(rand.NewPCG(1, 2)).Perm(65535)
		for i, p := range ports {
			at := t0.Add(time.Duration(i) * 150 * time.Microsecond)
			dport := uint16(p + 1)
			k.c.Add(at, wire.AppendTCP(nil, &wire.IPHeader{TTL: 60, Src: scanner, Dst: victim, Proto: 6},
				&wire.TCPSegment{SPort: 40000, DPort: dport, Seq: 7, Flags: syn}), "")
			k.c.Add(at.Add(50*time.Microsecond), wire.AppendTCP(nil, &wire.IPHeader{TTL: 60, Src: victim, Dst: scanner, Proto: 6},
				&wire.TCPSegment{SPort: dport, DPort: 40000, Flags: rst | ack}), "")
		}
		var b bytes.Buffer
		start := time.Now()
		s, err := picture.WriteSVG(&b, &k.c, nil, picture.Options{})
		took := time.Since(start)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Packets).To(Equal(131070))
		Expect(s.View).To(Equal(picture.ViewPort))
		// At most one mark per kind and colour per grid cell.
		Expect(s.Marks).To(BeNumerically("<=", 2*161*101))
		Expect(b.Len()).To(BeNumerically("<", 4<<20))
		Expect(took).To(BeNumerically("<", 10*time.Second))
		GinkgoWriter.Printf("%d marks, %d bytes, %v\n", s.Marks, b.Len(), took)
	})
})
