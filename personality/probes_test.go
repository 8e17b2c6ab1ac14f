package personality_test

import (
	"bytes"
	"net/netip"
	"slices"
	"time"

	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/personality"
	"github.com/siglab/siglab/wire"
)

// The lab of every spec: the FAQ's figure 2 run against one host.
var (
	scanner = netip.MustParseAddr("198.18.0.2")
	victim  = netip.MustParseAddr("198.18.1.2")
	faqOpen = []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}
	t0      = time.Date(1998, 12, 22, 1, 41, 25, 180240000, time.UTC)
)

// nmap 2.02's per-run values in that figure: M, sequence_base, the
// closed port, and the TTL that gives window 1024.
const (
	magic      = 42558
	seqBase    = 1815095948
	openPort   = 1
	closedPort = 35401
	probeTTL   = 52
	probeWin   = 1024 * (probeTTL%4 + 1)
	puID       = 0x5A3C // PU's static IP ID (two different bytes)
	puPattern  = 'F'    // (rand() % 60) + 65
)

// t1Options is the 20-byte block of every T probe: WScale 10, NOP, MSS
// 265, Timestamp(0x3F3F3F3F, 0), EOL, EOL.
var t1Options = []byte{3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0x3f, 0x3f, 0x3f, 0x3f, 0, 0, 0, 0, 0, 0}

// tcpProbe builds a raw TCP probe as send_tcp_raw did: TOS 0, no DF, the
// process TTL and the window that follows from it.
func tcpProbe(sport, dport uint16, seq uint32, flags uint8, opts []byte) wire.Packet {
	h := wire.IPHeader{ID: sport ^ 0x1234, TTL: probeTTL, Src: scanner, Dst: victim}
	t := wire.TCPSegment{SPort: sport, DPort: dport, Seq: seq, Flags: flags, Window: probeWin, Options: opts}
	return wire.Packet(wire.AppendTCP(nil, &h, &t))
}

// puProbe is send_closedudp_probe's datagram: 300 pattern bytes from M to
// the closed port, IP total 328, static ID.
func puProbe() wire.Packet {
	h := wire.IPHeader{ID: puID, TTL: probeTTL, Src: scanner, Dst: victim}
	return wire.Packet(wire.AppendUDP(nil, &h, magic, closedPort, bytes.Repeat([]byte{puPattern}, 300)))
}

// osTest is one probe of the first-generation battery.
type osTest struct {
	name         string
	sport, dport uint16
	flags        uint8
}

var osTests = []osTest{
	{"T1", magic + 7, openPort, wire.FlagSYN | wire.FlagBogus},
	{"T2", magic + 8, openPort, 0},
	{"T3", magic + 9, openPort, wire.FlagSYN | wire.FlagFIN | wire.FlagURG | wire.FlagPSH},
	{"T4", magic + 10, openPort, wire.FlagACK},
	{"T5", magic + 11, closedPort, wire.FlagSYN},
	{"T6", magic + 12, closedPort, wire.FlagACK},
	{"T7", magic + 13, closedPort, wire.FlagFIN | wire.FlagPSH | wire.FlagURG},
}

// newStack is a personality on the victim with the FAQ's open ports.
func newStack(name string) personality.Stack {
	s, err := personality.New(labnet.Host{Stack: labnet.Stack(name), Addr: victim, OpenTCP: faqOpen, OpenUDP: []uint16{53}}, 7)
	Expect(err).NotTo(HaveOccurred())
	return s
}

// answer sends one packet and copies the replies out: they are valid
// only until the stack's next Answer.
func answer(s personality.Stack, at time.Time, p wire.Packet) [][]byte {
	var out [][]byte
	for _, r := range s.Answer(at, p) {
		out = append(out, slices.Clone(r))
	}
	return out
}

// attempt is what one OS-detection attempt got back: the first reply
// to each of T1..T7 and PU (nil: none), and the TSeq SYN/ACKs' ISNs.
type attempt struct {
	replies map[string][]byte
	isns    []uint32
}

// play runs one OS-detection attempt as nmap 2.02 did: T1..T7 and PU back
// to back, then the six TSeq SYNs spaced tseqGap (5 ms + the RTT).
func play(s personality.Stack, tseqGap time.Duration) attempt {
	a := attempt{replies: map[string][]byte{}}
	at := t0
	first := func(rs [][]byte) []byte {
		if len(rs) == 0 {
			return nil
		}
		return rs[0]
	}
	for _, t := range osTests {
		a.replies[t.name] = first(answer(s, at, tcpProbe(t.sport, t.dport, seqBase, t.flags, t1Options)))
		at = at.Add(31 * time.Microsecond)
	}
	a.replies["PU"] = first(answer(s, at, puProbe()))
	at = at.Add(200 * time.Millisecond)
	for k := uint16(1); k <= 6; k++ {
		for _, r := range answer(s, at, tcpProbe(magic+k, openPort, seqBase+uint32(k), wire.FlagSYN, nil)) {
			if p := decode(r); p.tcp != nil && p.tcp.SYN && p.tcp.ACK {
				a.isns = append(a.isns, p.tcp.Seq)
			}
		}
		at = at.Add(tseqGap)
	}
	return a
}

// lines is the observed fingerprint, one line per test, computed by this
// suite's own reading of nmap 2.0x (observe_test.go).
func (a attempt) lines() map[string]string {
	fp := map[string]string{}
	for _, t := range osTests {
		fp[t.name] = tcpLine(nonNil(a.replies[t.name]))
	}
	fp["PU"] = puLine(nonNil(a.replies["PU"]))
	if len(a.isns) >= 4 {
		fp["TSeq"] = tseqLine(a.isns)
	}
	return fp
}

func nonNil(r []byte) [][]byte {
	if r == nil {
		return nil
	}
	return [][]byte{r}
}

// battery plays one attempt and returns its observed lines and ISNs.
func battery(s personality.Stack, tseqGap time.Duration) (map[string]string, []uint32) {
	a := play(s, tseqGap)
	return a.lines(), a.isns
}
