package capture_test

import (
	"bufio"
	"bytes"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/pcapgo"
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

// benchFile is 100,000 SYN-sized frames as pcap or pcapng.
func benchFile(b *testing.B, ng bool) []byte {
	b.Helper()
	c := &capture.Capture{LinkType: capture.LinkTypeRaw}
	frame := make([]byte, 44)
	frame[0] = 0x45
	for i := range 100_000 {
		c.Packets = append(c.Packets, capture.Packet{Time: time.Unix(915000000, int64(i)*1000), Data: frame})
	}
	var buf bytes.Buffer
	write := c.WritePcap
	if ng {
		write = c.WritePcapNG
	}
	if err := write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkZeroCopyRead is `siglab detect`'s read loop over a file, with
// capture's readers; BenchmarkZeroCopyReadPcapgo is the same with
// gopacket's pcapgo, which siglab used before them (#19): the readers
// must not be slower.
func BenchmarkZeroCopyRead(b *testing.B) {
	for _, ng := range []bool{false, true} {
		file := benchFile(b, ng)
		b.Run(map[bool]string{false: "pcap", true: "pcapng"}[ng], func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(file)))
			for range b.N {
				src, err := capture.Open(bytes.NewReader(file))
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for ; ; n++ {
					if _, _, err := src.ZeroCopyReadPacketData(); err != nil {
						break
					}
				}
				if n != 100_000 {
					b.Fatalf("%d frames", n)
				}
			}
		})
	}
}

func BenchmarkZeroCopyReadPcapgo(b *testing.B) {
	for _, ng := range []bool{false, true} {
		file := benchFile(b, ng)
		b.Run(map[bool]string{false: "pcap", true: "pcapng"}[ng], func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(file)))
			for range b.N {
				var read func() ([]byte, gopacket.CaptureInfo, error)
				br := bufio.NewReaderSize(bytes.NewReader(file), 1<<16)
				if ng {
					r, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
					if err != nil {
						b.Fatal(err)
					}
					read = r.ZeroCopyReadPacketData
				} else {
					r, err := pcapgo.NewReader(br)
					if err != nil {
						b.Fatal(err)
					}
					read = r.ZeroCopyReadPacketData
				}
				n := 0
				for ; ; n++ {
					if _, _, err := read(); err != nil {
						break
					}
				}
				if n != 100_000 {
					b.Fatalf("%d frames", n)
				}
			}
		})
	}
}
