package main

import "encoding/binary"

// Address bases: the spoofed sources count up from 10.0.0.0, the targets
// from 198.18.1.2 (the lab's first host, as in bench/fullrange.yaml).
const (
	srcBase = 10 << 24
	dstBase = 198<<24 | 18<<16 | 1<<8 | 2
)

// syn fills p (40 bytes) with packet n of cfg: a SYN from source n %
// sources, as nmap 2.02 -sS sent it (see nmap-2.0x-internals.md §1-2).
// Each source is one nmap process: its TTL (51..64, 2.01's formula),
// the window that TTL implies, its source port base M and its ISN are
// drawn once from a hash of the source; the IP ID is drawn per packet.
// Source s's k-th probe goes to port 1 + (s+k) % 1024, so neighbouring
// packets never share a port and no source repeats one.
func syn(p []byte, cfg config, n int) {
	s := n % cfg.sources
	k := n / cfg.sources
	h := mix(uint64(s))
	ttl := byte(51 + h%14)
	src := uint32(srcBase + s)
	dst := uint32(dstBase + s%cfg.targets)

	p[0], p[1] = 0x45, 0 // IPv4, no options, TOS 0
	binary.BigEndian.PutUint16(p[2:], pktLen)
	binary.BigEndian.PutUint16(p[4:], uint16(mix(uint64(n)|1<<63))) // IP ID
	p[6], p[7] = 0, 0                                               // no DF, no fragment
	p[8], p[9] = ttl, 6
	p[10], p[11] = 0, 0
	binary.BigEndian.PutUint32(p[12:], src)
	binary.BigEndian.PutUint32(p[16:], dst)
	binary.BigEndian.PutUint16(p[10:], checksum(0, p[:20]))

	t := p[20:40]
	binary.BigEndian.PutUint16(t[0:], uint16(33000+(h>>8)%31000)) // M
	binary.BigEndian.PutUint16(t[2:], uint16(1+(s+k)%1024))
	binary.BigEndian.PutUint32(t[4:], uint32(h>>32)) // the scan's ISN
	binary.BigEndian.PutUint32(t[8:], 0)             // ack 0
	t[12], t[13] = 5<<4, 0x02                        // no options; SYN
	binary.BigEndian.PutUint16(t[14:], 1024*(uint16(ttl)%4+1))
	t[16], t[17], t[18], t[19] = 0, 0, 0, 0
	// Pseudo-header: addresses, protocol, TCP length.
	pseudo := src>>16 + src&0xffff + dst>>16 + dst&0xffff + 6 + 20
	binary.BigEndian.PutUint16(t[16:], checksum(pseudo, t))
}

// checksum is the Internet checksum of b (even length) on top of a
// partial sum.
func checksum(sum uint32, b []byte) uint16 {
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// mix is splitmix64's finalizer: a fixed, well-spread hash, so the file
// is the same on every run and machine.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
