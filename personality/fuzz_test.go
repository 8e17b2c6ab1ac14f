package personality_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/personality"
	"github.com/siglab/siglab/wire"
)

var lab = netip.MustParsePrefix("198.18.0.0/15")

func newStackB(tb testing.TB, name string) personality.Stack {
	s, err := personality.New(labnet.Host{Stack: labnet.Stack(name), Addr: victim, OpenTCP: faqOpen, ProhibitedTCP: []uint16{24}, OpenUDP: []uint16{53}}, 7)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// FuzzAnswer feeds every personality arbitrary bytes, raw and with the
// IPv4 addresses patched to reach the stack: it must never panic, and
// whatever it answers must be a well-formed IPv4 packet to the sender,
// which must be a lab address.
func FuzzAnswer(f *testing.F) {
	for _, t := range osTests {
		f.Add([]byte(tcpProbe(t.sport, t.dport, seqBase, t.flags, t1Options)))
	}
	f.Add([]byte(puProbe()))
	f.Add([]byte(tcpProbe(magic, 22, 1, syn, []byte{2, 4})))
	f.Add([]byte(tcpProbe(magic, 22, 1, syn, []byte{8, 10, 1, 1, 1, 1, 3, 3, 1, 0})))
	f.Add([]byte{0x46, 0, 0, 24, 0, 0, 0, 0, 64, 17, 0, 0, 198, 18, 0, 2, 198, 18, 1, 2, 1, 2, 3, 4})
	stacks := map[string]personality.Stack{}
	for _, n := range personality.Names() {
		stacks[n] = newStackB(f, n)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		patched := append([]byte(nil), b...)
		if len(patched) >= 20 {
			patched[0] = 0x40 | patched[0]&0x0f
			copy(patched[12:16], scanner.AsSlice())
			copy(patched[16:20], victim.AsSlice())
		}
		for _, s := range stacks {
			for _, in := range [][]byte{b, patched} {
				for _, r := range s.Answer(time.Unix(915000000, 0), wire.Packet(in)) {
					p, ok := wire.ParsePacket(r)
					from := netip.AddrFrom4([4]byte(in[12:16]))
					if !ok || p.Dst() != from || !lab.Contains(p.Dst()) || p.Src() != victim || len(p) != len(r) {
						t.Fatalf("%s: malformed reply % x to % x", s.Name(), r, in)
					}
				}
			}
		}
	})
}
