package generator

import (
	"math/bits"
	"net/netip"

	"github.com/siglab/siglab/wire"
)

// sendSmallFragz is send_small_fragz(), -f: the TCP header (window 2048,
// no options, checksum over the whole header) split after 16 bytes into
// two IP fragments with one random ID and the helper's own static TTL:
// 36 bytes with MF set, then 24 bytes at offset 2 (16 bytes).
//
// The helper is called once per decoy, and each call builds its packet
// from scratch. A non-zero seq (the SYN scan's sequences[try]) is written
// in network order. A zero seq (super_scan passes 0 for FIN, Xmas and
// Null) makes every call draw its own: rand()+rand() in 2.01, taken
// before the IP ID and stored without htonl, so on the little-endian
// scanners of 1998 its bytes are swapped on the wire (as the IP ID's are).
// Every decoy copy then carries a different seq, and each copy consumes
// three draws of the rand() stream.
func (p *process) sendSmallFragz(dst netip.Addr, sport, dport uint16, seq uint32, flags uint8) error {
	ttl := p.ttl(&p.fragTTL)
	for _, src := range p.sources {
		t := wire.TCPSegment{SPort: sport, DPort: dport, Seq: seq, Flags: flags, Window: 2048}
		if seq == 0 {
			t.Seq = bits.ReverseBytes32(p.isn())
		}
		h := wire.IPHeader{ID: p.ipID(), TTL: ttl, Src: src, Dst: dst}
		whole := wire.AppendTCP(p.buf[:0], &h, &t) // 40 bytes, checksums set
		tcp := append([]byte(nil), whole[20:40]...)
		h.Frag = wire.FlagMF
		p.buf = wire.AppendIPv4(p.buf[:0], &h, tcp[:16])
		if err := p.send(src, p.buf); err != nil {
			return err
		}
		h.Frag = 2 // offset in 8-byte units: 16 bytes
		p.buf = wire.AppendIPv4(p.buf[:0], &h, tcp[16:])
		if err := p.send(src, p.buf); err != nil {
			return err
		}
	}
	return nil
}
