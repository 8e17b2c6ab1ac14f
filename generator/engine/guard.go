package engine

import (
	"fmt"
	"net/netip"

	"github.com/siglab/siglab/labnet"
)

// Guard is the containment guard: the generator sends a packet only when
// its destination lies in one of the lab's prefixes, every prefix lies
// within labnet.Range, and its source lies within labnet.Range too (the
// scanner, a decoy, a flood's spoofed source: a lab address, so that
// whatever answers it stays in the lab). Its refusals wrap
// labnet.ErrOutsideLab: nothing is sent.
type Guard struct {
	allowed []netip.Prefix
}

// NewGuard returns a guard for the given prefixes (single hosts as /32).
// It refuses any prefix that is not inside labnet.Range.
func NewGuard(allowed ...netip.Prefix) (*Guard, error) {
	for _, p := range allowed {
		p = p.Masked()
		if !p.Addr().Is4() || !labnet.Range.Contains(p.Addr()) || p.Bits() < labnet.Range.Bits() {
			return nil, fmt.Errorf("%w: %s is not inside %s", labnet.ErrOutsideLab, p, labnet.Range)
		}
	}
	return &Guard{allowed: allowed}, nil
}

// Check reports whether dst may be sent to.
func (g *Guard) Check(dst netip.Addr) error {
	for _, p := range g.allowed {
		if p.Contains(dst) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s", labnet.ErrOutsideLab, dst)
}

// CheckSource reports whether a packet may carry src as its source: any
// address of the lab. The guard's prefixes are where packets may go; a
// source only has to keep the answers inside the lab.
func (g *Guard) CheckSource(src netip.Addr) error {
	if !labnet.Contains(src) {
		return fmt.Errorf("%w: source %s", labnet.ErrOutsideLab, src)
	}
	return nil
}

// CheckPacket checks the destination and the source of a raw IPv4
// packet.
func (g *Guard) CheckPacket(p []byte) error {
	if len(p) < 20 || p[0]>>4 != 4 {
		return fmt.Errorf("%w: not an IPv4 packet", labnet.ErrOutsideLab)
	}
	if err := g.Check(netip.AddrFrom4([4]byte(p[16:20]))); err != nil {
		return err
	}
	return g.CheckSource(netip.AddrFrom4([4]byte(p[12:16])))
}
