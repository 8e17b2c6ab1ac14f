package fingerprint_test

import (
	"os"
	"testing"

	"github.com/siglab/siglab/generator/fingerprint"
)

// BenchmarkParseEmbedded is parsing the embedded nmap-os-fingerprints,
// which every `siglab generate` of a scan with -O pays once.
func BenchmarkParseEmbedded(b *testing.B) {
	b.ReportAllocs()
	src, err := os.ReadFile("nmap-os-fingerprints") // the embedded file
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := fingerprint.Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}
