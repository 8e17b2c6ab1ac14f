package generator

import (
	"net/netip"
	"testing"
	"time"

	"github.com/siglab/siglab/generator/fingerprint"
	"github.com/siglab/siglab/wire"
)

// SwapOSDatabase makes OS detection match against db instead of the
// embedded reference file, until the returned function restores it. For
// specs that need a match against simnet's modern Linux, which no 1998
// record describes. Specs run one at a time (no Ginkgo -p here), so the
// package variable is safe to swap.
func SwapOSDatabase(db *fingerprint.DB) (restore func()) {
	old := osDatabase
	osDatabase = func() (*fingerprint.DB, error) { return db, nil }
	return func() { osDatabase = old }
}

// OSReceiveAllocs measures, with testing.AllocsPerRun, what OS detection
// allocates to take one reply of each kind: a T answer, the PU's ICMP
// port unreachable, and a TSeq SYN/ACK. Each run takes the reply anew.
func OSReceiveAllocs() (battery, portUnreach, seqSynAck float64) {
	const magic = 40000
	scanner, target := netip.MustParseAddr("198.18.0.2"), netip.MustParseAddr("198.18.1.2")
	p := &process{magic: magic}
	h := &hostResult{addr: target, ports: []portResult{{port: 1, state: "open", proto: "tcp"}}}
	s := newOSScan(p, &output{}, h, &timeouts{timeout: minTimeout}, &fingerprint.DB{}, nil)
	s.soft, s.hard = osSoftFloor, osHardFloor
	now := time.Unix(0, 0)

	ih := wire.IPHeader{TTL: 64, Src: target, Dst: scanner}
	tcp := wire.AppendTCP(nil, &ih, &wire.TCPSegment{SPort: 1, DPort: magic + 7, Ack: 1, Flags: wire.FlagSYN | wire.FlagACK, Window: 0x7FE0})
	probe := wire.AppendUDP(nil, &wire.IPHeader{TTL: 55, Src: scanner, Dst: target}, magic, 35000, make([]byte, puDataLen))
	icmp := wire.AppendICMP(nil, &wire.IPHeader{TOS: 0xC0, TTL: 64, Src: target, Dst: scanner}, 3, 3, append(make([]byte, 4), probe...))
	synack := wire.AppendTCP(nil, &ih, &wire.TCPSegment{SPort: 1, DPort: magic + 1, Seq: 7, Ack: 1, Flags: wire.FlagSYN | wire.FlagACK})
	s.upi = fingerprint.UDPProbe{Target: target.As4(), SPort: magic, DPort: 35000}

	take := func(st osStage, pk []byte) float64 {
		return testing.AllocsPerRun(100, func() {
			s.stage, s.got, s.over, s.responses, s.listen = st, [slots]bool{}, false, 0, now
			s.receive(now, wire.Packet(pk))
		})
	}
	battery = take(osBattery, tcp)
	if !s.got[1] {
		panic("OSReceiveAllocs: T1's answer was not taken")
	}
	portUnreach = take(osBattery, icmp)
	if !s.got[slotPU] {
		panic("OSReceiveAllocs: the port unreachable was not taken")
	}
	seqSynAck = take(osSeqListen, synack)
	if s.responses != 1 {
		panic("OSReceiveAllocs: the SYN/ACK was not taken")
	}
	return battery, portUnreach, seqSynAck
}
