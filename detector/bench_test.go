package detector_test

import (
	"testing"

	"github.com/siglab/siglab/detector"
)

// BenchmarkPacket replays nmap 2.02's SYN scan exchange (SYNs, target
// answers, kernel RSTs) into one detector; after the first pass every
// source and flow has state, so the steady state must not allocate.
func BenchmarkPacket(b *testing.B) {
	ps := nmap202Scan().packets()
	d := detector.New(detector.Config{})
	for _, p := range ps {
		d.Packet(p.at, p.data)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := &ps[i%len(ps)]
		d.Packet(p.at, p.data)
	}
}

// BenchmarkPacketSpoofFlood measures new sources at the MaxSources cap:
// every packet evicts one source and recycles its memory.
func BenchmarkPacketSpoofFlood(b *testing.B) {
	flood := make([][]byte, 4096)
	for i := range flood {
		flood[i] = floodSYN(i)
	}
	d := detector.New(detector.Config{MaxSources: 1024})
	for _, f := range flood {
		d.Packet(t0, f)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Packet(t0, flood[i%len(flood)])
	}
}
