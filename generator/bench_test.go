package generator_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
	"github.com/siglab/siglab/wire"
)

// BenchmarkGenerateFullRange is offline generation of nmap 2.02's
// full-range SYN scan with OS detection against one simulated host: the
// packets/s the engine, the nmap process and the simulated network
// together write to the tap (issue 7's "offline generation").
func BenchmarkGenerateFullRange(b *testing.B) {
	b.ReportAllocs()
	var pkts int
	start := time.Now()
	for range b.N {
		n := 0
		net := simnet.New(simnet.Config{Seed: 1, Tap: func(time.Time, []byte) { n++ }},
			labnet.Host{Addr: victim, OpenTCP: []uint16{22, 80, 443}})
		g, _ := engine.NewGuard(netip.MustParsePrefix("198.18.1.0/24"))
		e := engine.NewEngine(net, scanner, g, 1)
		nm, err := generator.NewNmap("-sS -P0 -O -p1-65535 victim", generator.NmapEnv{Host: e, Names: map[string]netip.Addr{"victim": victim}, Guard: g, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		e.Add(0, nm)
		if err := e.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		pkts += n
	}
	b.ReportMetric(float64(pkts)/time.Since(start).Seconds(), "packets/s")
	b.ReportMetric(float64(pkts)/float64(b.N), "packets/op")
}

// BenchmarkAppendTCP is probe crafting: one nmap 2.02 SYN into a reused
// buffer, checksums included. It must not allocate.
func BenchmarkAppendTCP(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 64)
	h := wire.IPHeader{ID: 1, TTL: 51, Src: scanner, Dst: victim}
	t := wire.TCPSegment{SPort: 42558, DPort: 13, Seq: 3596953827, Flags: wire.FlagSYN, Window: 4096}
	for i := range b.N {
		t.DPort = uint16(i)
		buf = wire.AppendTCP(buf[:0], &h, &t)
	}
}
