package main

import (
	"context"
	"io"
	"runtime/debug"
	"testing"

	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// BenchmarkGenerateCLI is what `siglab generate bench/fullrange.yaml -o
// OUT` does after parsing its flags: the offline run without ground
// truth, detection or checks, streamed as a pcap (verifier.GeneratePcap;
// here to io.Discard). scripts/bench.sh profiles it when the generation
// target (against tcpdump's copy) is missed; BenchmarkGenerateFullRange
// in generator/ is the engine alone.
func BenchmarkGenerateCLI(b *testing.B) { benchGenerateCLI(b) }

// BenchmarkGenerateCLINoGC is BenchmarkGenerateCLI with the collector
// paced as `siglab generate` paces it (off until a 256 MB heap): every
// run's state is fresh memory, its first touches page faults, as in the
// command. First touches cost about 5 ms a megabyte on this project's
// virtual machine, which is why a scan's per-port state is small.
func BenchmarkGenerateCLINoGC(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(256 << 20))
	benchGenerateCLI(b)
}

func benchGenerateCLI(b *testing.B) {
	b.ReportAllocs()
	ss, err := scenarios.Load("../fullrange.yaml")
	if err != nil {
		b.Fatal(err)
	}
	pkts := 0
	for b.Loop() {
		res, err := verifier.GeneratePcap(context.Background(), ss[0], io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		pkts += res.Packets
	}
	b.ReportMetric(float64(pkts)/b.Elapsed().Seconds(), "packets/s")
}
