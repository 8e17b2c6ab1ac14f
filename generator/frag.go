package generator

import (
	"net/netip"

	"github.com/siglab/siglab/wire"
)

// sendSmallFragz is send_small_fragz(), -f: the TCP header (window 2048,
// no options, checksum over the whole header) split after 16 bytes into
// two IP fragments with one random ID and the helper's own static TTL:
// 36 bytes with MF set, then 24 bytes at offset 2 (16 bytes).
func (p *process) sendSmallFragz(dst netip.Addr, sport, dport uint16, seq uint32, flags uint8) error {
	ttl := p.ttl(&p.fragTTL)
	t := wire.TCPSegment{SPort: sport, DPort: dport, Seq: seq, Flags: flags, Window: 2048}
	for _, src := range p.sources {
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
