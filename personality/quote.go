package personality

import (
	"encoding/binary"

	"github.com/siglab/siglab/wire"
)

// maxICMPError is the largest ICMP error a 1990s stack sent (RFC 1812's
// 576 bytes in all); what is quoted fits in it after the new IP and ICMP
// headers.
const (
	maxICMPError = 576
	maxQuote     = maxICMPError - 20 - 8
)

// quoteBody writes an ICMP error's body for the offending datagram orig
// into dst: four unused bytes, then orig's header and its first bytes,
// changed the way the profile's stack changed them (nmap's PU test reads
// those changes). It returns the body's length; dst must hold
// 4+maxQuote bytes.
func (q *quoting) quoteBody(dst []byte, orig []byte) int {
	ihl := int(orig[0]&0x0f) * 4
	n := len(orig)
	if q.quoteData != quoteAll {
		n = min(n, ihl+q.quoteData)
	}
	n = min(n, maxQuote)
	clear(dst[:4])
	d := dst[4 : 4+n]
	copy(d, orig[:n])
	q.mangleIP(d, ihl)
	if d[9] == 17 && n >= ihl+8 { // UDP
		q.mangleUDP(d[ihl:])
	}
	return 4 + n
}

// mangleIP applies RIPTL, RID and RIPCK to a quoted IP header.
func (q *quoting) mangleIP(d []byte, ihl int) {
	binary.BigEndian.PutUint16(d[2:], uint16(int(binary.BigEndian.Uint16(d[2:]))+q.ripTLDelta))
	switch q.rid {
	case idZero:
		d[4], d[5] = 0, 0
	case idSwap:
		d[4], d[5] = d[5], d[4]
	}
	if len(d) < ihl {
		return // header not wholly quoted: its checksum cannot be read back
	}
	switch q.ripck {
	case sumZero:
		d[10], d[11] = 0, 0
	case sumRecompute, sumBroken:
		d[10], d[11] = 0, 0
		c := wire.Checksum(d[:ihl])
		if q.ripck == sumBroken {
			c = broken(c)
		}
		binary.BigEndian.PutUint16(d[10:], c)
	}
}

// mangleUDP applies ULEN, UCK and DAT to a quoted UDP header and data.
// The UDP checksum cannot be recomputed from a partial quote; only
// sumZero and sumBroken change it.
func (q *quoting) mangleUDP(u []byte) {
	binary.BigEndian.PutUint16(u[4:], uint16(int(binary.BigEndian.Uint16(u[4:]))+q.ulenDelta))
	switch q.uck {
	case sumZero:
		u[6], u[7] = 0, 0
	case sumBroken:
		binary.BigEndian.PutUint16(u[6:], broken(binary.BigEndian.Uint16(u[6:])))
	}
	if q.dat == datClear {
		clear(u[8:])
	}
}

// broken returns a checksum that is neither c nor zero.
func broken(c uint16) uint16 {
	if c ^= 0x5555; c == 0 {
		c = 1
	}
	return c
}
