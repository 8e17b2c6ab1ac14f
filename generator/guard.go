package generator

import (
	"errors"
	"fmt"
	"net/netip"
)

// ErrOutsideLab is returned (wrapped, with the address) for any
// destination outside the lab the generator runs in. Nothing is sent.
var ErrOutsideLab = errors.New("destination outside the lab")

// LabRange is the address block every lab lives in (RFC 2544's
// benchmarking range, 198.18.0.0/15).
var LabRange = netip.MustParsePrefix("198.18.0.0/15")

// Guard is the containment guard: the generator sends a packet only when
// its destination lies in one of the lab's prefixes, and every prefix lies
// within LabRange.
type Guard struct {
	allowed []netip.Prefix
}

// NewGuard returns a guard for the given prefixes (single hosts as /32).
// It refuses any prefix that is not inside LabRange.
func NewGuard(allowed ...netip.Prefix) (*Guard, error) {
	for _, p := range allowed {
		p = p.Masked()
		if !p.Addr().Is4() || !LabRange.Contains(p.Addr()) || p.Bits() < LabRange.Bits() {
			return nil, fmt.Errorf("%w: %s is not inside %s", ErrOutsideLab, p, LabRange)
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
	return fmt.Errorf("%w: %s", ErrOutsideLab, dst)
}

// CheckPacket checks the destination of a raw IPv4 packet.
func (g *Guard) CheckPacket(p []byte) error {
	if len(p) < 20 || p[0]>>4 != 4 {
		return fmt.Errorf("%w: not an IPv4 packet", ErrOutsideLab)
	}
	return g.Check(netip.AddrFrom4([4]byte(p[16:20])))
}
