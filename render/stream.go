package render

import (
	"net/netip"
	"time"

	"github.com/siglab/siglab/capture"
)

// Stream renders packets one at a time as they arrive (`siglab lab
// watch`), keeping across them what Write keeps across a capture: with
// FAQ set, the connections whose scanner-kernel RSTs it leaves out.
type Stream struct {
	o    Options
	rsts kernelRSTs
}

// NewStream starts a stream with o.
func NewStream(o Options) *Stream { return &Stream{o: o} }

// Packet renders one frame (or packet) of link type lt, as Write would
// in its place in a capture; ok is false for what Write leaves out
// (frames other than IPv4 and IPv6, other sources than From, the FAQ's
// kernel RSTs).
func (s *Stream) Packet(lt capture.LinkType, t time.Time, data []byte) (line string, ok bool) {
	ip, err := capture.IPv4(lt, data)
	if err != nil {
		ip6, err := capture.IPv6(lt, data)
		if err != nil || (s.o.From.IsValid() && netip.AddrFrom16([16]byte(ip6[8:24])) != s.o.From) {
			return "", false
		}
		return Line6(t, ip6, s.o), true
	}
	if s.o.FAQ && s.rsts.drop(ip, "") {
		return "", false
	}
	if s.o.From.IsValid() && netip.AddrFrom4([4]byte(ip[12:16])) != s.o.From {
		return "", false
	}
	return Line(t, ip, s.o), true
}
