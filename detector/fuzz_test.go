package detector_test

import (
	"io"
	"reflect"
	"testing"

	"github.com/siglab/siglab/detector"
)

// FuzzPacket feeds arbitrary bytes to Packet, after a SYN scan has given
// the detector state to trip over, then reads the findings and writes
// them out. It checks that nothing panics, that the output writers never
// fail, and that the packet's bytes are not retained.
func FuzzPacket(f *testing.F) {
	scan := nmap202Scan().packets()
	for _, ps := range [][]pkt{scan, benign(), connectScan()} {
		for _, p := range ps {
			f.Add(p.data)
		}
	}
	f.Add(nmapSYN()[:30])
	f.Add([]byte{0x4f})
	f.Fuzz(func(t *testing.T, data []byte) {
		d := detector.New(detector.Config{MaxSources: 4, MaxFlows: 16})
		for _, p := range scan[:12] {
			d.Packet(p.at, p.data)
		}
		d.Packet(t0, data)
		d.Packet(t0, data) // a second time: now its source may have state
		before := d.Findings()
		for i := range data {
			data[i] ^= 0xff
		}
		if after := d.Findings(); !reflect.DeepEqual(before, after) {
			t.Fatalf("findings changed with the caller's buffer:\n%v\n%v", before, after)
		}
		if err := detector.WriteJSONLines(io.Discard, before); err != nil {
			t.Fatal(err)
		}
		if err := detector.WriteText(io.Discard, before); err != nil {
			t.Fatal(err)
		}
	})
}
