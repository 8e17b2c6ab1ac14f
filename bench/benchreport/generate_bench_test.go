package main

import (
	"context"
	"io"
	"testing"

	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// BenchmarkGenerateCLI is what `siglab generate bench/fullrange.yaml -o
// OUT` does after parsing its flags: the offline run without ground
// truth, detection or checks, streamed as a pcap (verifier.GeneratePcap;
// here to io.Discard). scripts/bench.sh profiles it when the 2 M
// packets/s target is missed; BenchmarkGenerateFullRange in generator/ is
// the engine alone.
func BenchmarkGenerateCLI(b *testing.B) {
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
