package detector_test

import (
	"encoding/binary"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/siglab/siglab/detector"
)

// fullRangeSYN is nmap 2.02 -sS -p1-65535 against one host: 65535 SYNs
// from one source port with one ISN in a shuffled order, the target's
// RST for each closed port and SYN/ACK for 1000 open ones, and the
// scanner kernel's RST after each SYN/ACK.
func fullRangeSYN() []pkt {
	s := nmap202Scan()
	s.ports = make([]uint16, 65535)
	for i := range s.ports {
		s.ports[i] = uint16(i + 1)
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(s.ports), func(i, j int) { s.ports[i], s.ports[j] = s.ports[j], s.ports[i] })
	s.open = nil
	for p := uint16(1); p <= 1000; p++ {
		s.open = append(s.open, p*65)
	}
	return s.packets()
}

// BenchmarkFullRangeSYN measures throughput on one core: each iteration
// feeds the whole full-range exchange to a fresh Detector and reads its
// findings. It reports packets/s for the whole job (Packet on every
// packet, then Findings) and stream-packets/s for the Packet calls
// alone. Target: at least 3 million packets/s.
func BenchmarkFullRangeSYN(b *testing.B) {
	ps := fullRangeSYN()
	var stream time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		d := detector.New(detector.Config{})
		t := time.Now()
		for j := range ps {
			d.Packet(ps[j].at, ps[j].data)
		}
		stream += time.Since(t)
		if fs := d.Findings(); len(fs) != 2 {
			b.Fatalf("want scan.tcp-syn and tool.nmap-2.0x, got %d findings", len(fs))
		}
	}
	n := float64(len(ps) * b.N)
	b.ReportMetric(n/time.Since(start).Seconds(), "packets/s")
	b.ReportMetric(n/stream.Seconds(), "stream-packets/s")
}

// BenchmarkSpoofedSources10M feeds 10 million SYNs from 1 million
// spoofed sources (10 ports each, the sources taking turns, so that none
// survives until its next packet) to a default Detector and reports the
// peak heap in use and the memory obtained from the OS. Target: at most
// 100 MB resident. Packets are written into one buffer in place, so the
// benchmark itself holds no capture.
func BenchmarkSpoofedSources10M(b *testing.B) {
	const sources, perSource = 1 << 20, 10
	ip := floodSYN(0)
	var peakHeap, peakSys uint64
	var ms runtime.MemStats
	runtime.GC()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		d := detector.New(detector.Config{})
		for n := range sources * perSource {
			src := uint32(n % sources)
			// 10.0.0.0/12: a million addresses, only ever in memory.
			binary.BigEndian.PutUint32(ip[12:], 0x0a000000+src)
			binary.BigEndian.PutUint16(ip[22:], uint16(1+n/sources)) // dport
			d.Packet(t0.Add(time.Duration(n)*time.Microsecond), ip)
			if n%(1<<20) == 0 {
				runtime.ReadMemStats(&ms)
				peakHeap, peakSys = max(peakHeap, ms.HeapInuse), max(peakSys, ms.Sys)
			}
		}
		runtime.ReadMemStats(&ms)
		peakHeap, peakSys = max(peakHeap, ms.HeapInuse), max(peakSys, ms.Sys)
		st := d.Stats()
		if st.Sources > 65536 || st.Evicted == 0 {
			b.Fatalf("caps not enforced: %+v", st)
		}
	}
	b.ReportMetric(float64(sources*perSource*b.N)/time.Since(start).Seconds(), "packets/s")
	b.ReportMetric(float64(peakHeap)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(peakSys)/1e6, "sys-MB")
}
