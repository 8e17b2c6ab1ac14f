package capture_test

import (
	"testing"

	"github.com/siglab/siglab/capture"
)

// BenchmarkIPv4 is capture decoding: finding the IPv4 packet in an
// Ethernet frame. It must not allocate.
func BenchmarkIPv4(b *testing.B) {
	b.ReportAllocs()
	frame := make([]byte, 14+40)
	frame[12], frame[13], frame[14] = 0x08, 0x00, 0x45
	for range b.N {
		if _, err := capture.IPv4(capture.LinkTypeEthernet, frame); err != nil {
			b.Fatal(err)
		}
	}
}
