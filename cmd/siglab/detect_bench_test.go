package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// BenchmarkDetectFullRangeFile is `siglab detect` on the capture of
// bench/fullrange.yaml (nmap 2.02 -sS -P0 -O -p1-65535 against one host,
// 131,182 packets): the file read, decoded and classified, findings
// built. Target (issue 5): at least 3 million packets/s on one core, so
// run it with -cpu 1.
func BenchmarkDetectFullRangeFile(b *testing.B) {
	ss, err := scenarios.Load("../../bench/fullrange.yaml")
	if err != nil {
		b.Fatal(err)
	}
	res, err := verifier.Generate(context.Background(), ss[0])
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "fullrange.pcap")
	if err := capture.WriteFileAtomic(path, res.Capture.WritePcap); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		fs, _, err := detectFile(path, detector.Config{})
		if err != nil || len(fs) == 0 {
			b.Fatalf("detect: %d findings, %v", len(fs), err)
		}
	}
	b.ReportMetric(float64(len(res.Capture.Packets)*b.N)/b.Elapsed().Seconds(), "packets/s")
}
