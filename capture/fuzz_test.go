package capture_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/siglab/siglab/capture"
)

// FuzzOpen feeds arbitrary bytes to the pcap/pcapng readers and the link
// layer decoding: errors are fine, panics and endless loops are not.
func FuzzOpen(f *testing.F) {
	c := &capture.Capture{LinkType: capture.LinkTypeEthernet}
	c.Add(time.Unix(1, 0), append(make([]byte, 12), 0x08, 0x00, 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 198, 18, 0, 2, 198, 18, 1, 2), "T1")
	var pcap, ng bytes.Buffer
	_ = c.WritePcap(&pcap)
	_ = c.WritePcapNG(&ng)
	f.Add(pcap.Bytes())
	f.Add(ng.Bytes())
	f.Add(pcap.Bytes()[:len(pcap.Bytes())-7]) // truncated
	f.Fuzz(func(t *testing.T, b []byte) {
		// Both read paths: copies (ReadFile, the verifier) and zero-copy
		// (siglab detect's streaming).
		for _, zeroCopy := range []bool{false, true} {
			src, err := capture.Open(bytes.NewReader(b))
			if err != nil {
				return
			}
			read := src.ReadPacketData
			if zeroCopy {
				read = src.ZeroCopyReadPacketData
			}
			for i := 0; i < 10000; i++ {
				data, _, err := read()
				if err != nil {
					break
				}
				_, _ = capture.IPv4(src.LinkType(), data)
			}
		}
	})
}
