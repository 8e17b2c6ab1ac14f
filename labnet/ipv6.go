package labnet

import (
	"fmt"
	"net/netip"
)

// The IPv6 plan. Kernel hosts and the scan namespace also have an IPv6
// address, from RFC 5180's benchmarking block 2001:2::/48, the IPv6
// analogue of Range: each is the host's IPv4 address written into the
// low 32 bits of Embed6 (198.18.1.2 -> 2001:2::c612:102, 198.19.0.1 ->
// 2001:2::c613:1), so the two addresses of a host name each other and
// no scenario needs a second address. The generator and the emulated
// stacks stay IPv4-only, but for personality.SpeaksIPv6's (an IPv6
// idle-scan zombie), which answer at that derived address.
var (
	// Range6 is the IPv6 block of every lab; no IPv6 packet siglab's
	// labs carry may go to a global address outside it.
	Range6 = netip.MustParsePrefix("2001:2::/48")
	// Embed6 is the part of Range6 the addresses of IPv4 lab addresses
	// live in: Embed6 plus the IPv4 address in its last 32 bits.
	Embed6 = netip.MustParsePrefix("2001:2::/96")
)

// IPv6 is the IPv6 address of lab address a (an IPv4 address in
// Range): Embed6 with a in its last 32 bits. Any other address is an
// error wrapping ErrOutsideLab.
func IPv6(a netip.Addr) (netip.Addr, error) {
	a = a.Unmap()
	if err := CheckAddr(a); err != nil {
		return netip.Addr{}, err
	}
	b := Embed6.Addr().As16()
	v4 := a.As4()
	copy(b[12:], v4[:])
	return netip.AddrFrom16(b), nil
}

// IPv4Of is the inverse of IPv6: the lab IPv4 address whose IPv6
// address a is, or false when a is not one.
func IPv4Of(a netip.Addr) (netip.Addr, bool) {
	if !a.Is6() || a.Is4In6() || !Embed6.Contains(a) {
		return netip.Addr{}, false
	}
	b := a.As16()
	v4 := netip.AddrFrom4([4]byte(b[12:]))
	return v4, Contains(v4)
}

// Contains6 reports whether a is an IPv6 address inside Range6.
func Contains6(a netip.Addr) bool { return a.Is6() && !a.Is4In6() && Range6.Contains(a) }

// CheckAddr6 returns nil for an address inside Range6 and an error
// wrapping ErrOutsideLab otherwise.
func CheckAddr6(a netip.Addr) error {
	if Contains6(a) {
		return nil
	}
	return fmt.Errorf("%w: %v is not in %v", ErrOutsideLab, a, Range6)
}

// LinkScope6 reports whether a is an IPv6 address that never leaves
// the link it is used on: link-local unicast (fe80::/10) or link-local
// multicast (ff02::/16), what neighbour discovery and MLD send to.
func LinkScope6(a netip.Addr) bool {
	return a.Is6() && !a.Is4In6() && (a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast())
}
