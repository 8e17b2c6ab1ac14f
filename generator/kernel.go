package generator

import "net/netip"

// Scanner-kernel constants. nmap 2.0x ran on Linux 2.0, whose IP layer
// sent TTL 64, no DF, and IP IDs from one global counter; RSTs carry
// window 0. These are the kernel's own bytes, not nmap's
// (nmap-2.0x-internals.md §2 "RST after SYN/ACK", marked inferred there).
const (
	kernelTTL = 64
)

// kernel emulates the parts of the scanner host's kernel that show on the
// wire while nmap runs: the RST for segments to ports no socket holds.
type kernel struct {
	addr  netip.Addr
	ipid  uint16
	bound map[uint16]bool
	buf   []byte
}

func newKernel(addr netip.Addr, ipid uint16) *kernel {
	return &kernel{addr: addr, ipid: ipid, bound: map[uint16]bool{}, buf: make([]byte, 0, 64)}
}

// answer returns the kernel's reply to p, or nil. The slice is reused.
func (k *kernel) answer(p Packet) []byte {
	if !p.IsTCP() || k.bound[p.DPort()] || p.HasFlags(FlagRST) {
		return nil
	}
	return k.reset(p)
}

// reset builds the RFC 793 reset for a segment that reached a closed port:
// with ACK set, seq = the segment's ack and flags R; otherwise seq 0,
// ack = seq + segment length and flags R|A.
func (k *kernel) reset(p Packet) []byte {
	t := TCPSegment{SPort: p.DPort(), DPort: p.SPort(), Flags: FlagRST}
	if p.HasFlags(FlagACK) {
		t.Seq = p.Ack()
	} else {
		n := uint32(len(p.TCPPayload()))
		if p.HasFlags(FlagSYN) {
			n++
		}
		if p.HasFlags(FlagFIN) {
			n++
		}
		t.Ack, t.Flags = p.Seq()+n, FlagRST|FlagACK
	}
	k.ipid++
	h := IPHeader{ID: k.ipid, TTL: kernelTTL, Src: k.addr, Dst: p.Src()}
	k.buf = AppendTCP(k.buf[:0], &h, &t)
	return k.buf
}
