package main

import (
	"encoding/binary"
	"net/netip"

	"github.com/siglab/siglab/wire"
)

// Address bases: the spoofed sources count up from 10.0.0.0, the targets
// from 198.18.1.2 (the lab's first host, as in bench/fullrange.yaml).
const (
	srcBase = 10 << 24
	dstBase = 198<<24 | 18<<16 | 1<<8 | 2
)

// pktLen is every packet's length: a 20-byte IP and a 20-byte TCP header.
const pktLen = 40

// syn appends packet n of cfg to dst, crafted by the generator's own
// AppendTCP: a SYN from source n % sources, as nmap 2.02 -sS sent it
// (see nmap-2.0x-internals.md §1-2). Each source is one nmap process:
// its TTL (51..64, 2.01's formula), the window that TTL implies, its
// source port base M and its ISN are drawn once from a hash of the
// source; the IP ID is drawn per packet. Source s's k-th probe goes to
// port 1 + (s+k) % 1024, so neighbouring packets never share a port and
// no source repeats one.
func syn(dst []byte, cfg config, n int) []byte {
	s := n % cfg.sources
	k := n / cfg.sources
	h := mix(uint64(s))
	ttl := uint8(51 + h%14)
	ih := wire.IPHeader{ID: uint16(mix(uint64(n) | 1<<63)), TTL: ttl,
		Src: addr(srcBase + uint32(s)), Dst: addr(dstBase + uint32(s%cfg.targets))}
	t := wire.TCPSegment{SPort: uint16(33000 + (h>>8)%31000), DPort: uint16(1 + (s+k)%1024),
		Seq: uint32(h >> 32), Flags: wire.FlagSYN, Window: 1024 * (uint16(ttl)%4 + 1)}
	return wire.AppendTCP(dst, &ih, &t)
}

func addr(a uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], a)
	return netip.AddrFrom4(b)
}

// mix is splitmix64's finalizer: a fixed, well-spread hash, so the file
// is the same on every run and machine.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
