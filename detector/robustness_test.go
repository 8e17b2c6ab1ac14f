package detector_test

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
)

// nmapSYN is one well-formed nmap 2.02 SYN probe, 40 bytes.
func nmapSYN() []byte {
	return ipTCP(scannerAddr, targetAddr, 51, wire.TCPSegment{SPort: 42558, DPort: 22, Seq: 1301162276, Flags: wire.FlagSYN, Window: 1024})
}

// floodSYN is one SYN from the i-th spoofed source to port 80.
func floodSYN(i int) []byte {
	return ipTCP(spoofed(i+1), targetAddr, 51, wire.TCPSegment{SPort: 1024, DPort: 80, Seq: uint32(i), Flags: wire.FlagSYN, Window: 1024})
}

// spoofed returns the i-th address of 198.19.0.0/16, the half of the lab
// range the other specs leave alone; i must be below 65536.
func spoofed(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{198, 19, byte(i >> 8), byte(i)})
}

var _ = Describe("robustness", func() {
	DescribeTable("passes over what it cannot classify",
		func(edit func(b []byte) []byte, sources int) {
			d := detector.New(detector.Config{})
			Expect(func() { d.Packet(t0, edit(nmapSYN())) }).NotTo(Panic())
			Expect(d.Stats().Sources).To(Equal(sources))
			Expect(d.Findings()).To(BeEmpty())
		},
		Entry("control: the probe as sent", func(b []byte) []byte { return b }, 1),
		Entry("control: payload cut by the snap length", func(b []byte) []byte {
			binary.BigEndian.PutUint16(b[2:], 60)
			return b
		}, 1),
		Entry("nil", func([]byte) []byte { return nil }, 0),
		Entry("shorter than an IP header", func(b []byte) []byte { return b[:19] }, 0),
		Entry("IPv6", func(b []byte) []byte { b[0] = 0x60; return b }, 0),
		Entry("IHL below 5", func(b []byte) []byte { b[0] = 0x44; return b }, 0),
		Entry("IHL past the packet", func(b []byte) []byte { b[0] = 0x4f; return b }, 0),
		Entry("total length below the header", func(b []byte) []byte { binary.BigEndian.PutUint16(b[2:], 16); return b }, 0),
		Entry("total length cutting the TCP header", func(b []byte) []byte { binary.BigEndian.PutUint16(b[2:], 30); return b }, 0),
		Entry("first fragment (MF)", func(b []byte) []byte { b[6] |= 0x20; return b }, 0),
		Entry("later fragment (offset 8)", func(b []byte) []byte { b[7] = 1; return b }, 0),
		Entry("TCP header truncated", func(b []byte) []byte { return b[:30] }, 0),
		Entry("data offset below 5", func(b []byte) []byte { b[32] = 0x40; return b }, 0),
		Entry("data offset past the capture", func(b []byte) []byte { b[32] = 0xf0; return b }, 0),
		Entry("UDP: a lone datagram gets state (it may start a scan) but no finding", func(b []byte) []byte { b[9] = 17; return b }, 1),
		Entry("ICMP of an unknown type", func(b []byte) []byte { b[9] = 1; b[20] = 42; return b }, 0),
		Entry("SYN/ACK: an answer creates no state", func(b []byte) []byte { b[33] |= 0x10; return b }, 0),
	)

	It("bounds memory under a flood of spoofed sources", func() {
		d := detector.New(detector.Config{MaxSources: 100})
		for i := range 10000 {
			d.Packet(t0.Add(time.Duration(i)), floodSYN(i))
		}
		st := d.Stats()
		Expect(st.Sources).To(BeNumerically("<=", 100))
		Expect(st.Flows).To(BeNumerically("<=", 100))
		Expect(st.Evicted).To(BeEquivalentTo(9900))
		Expect(d.Findings()).To(BeEmpty())
	})

	It("evicts the least recently seen source, not the oldest, so an active scanner survives a flood", func() {
		d := detector.New(detector.Config{MaxSources: 100})
		n := 0
		for _, p := range nmap202Scan().packets() {
			// 50 new sources between two packets of the scan: far more
			// than the cap over the whole scan, but the scanner is always
			// among the 100 most recently seen.
			for range 50 {
				n++
				d.Packet(p.at, floodSYN(n+1000))
			}
			d.Packet(p.at, p.data)
		}
		Expect(d.Stats().Evicted).To(BeNumerically(">", 2800))
		Expect(labels(d.Findings())).To(Equal([]string{"scan.tcp-syn", "tool.nmap-2.0x"}))
		Expect(d.Stats().Sources).To(Equal(100))
	})

	It("caps flows per source and overall, and says what it could not track", func() {
		s := nmap202Scan()
		d := detector.New(detector.Config{MaxFlowsPerSource: 10})
		for _, p := range s.packets() {
			d.Packet(p.at, p.data)
		}
		st := d.Stats()
		Expect(st.Flows).To(Equal(10))
		Expect(st.Untracked).To(BeEquivalentTo(15))
		Expect(finding(d.Findings(), "scan.tcp-syn").Evidence).To(ContainElement("15 further probes went to ports beyond the detector's tracking limit"))

		// Overall: a second scanner takes the budget from the first.
		other := nmap202Scan()
		other.src = netip.MustParseAddr("198.18.0.7")
		fs, d := detect(detector.Config{MaxFlows: 30}, slices.Concat(s.packets(), other.packets()))
		Expect(d.Stats().Flows).To(BeNumerically("<=", 30))
		Expect(d.Stats().Evicted).To(BeEquivalentTo(1))
		Expect(fs).To(HaveLen(2))
		Expect(fs[0].Scanner).To(Equal(other.src))
	})

	It("allocates nothing per packet once the source's state exists", func() {
		ps := nmap202Scan().packets()
		d := detector.New(detector.Config{})
		allocs := testing.AllocsPerRun(20, func() {
			for _, p := range ps {
				d.Packet(p.at, p.data)
			}
		})
		Expect(allocs).To(BeZero())
	})

	DescribeTable("allocates nothing for new spoofed sources once the cap is reached",
		func(flood func(i int) []byte) {
			d := detector.New(detector.Config{MaxSources: 100})
			ps := make([][]byte, 1000)
			for i := range ps {
				ps[i] = flood(i)
			}
			for _, b := range ps[:200] {
				d.Packet(t0, b)
			}
			allocs := testing.AllocsPerRun(5, func() {
				for _, b := range ps {
					d.Packet(t0, b)
				}
			})
			Expect(allocs).To(BeZero())
		},
		Entry("each with its own probe", floodSYN),
		// Identical probes from every source pair up as decoy peers: the
		// peer lists recycled sources carry must be reused, not dropped.
		Entry("all sending one identical probe, as decoys do", func(i int) []byte {
			return ipTCP(spoofed(i+1), targetAddr, 51, wire.TCPSegment{SPort: 1024, DPort: 80, Seq: 7, Flags: wire.FlagSYN, Window: 1024})
		}),
	)
})
