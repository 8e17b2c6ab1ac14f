package main

import (
	"bytes"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
)

// reserialized is p rebuilt by gopacket with lengths and both checksums
// computed afresh: an implementation independent of packet.go's, so a
// packet equal to it carries correct checksums.
func reserialized(p []byte) []byte {
	pk := gopacket.NewPacket(p, layers.LayerTypeIPv4, gopacket.Default)
	ip, _ := pk.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	tcp, _ := pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
	Expect(ip).NotTo(BeNil())
	Expect(tcp).NotTo(BeNil())
	Expect(tcp.SetNetworkLayerForChecksum(ip)).To(Succeed())
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	Expect(gopacket.SerializeLayers(buf, opts, ip, tcp)).To(Succeed())
	return buf.Bytes()
}

var _ = Describe("spoofcap", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	// spoof runs the command and reads its file back with capture.
	spoof := func(args ...string) *capture.Capture {
		out := filepath.Join(dir, "s.pcap")
		var stderr bytes.Buffer
		Expect(run(append(args, "-o", out), &stderr)).To(Succeed())
		Expect(stderr.String()).To(HavePrefix("spoofcap: wrote "))
		c, err := capture.ReadFile(out)
		Expect(err).NotTo(HaveOccurred())
		return c
	}

	It("writes nmap 2.02 SYNs from sources taking turns, one per µs, checksums correct", func() {
		c := spoof("-n", "1000", "-sources", "100")
		Expect(c.LinkType).To(Equal(capture.LinkTypeRaw))
		Expect(c.Packets).To(HaveLen(1000))

		lab := netip.MustParsePrefix("198.18.0.0/15")
		spoofed := netip.MustParsePrefix("10.0.0.0/8")
		perSource := map[netip.Addr]int{}
		portsOf := map[netip.Addr]map[layers.TCPPort]bool{}
		t0 := c.Packets[0].Time
		Expect(t0).To(Equal(time.Date(1998, 12, 20, 1, 41, 25, 0, time.UTC)))
		for n, p := range c.Packets {
			Expect(p.Time.Sub(t0)).To(Equal(time.Duration(n)*time.Microsecond), "packet %d's time", n)
			Expect(p.Data).To(Equal(reserialized(p.Data)), "packet %d's lengths or checksums", n)

			pk := gopacket.NewPacket(p.Data, layers.LayerTypeIPv4, gopacket.Default)
			ip := pk.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
			tcp := pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
			src, _ := netip.AddrFromSlice(ip.SrcIP.To4())
			dst, _ := netip.AddrFromSlice(ip.DstIP.To4())
			Expect(src).To(Equal(netip.AddrFrom4([4]byte{10, 0, 0, byte(n % 100)})), "sources take turns")
			Expect(spoofed.Contains(src)).To(BeTrue())
			Expect(lab.Contains(dst)).To(BeTrue())
			Expect(dst).To(Equal(netip.MustParseAddr("198.18.1.2")))

			// nmap 2.02 -sS's probe (nmap-2.0x-internals.md §1-2).
			Expect(ip.Flags).To(BeZero())
			Expect(ip.TTL).To(BeNumerically(">=", 51))
			Expect(ip.TTL).To(BeNumerically("<=", 64))
			Expect(tcp.Window).To(Equal(uint16(1024 * (int(ip.TTL)%4 + 1))))
			Expect(tcp.SYN && !tcp.ACK && !tcp.RST && !tcp.FIN).To(BeTrue())
			Expect(tcp.Options).To(BeEmpty())
			Expect(tcp.Ack).To(BeZero())
			Expect(int(tcp.SrcPort)).To(BeNumerically(">=", 33000))
			Expect(int(tcp.SrcPort)).To(BeNumerically("<", 64000))

			perSource[src]++
			if portsOf[src] == nil {
				portsOf[src] = map[layers.TCPPort]bool{}
			}
			portsOf[src][tcp.DstPort] = true
		}
		Expect(perSource).To(HaveLen(100))
		for src, k := range perSource {
			Expect(k).To(Equal(10), "packets from %s", src)
			Expect(portsOf[src]).To(HaveLen(10), "distinct ports from %s", src)
		}
	})

	It("gives the first sources one packet more when they do not divide the count", func() {
		c := spoof("-n", "25", "-sources", "10", "-targets", "3")
		per, dsts := map[[4]byte]int{}, map[[4]byte]bool{}
		for _, p := range c.Packets {
			per[[4]byte(p.Data[12:16])]++
			dsts[[4]byte(p.Data[16:20])] = true
		}
		Expect(per).To(HaveLen(10))
		Expect(per[[4]byte{10, 0, 0, 4}]).To(Equal(3))
		Expect(per[[4]byte{10, 0, 0, 5}]).To(Equal(2))
		Expect(dsts).To(Equal(map[[4]byte]bool{{198, 18, 1, 2}: true, {198, 18, 1, 3}: true, {198, 18, 1, 4}: true}))
	})

	It("writes the same bytes every time", func() {
		a, b := filepath.Join(dir, "a.pcap"), filepath.Join(dir, "b.pcap")
		Expect(run([]string{"-n", "500", "-sources", "7", "-o", a}, &bytes.Buffer{})).To(Succeed())
		Expect(run([]string{"-n", "500", "-sources", "7", "-o", b}, &bytes.Buffer{})).To(Succeed())
		ab, err := os.ReadFile(a)
		Expect(err).NotTo(HaveOccurred())
		bb, err := os.ReadFile(b)
		Expect(err).NotTo(HaveOccurred())
		Expect(ab).To(HaveLen(24 + 500*recLen))
		Expect(ab).To(Equal(bb))
	})

	It("writes a valid empty capture for -n 0", func() {
		Expect(spoof("-n", "0").Packets).To(BeEmpty())
	})

	DescribeTable("refuses",
		func(args ...string) {
			Expect(run(args, &bytes.Buffer{})).To(MatchError(errUsage))
		},
		Entry("no output", "-n", "10"),
		Entry("a stray argument", "-o", "x.pcap", "extra"),
		Entry("an unknown flag", "-x", "-o", "x.pcap"),
		Entry("a negative count", "-n", "-1", "-o", "x.pcap"),
		Entry("no sources", "-sources", "0", "-o", "x.pcap"),
		Entry("more sources than 10.0.0.0/8 holds", "-sources", "16777217", "-o", "x.pcap"),
		Entry("no targets", "-targets", "0", "-o", "x.pcap"),
		Entry("targets past 198.19.1.1", "-targets", "65537", "-o", "x.pcap"),
	)

	It("allocates nothing per packet", func() {
		cfg := defaultConfig()
		allocs := func(n int) float64 {
			cfg.packets = n
			return testing.AllocsPerRun(5, func() { Expect(write(io.Discard, cfg)).To(Succeed()) })
		}
		Expect(allocs(100_000)).To(Equal(allocs(10)))
	})
})
