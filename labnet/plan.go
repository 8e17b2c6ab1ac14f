package labnet

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
)

// The address plan (product.md, "Test networks").
var (
	// Range is the block every lab lives in; nothing siglab sends may
	// leave it.
	Range = netip.MustParsePrefix("198.18.0.0/15")
	// ScannerSide is routed into the scanner's TUN as a whole, so that
	// replies to decoy sources come back to the generator: the scanner
	// and its decoys live here, target hosts may not.
	ScannerSide = netip.MustParsePrefix("198.18.0.0/24")
	// Infra is the lab's own plumbing (the links between the scanner,
	// sensor and host namespaces); no scenario address may be in it.
	Infra = netip.MustParsePrefix("198.19.0.0/16")
	// ScannerGateway is the scan namespace's own address on the TUN, a
	// real kernel's: a packet spoofed from it would draw that kernel's
	// RSTs, so SpoofSources never hands it out.
	ScannerGateway = netip.MustParseAddr("198.18.0.1")
	// DefaultScanner is the generator's address when none is given.
	DefaultScanner = netip.MustParseAddr("198.18.0.2")
	// FirstHost is the address the first host without one gets; the
	// next ones follow it.
	FirstHost = netip.MustParseAddr("198.18.1.2")
)

// ErrOutsideLab is wrapped, with the address, by every refusal of an
// address outside Range (or in a part of it reserved for something
// else), whichever layer makes it: the generator's containment guard,
// the emulated stacks, the live lab, the scenario parser.
var ErrOutsideLab = errors.New("address outside the lab")

// Contains reports whether a is an IPv4 address inside Range.
func Contains(a netip.Addr) bool { return a.Is4() && Range.Contains(a) }

// CheckAddr returns nil for an address inside Range and an error
// wrapping ErrOutsideLab otherwise.
func CheckAddr(a netip.Addr) error {
	if Contains(a) {
		return nil
	}
	return fmt.Errorf("%w: %v is not in %v", ErrOutsideLab, a, Range)
}

// CheckHostAddr is CheckAddr for a target host, which may not live on
// the scanner side nor in the lab's infrastructure either.
func CheckHostAddr(a netip.Addr) error {
	if err := CheckAddr(a); err != nil {
		return err
	}
	if why := HostAddrReserved(a); why != "" {
		return fmt.Errorf("%w: %v: %s", ErrOutsideLab, a, why)
	}
	return nil
}

// HostAddrReserved says why a lab address cannot be a host's ("" when
// it can), in words fit for an error message.
func HostAddrReserved(a netip.Addr) string {
	switch {
	case ScannerSide.Contains(a):
		return ScannerSide.String() + " is the scanner side"
	case Infra.Contains(a):
		return Infra.String() + " is reserved for lab infrastructure"
	}
	return ""
}

// SpoofSources returns n addresses a flood may spoof, in address order:
// addresses of ScannerSide, because the sensor routes that block back
// into the scanner's TUN, so the targets' answers to a spoofed packet
// come back to the generator (which reads and drops them) and go nowhere
// else, neither out of the lab nor to a kernel that would answer them.
// The block's network and broadcast addresses, ScannerGateway and the
// addresses in avoid (the scanner itself, its decoys) are left out. An n
// below 1 or above what is left is an error.
func SpoofSources(n int, avoid ...netip.Addr) ([]netip.Addr, error) {
	if n < 1 {
		return nil, fmt.Errorf("spoofed sources: %d: at least one is needed", n)
	}
	out := spare(n, avoid)
	if len(out) < n {
		return nil, fmt.Errorf("spoofed sources: %d asked, %s has %d to spare", n, ScannerSide, len(out))
	}
	return out, nil
}

// SpareSources is how many addresses SpoofSources can hand out beside
// avoid.
func SpareSources(avoid ...netip.Addr) int { return len(spare(1<<(32-ScannerSide.Bits()), avoid)) }

// spare lists up to n spoofable addresses of ScannerSide beside avoid.
func spare(n int, avoid []netip.Addr) []netip.Addr {
	var out []netip.Addr
	last := lastAddr(ScannerSide)
	for a := ScannerSide.Addr().Next(); a != last && len(out) < n; a = a.Next() {
		if a == ScannerGateway || slices.Contains(avoid, a) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// lastAddr is the highest address of p (its broadcast address).
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// HostSeed is the seed of the i-th host of a network seeded with seed.
// The first host draws from seed itself, so a one-host network draws
// what its seed alone gives; the others from seeds spread by the golden
// ratio. Offline and live labs both derive host seeds here, so a host
// answers the same in both.
func HostSeed(seed uint64, i int) uint64 { return seed ^ uint64(i)*0x9E37_79B9_7F4A_7C15 }
