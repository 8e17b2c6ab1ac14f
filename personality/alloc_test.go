package personality_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/personality"
	"github.com/siglab/siglab/wire"
)

var _ = Describe("The per-packet path", func() {
	// Replies are built in buffers the stack reuses (they live until its
	// next Answer), so once those exist answering allocates nothing; only
	// a new connection's state does, as a kernel allocates a socket.
	DescribeTable("allocates nothing once its reply buffers exist",
		func(name string, p wire.Packet, allocs float64) {
			s, err := personality.New(labnet.Host{Stack: labnet.Stack(name), Addr: victim, OpenTCP: faqOpen, FilteredTCP: []uint16{111}}, 7)
			Expect(err).NotTo(HaveOccurred())
			s.Answer(t0, p) // first use: lazy state
			Expect(testing.AllocsPerRun(200, func() { s.Answer(t0, p) })).To(Equal(allocs))
		},
		Entry("SYN to an open port (SYN/ACK, connection tracked)", "irix-6.2", tcpProbe(magic+7, openPort, seqBase, syn|0x40, t1Options), 0.0),
		Entry("SYN to a closed port", "solaris-2.6", scanProbe(80, syn), 0.0),
		Entry("FIN to an open port (silence)", "linux-2.0.35", scanProbe(22, fin), 0.0),
		Entry("filtered", "windows-nt4", scanProbe(111, syn), 0.0),
		Entry("UDP to a closed port (PU)", "os2-warp-3", puProbe(), 0.0),
		Entry("not addressed to it", "os2-warp-3", wire.Packet(make([]byte, 40)), 0.0),
		Entry("the simulated kernel host: SYN to a closed port", "kernel", scanProbe(80, syn), 0.0),
		Entry("the simulated kernel host: SYN to an open port (a new connection's state)", "kernel", scanProbe(22, syn), 1.0),
	)
})

func BenchmarkAnswerT1(b *testing.B) {
	s := newStackB(b, "irix-6.2")
	p := tcpProbe(magic+7, openPort, seqBase, syn|0x40, t1Options)
	b.ReportAllocs()
	for b.Loop() {
		s.Answer(t0, p)
	}
}

func BenchmarkAnswerPU(b *testing.B) {
	s := newStackB(b, "linux-2.0.35")
	p := puProbe()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Answer(t0.Add(time.Duration(i)*time.Second), p) // stay under the rate limit
	}
}
