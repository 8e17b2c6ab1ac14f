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
	// Seeds from every technique, so that the fuzzer starts from UDP,
	// ICMP errors, fragments, OS probes and FTP payloads too.
	for _, ps := range [][]pkt{scan, benign(), connectScan(), nmap202UDP().packets(), nmap202Sweep(2),
		osAttempt1(t0, 42558, 1815095948, 1, 35401), osAttempt2(t0, 41457, 4121425137, 1, 2),
		fragmented(nmap202Scan().packets()[:4], 16), ftpBounce([]uint16{22}, nil),
		modernFlags(maimonFlags).packets()[:4], sctpScan{ttl: randomTTL, rwnd: 32768, target: "sctp"}.packets()[:6],
		sctpScan{cookie: true, ttl: randomTTL, target: "none"}.packets()[:4], protoScan([]uint8{2, 47, 50}, nil, randomTTL)} {
		for _, p := range ps {
			f.Add(p.data)
		}
	}
	// IPv6: the same techniques moved (fragments, ICMPv6 errors quoting
	// IPv6), extension headers, and the link's own ICMPv6.
	for _, ps := range [][]pkt{moved6(scan[:8]), moved6(nmap202UDP().packets()[:6]), moved6(nmap202Sweep(2)),
		moved6(fragmented(modernSYN25()[:4], 8)), moved6(osAttempt2(t0, 41457, 4121425137, 1, 2))} {
		for _, p := range ps {
			f.Add(p.data)
		}
	}
	src, dst := addr6([]byte{198, 19, 0, 1}), addr6([]byte{198, 18, 1, 2})
	syn := modernSYN25()[0].data[20:]
	f.Add(ip6(src, dst, 255, 0, 6, syn, optsHeader(0, 1), routing0(), optsHeader(60, 2)))
	f.Add(ip6(src, dst, 255, 0, 6, syn[:8], fragHeader(0, true, 0x12345678)))
	f.Add(ip6(src, dst, 255, 0, 6, syn[8:], fragHeader(8, false, 0x12345678)))
	f.Add(ip6(src, dst, 255, 0, 58, icmp6(135, 0, 0, 0, dst)))
	f.Add(ip6(src, dst, 1, 0, 58, icmp6(143, 0, 0, 1, make([]byte, 20)), optsHeader(0, 1)))
	f.Add(ip6(dst, src, 64, 0, 58, icmp6(4, 1, 0, 40, ip6(src, dst, 64, 0, 253, nil))))
	f.Add(ip6(src, dst, 64, 0, 50, make([]byte, 16)))
	f.Add(nmapSYN()[:30])
	f.Add([]byte{0x4f})
	f.Add([]byte{0x6f})
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
