package scanlogd_test

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/wire"
)

// The specs' packet kit: captures made of hand-built TCP packets, so
// that the model and the daemon are shown exactly what a spec names.

var (
	scanner = netip.MustParseAddr("198.18.0.2")
	victim  = netip.MustParseAddr("198.18.1.2")
	// epoch is the captures' first moment.
	epoch = time.Date(1998, 12, 22, 1, 41, 25, 0, time.UTC)
)

// probe is one packet of a synthetic capture.
type probe struct {
	at       time.Duration
	src, dst netip.Addr
	sport    uint16
	dport    uint16
	flags    uint8
	ttl, tos uint8
	id       uint16
}

// probes are packets from scanner to victim, source port 40000, TTL 62,
// every apart, one per port, with flags.
func probes(start, every time.Duration, flags uint8, ports ...uint16) []probe {
	out := make([]probe, len(ports))
	for i, p := range ports {
		out[i] = probe{at: start + time.Duration(i)*every, src: scanner, dst: victim, sport: 40000, dport: p,
			flags: flags, ttl: 62, id: uint16(1000 + i)}
	}
	return out
}

// syns is probes with SYN.
func syns(start, every time.Duration, ports ...uint16) []probe {
	return probes(start, every, wire.FlagSYN, ports...)
}

// portRange is lo..hi.
func portRange(lo, hi uint16) []uint16 {
	var out []uint16
	for p := lo; p <= hi; p++ {
		out = append(out, p)
	}
	return out
}

func (p probe) packet() []byte {
	h := &wire.IPHeader{TOS: p.tos, ID: p.id, TTL: p.ttl, Src: p.src, Dst: p.dst, Proto: wire.ProtoTCP}
	return wire.AppendTCP(nil, h, &wire.TCPSegment{SPort: p.sport, DPort: p.dport, Seq: 0x1000, Flags: p.flags, Window: 3072})
}

// synth is a raw-IP capture of ps, in time order.
func synth(ps ...[]probe) *capture.Capture {
	all := slices.Concat(ps...)
	slices.SortStableFunc(all, func(a, b probe) int { return cmp.Compare(a.at, b.at) })
	c := &capture.Capture{LinkType: capture.LinkTypeRaw}
	for _, p := range all {
		c.Add(epoch.Add(p.at), p.packet(), "")
	}
	return c
}

// fragmented is p as nmap 2.02 -f sends it (36 + 24 bytes): the first
// fragment carries 16 bytes of TCP header, the second the last 4;
// overlap makes the second start at byte 8 instead (a partial overlap,
// for which Linux drops the datagram).
func fragmented(p probe, overlap bool) [][]byte {
	whole := p.packet()
	tcp := whole[20:]
	h := &wire.IPHeader{TOS: p.tos, ID: p.id, TTL: p.ttl, Src: p.src, Dst: p.dst, Proto: wire.ProtoTCP}
	h.Frag = wire.FlagMF
	first := wire.AppendIPv4(nil, h, tcp[:16])
	h.Frag = 1 // offset 8 bytes
	rest := tcp[8:]
	if !overlap {
		h.Frag, rest = 2, tcp[16:]
	}
	return [][]byte{first, wire.AppendIPv4(nil, h, rest)}
}

// fragCapture is a capture of ps, each sent as fragmented says.
func fragCapture(overlap bool, ps []probe) *capture.Capture {
	c := &capture.Capture{LinkType: capture.LinkTypeRaw}
	for _, p := range ps {
		for i, f := range fragmented(p, overlap) {
			c.Add(epoch.Add(p.at+time.Duration(i)*time.Microsecond), f, "")
		}
	}
	return c
}

// messages are the messages of a scanlogd log without their " @HH:MM:SS".
func messages(log []byte) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(string(log), "\n"), "\n") {
		if l == "" {
			continue
		}
		_, msg, _ := strings.Cut(l, "scanlogd: ")
		if i := strings.LastIndex(msg, " @"); i >= 0 {
			msg = msg[:i]
		}
		out = append(out, msg)
	}
	return out
}
