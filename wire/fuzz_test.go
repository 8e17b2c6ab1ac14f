package wire_test

import (
	"net/netip"
	"testing"

	"github.com/siglab/siglab/wire"
)

// FuzzParse feeds arbitrary bytes to the parsers every layer runs on
// what the network hands it: a packet view that ParsePacket accepts must
// answer every accessor without panicking, and so must the datagram an
// ICMP error quotes; DNSAnswer must refuse or answer, never panic.
func FuzzParse(f *testing.F) {
	src, dst := netip.MustParseAddr("198.18.0.2"), netip.MustParseAddr("198.18.1.2")
	h := wire.IPHeader{Src: src, Dst: dst, TTL: 64}
	f.Add(wire.AppendTCP(nil, &h, &wire.TCPSegment{SPort: 1, DPort: 2, Flags: wire.FlagSYN, Options: []byte{2, 4, 5, 0xb4}}))
	probe := wire.AppendUDP(nil, &h, 40000, 300, nil)
	f.Add(wire.AppendICMP(nil, &wire.IPHeader{Src: dst, Dst: src}, 3, 3, append(make([]byte, 4), probe...)))
	f.Add(wire.DNSQuery(7, "www.siglab.lab"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, ok := wire.ParsePacket(b); ok {
			touch(p)
			if q, ok := p.Quoted(); ok {
				_ = q.Proto()
				_, _ = q.Src(), q.Dst()
			}
		}
		if r, err := wire.DNSAnswer(b, dst); err == nil && len(r) < 12 {
			t.Fatalf("answer of %d bytes", len(r))
		}
	})
}

// touch reads every field of a view.
func touch(p wire.Packet) {
	_, _, _, _ = p.Proto(), p.TTL(), p.ID(), p.L4()
	_, _ = p.Src(), p.Dst()
	_, _ = p.SPort(), p.DPort()
	if p.IsTCP() {
		_, _, _, _ = p.Seq(), p.Ack(), p.TCPFlags(), p.Window()
		_, _ = p.TCPOptions(), p.TCPPayload()
		_ = p.HasFlags(wire.FlagSYN)
	} else {
		_, _ = p.ICMPType(), p.ICMPCode()
	}
}
