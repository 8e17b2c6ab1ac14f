package detector

import (
	"encoding/binary"
	"net/netip"
)

// ipAddr is an address as the detector keeps it: IPv6 as its 16 bytes,
// IPv4 as the IPv4-mapped IPv6 address ::ffff:a.b.c.d, so that one
// comparable type holds both and the two families never meet (no IPv6
// packet carries a mapped address on the wire; one that did would be
// read as the IPv4 host it names, which is what it claims to be).
// Output prints IPv4 as the dotted quad, IPv6 in RFC 5952 form (netAddr).
type ipAddr [16]byte

// addrFrom4 is the IPv4 address in b[:4].
func addrFrom4(b []byte) (a ipAddr) {
	a.set4(b)
	return a
}

// set4 makes a the IPv4 address in b[:4], in place: on the per-packet
// path, building the address in a temporary and copying it cost a
// store-forwarding stall (two 8-byte stores read back as 16 bytes).
func (a *ipAddr) set4(b []byte) {
	binary.LittleEndian.PutUint64(a[:8], 0)
	binary.BigEndian.PutUint64(a[8:], 0xffff<<32|uint64(binary.BigEndian.Uint32(b)))
}

// addrFrom16 is the IPv6 address in b[:16].
func addrFrom16(b []byte) ipAddr { return ipAddr(b[:16]) }

// is4 reports whether a is an IPv4 address.
func (a *ipAddr) is4() bool {
	return binary.LittleEndian.Uint64(a[:8])|uint64(binary.BigEndian.Uint32(a[8:12])^0xffff) == 0
}

// v4 is an IPv4 address as a number; for IPv6, the last 32 bits.
func (a ipAddr) v4() uint32 { return binary.BigEndian.Uint32(a[12:]) }

// hi and lo are a's two halves as numbers.
func (a ipAddr) hi() uint64 { return binary.BigEndian.Uint64(a[:8]) }
func (a ipAddr) lo() uint64 { return binary.BigEndian.Uint64(a[8:]) }

// fold is a in 32 bits, for the detector's fixed hash tables (ghosts,
// idle zombies, decoy probes): an IPv4 address's number, as those tables
// hashed it before IPv6, or all of an IPv6 address's bits mixed.
func (a ipAddr) fold() uint32 {
	if a.is4() {
		return a.v4()
	}
	h := (a.hi()*0x9e3779b97f4a7c15 ^ a.lo()) * 0xbf58476d1ce4e5b9
	return uint32(h ^ h>>32)
}

// bytes is a's address as on the wire: 4 bytes for IPv4, 16 for IPv6.
func (a *ipAddr) bytes() []byte {
	if a.is4() {
		return a[12:]
	}
	return a[:]
}

// compare orders addresses as netip.Addr.Compare does: IPv4 first, then
// IPv6, each by value.
func (a ipAddr) compare(b ipAddr) int {
	if a4, b4 := a.is4(), b.is4(); a4 != b4 {
		if a4 {
			return -1
		}
		return 1
	}
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// multicast reports whether a is a multicast (IPv4 224/4 or above, the
// class E block included; IPv6 ff00::/8) address: no probe's target.
func (a ipAddr) multicast() bool {
	if a.is4() {
		return a[12] >= 224
	}
	return a[0] == 0xff
}

// netAddr is a as a netip.Addr: 4 bytes for IPv4, so that it prints as
// the dotted quad.
func netAddr(a ipAddr) netip.Addr {
	if a.is4() {
		return netip.AddrFrom4([4]byte(a[12:]))
	}
	return netip.AddrFrom16(a)
}

// String prints a as netAddr does.
func (a ipAddr) String() string { return netAddr(a).String() }

// addrOf is the ipAddr of a.
func addrOf(a netip.Addr) ipAddr { return a.As16() }
