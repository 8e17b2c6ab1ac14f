package engine_test

import (
	"context"
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/wire"
)

var victim = labnet.FirstHost

// recorder is a Link that keeps what is written and never answers.
type recorder struct {
	now     time.Time
	written [][]byte
}

func (r *recorder) WritePacket(p []byte) error {
	r.written = append(r.written, append([]byte(nil), p...))
	return nil
}
func (r *recorder) ReadPacket(_ []byte, deadline time.Time) (int, time.Time, error) {
	r.now = deadline
	return 0, time.Time{}, link.ErrTimeout
}
func (r *recorder) Now() time.Time { return r.now }
func (r *recorder) Close() error   { return nil }

// sender is an Actor that sends one SYN to dst and stops.
type sender struct {
	h   engine.Host
	dst netip.Addr
	err error
}

func (s *sender) Wake(time.Time) (time.Time, bool) {
	ih := wire.IPHeader{TTL: 64, Src: s.h.Addr(), Dst: s.dst}
	s.err = s.h.Send(wire.AppendTCP(nil, &ih, &wire.TCPSegment{SPort: 1, DPort: 2, Flags: wire.FlagSYN}))
	return time.Time{}, true
}
func (s *sender) Receive(time.Time, wire.Packet) time.Time { return time.Time{} }

var _ = Describe("Containment guard", func() {
	DescribeTable("refuses prefixes that are not inside the lab",
		func(prefix string) {
			_, err := engine.NewGuard(netip.MustParsePrefix(prefix))
			Expect(err).To(MatchError(labnet.ErrOutsideLab))
		},
		Entry("a private block", "10.0.0.0/8"),
		Entry("the lab's neighbour", "198.20.0.0/16"),
		Entry("wider than the lab", "198.16.0.0/14"),
		Entry("IPv6", "2001:db8::/64"),
	)

	It("approves only its prefixes", func() {
		g, err := engine.NewGuard(netip.PrefixFrom(victim, 32))
		Expect(err).NotTo(HaveOccurred())
		Expect(g.Check(victim)).To(Succeed())
		Expect(g.Check(netip.MustParseAddr("198.18.1.3"))).To(MatchError(labnet.ErrOutsideLab))
		Expect(g.CheckPacket([]byte{0x45})).To(MatchError(labnet.ErrOutsideLab))
	})

	DescribeTable("the engine writes a packet only when its guard approves the destination",
		func(dst netip.Addr, sent int) {
			g, err := engine.NewGuard(netip.PrefixFrom(victim, 32))
			Expect(err).NotTo(HaveOccurred())
			l := &recorder{now: time.Unix(0, 0)}
			e := engine.NewEngine(l, labnet.DefaultScanner, g, 1)
			s := &sender{h: e, dst: dst}
			e.Add(0, s)
			runErr := e.Run(context.Background())
			Expect(l.written).To(HaveLen(sent))
			if sent == 0 {
				Expect(s.err).To(MatchError(labnet.ErrOutsideLab))
				Expect(runErr).To(MatchError(labnet.ErrOutsideLab))
			}
		},
		Entry("a lab host", victim, 1),
		Entry("another lab address", netip.MustParseAddr("198.18.1.3"), 0),
		Entry("outside the lab", netip.MustParseAddr("203.0.113.5"), 0),
	)

	DescribeTable("the engine writes a packet only when its source is a lab address",
		func(src netip.Addr, sent int) {
			g, err := engine.NewGuard(netip.PrefixFrom(victim, 32))
			Expect(err).NotTo(HaveOccurred())
			l := &recorder{now: time.Unix(0, 0)}
			e := engine.NewEngine(l, labnet.DefaultScanner, g, 1)
			s := &spoofer{h: e, src: src, dst: victim}
			e.Add(0, s)
			runErr := e.Run(context.Background())
			Expect(l.written).To(HaveLen(sent))
			Expect(g.CheckSource(src) == nil).To(Equal(sent == 1))
			if sent == 0 {
				Expect(s.err).To(MatchError(labnet.ErrOutsideLab))
				Expect(s.err).To(MatchError(ContainSubstring("source " + src.String())))
				Expect(runErr).To(MatchError(labnet.ErrOutsideLab))
			}
		},
		Entry("the scanner", labnet.DefaultScanner, 1),
		Entry("a spoofed scanner-side address", netip.MustParseAddr("198.18.0.77"), 1),
		Entry("another lab address (a decoy may be one)", netip.MustParseAddr("198.18.9.9"), 1),
		Entry("the lab's neighbour", netip.MustParseAddr("198.20.0.1"), 0),
		Entry("a real address", netip.MustParseAddr("203.0.113.5"), 0),
		Entry("the unspecified address", netip.MustParseAddr("0.0.0.0"), 0),
	)
})

// spoofer is an Actor that sends one SYN from src to dst and stops.
type spoofer struct {
	h        engine.Host
	src, dst netip.Addr
	err      error
}

func (s *spoofer) Wake(time.Time) (time.Time, bool) {
	ih := wire.IPHeader{TTL: 64, Src: s.src, Dst: s.dst}
	s.err = s.h.Send(wire.AppendTCP(nil, &ih, &wire.TCPSegment{SPort: 1, DPort: 2, Flags: wire.FlagSYN}))
	return time.Time{}, true
}
func (s *spoofer) Receive(time.Time, wire.Packet) time.Time { return time.Time{} }
