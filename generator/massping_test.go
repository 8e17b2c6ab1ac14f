package generator_test

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"strings"
	"time"

	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

// nexthost() and massping() (2.01's targets.c): a batch of up to 500 hosts
// of one target specification is pinged completely, in groups, under one
// echo id, before its first host is scanned.
var _ = Describe("Host discovery batches (nexthost()'s lookahead, massping()'s groups)", func() {
	// echoes are the scanner's ICMP echo requests, in send order.
	echoes := func(r *offlineRun) []wirePacket {
		var out []wirePacket
		for _, w := range r.from(scanner) {
			if w.ip.Protocol == layers.IPProtocolICMPv4 && w.raw[20] == 8 {
				out = append(out, w)
			}
		}
		return out
	}
	// hostIdx is the last octet: the host's index in a /24 batch.
	hostIdx := func(w wirePacket) int { return int(w.ip.DstIP.To4()[3]) }

	It("uses one echo id, drawn once, for all 256 hosts of a /24 sweep", func() {
		const seed = 4242
		run := runNmap("-sP 198.18.1.0/24", seed, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		g := generator.NewLibcRand(seed)
		g.Rand() // M
		id := uint16(g.Rand())
		es := echoes(run)
		Expect(len(es)).To(BeNumerically(">=", 256))
		for _, e := range es {
			Expect(binary.BigEndian.Uint16(e.raw[24:])).To(Equal(bits.ReverseBytes16(id)), "echo to %s", e.ip.DstIP)
		}
	})

	It("numbers the k-th host of the batch k*5+try: the echo's seq (byte-swapped) and the TCP ping seq's low bits", func() {
		run := runNmap("-sP 198.18.1.0/24", 4242, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		seen := map[int]bool{}
		for _, e := range echoes(run) {
			k := hostIdx(e)
			if seen[k] {
				continue
			}
			seen[k] = true
			Expect(binary.BigEndian.Uint16(e.raw[26:])).To(Equal(bits.ReverseBytes16(uint16(k*5))), "try 0 echo to host %d", k)
		}
		Expect(seen).To(HaveLen(256))
		m := run.nmap.Magic()
		acks := 0
		for _, w := range run.from(scanner) {
			if w.tcp == nil {
				continue
			}
			acks++
			try := uint32(uint16(w.tcp.SrcPort) - m - 20)
			Expect(try).To(BeNumerically("<", 5))
			// (rand()<<19) + (seq<<3) + 3: seq < 2^16, so the low 19 bits are seq<<3|3
			Expect(w.tcp.Seq & (1<<19 - 1)).To(Equal((uint32(hostIdx(w))*5+try)<<3 | 3))
		}
		Expect(acks).To(BeNumerically(">=", 256))
	})

	// bursts splits the echoes where more than 10 ms pass between two:
	// one burst per group try.
	bursts := func(es []wirePacket) [][]wirePacket {
		var out [][]wirePacket
		for i, e := range es {
			if i == 0 || e.t.Sub(es[i-1].t) > 10*time.Millisecond {
				out = append(out, nil)
			}
			out[len(out)-1] = append(out[len(out)-1], e)
		}
		return out
	}

	DescribeTable("grows the group by blockinc (5 for the default ping's two techniques, 8 for one) up to 40 after a group that needed one try (or two without news)",
		func(args, live string, sizes []int, firsts []int, perHost time.Duration) {
			a := netip.MustParseAddr(live)
			run := runNmap(args, 99, simnet.Config{Seed: 1}, labnet.Host{Addr: a})
			probes := echoes(run) // one per host and try
			if len(probes) == 0 { // -PT alone: the ACKs
				for _, w := range run.from(scanner) {
					if w.tcp != nil {
						probes = append(probes, w)
					}
				}
			}
			bs := bursts(probes)
			got, starts := []int{}, []int{}
			for _, b := range bs {
				got, starts = append(got, len(b)), append(starts, hostIdx(b[0]))
			}
			Expect(got).To(Equal(sizes))
			Expect(starts).To(Equal(firsts))
			if perHost > 0 {
				// every group before the last is silent: its try is its
				// sends (echo + ACK per host, 31 µs each) and 301 empty
				// 20 ms reads past the 6 s timeout; then the next group.
				for k := 1; k < len(sizes)-1; k++ {
					Expect(bs[k][0].t.Sub(bs[k-1][0].t)).To(Equal(time.Duration(sizes[k-1])*perHost + 301*20*time.Millisecond))
				}
			}
		},
		Entry("the live host last (.255): every group but the last ends after one try",
			"-sP 198.18.1.0/24", "198.18.1.255", []int{25, 30, 35, 40, 40, 40, 40, 6, 5}, []int{0, 25, 55, 90, 130, 170, 210, 250, 250}, 62*time.Microsecond),
		Entry("the live host at .2: the first group's retry finds no news, and it grows all the same",
			"-sP 198.18.1.0/24", "198.18.1.2", []int{25, 24, 30, 35, 40, 40, 40, 40, 6}, []int{0, 0, 25, 55, 90, 130, 170, 210, 250}, time.Duration(0)),
		Entry("-PI alone (one technique): by 8",
			"-PI -sP 198.18.1.0/24", "198.18.1.255", []int{25, 33, 40, 40, 40, 40, 38, 37}, []int{0, 25, 58, 98, 138, 178, 218, 218}, time.Duration(0)),
		Entry("-PT alone (one technique): by 8",
			"-PT -sP 198.18.1.0/24", "198.18.1.255", []int{25, 33, 40, 40, 40, 40, 38, 37}, []int{0, 25, 58, 98, 138, 178, 218, 218}, time.Duration(0)),
	)

	It("makes one massping() call, and one id draw, per target specification", func() {
		const seed = 515
		run := runNmap("-d -sP 198.18.1.2 198.18.1.3", seed, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		g := generator.NewLibcRand(seed)
		g.Rand() // M
		id1 := uint16(g.Rand())
		g.Rand() // the victim's echo: IP id
		g.Rand() // its ACK: seq
		g.Rand() // its ACK: IP id
		id2 := uint16(g.Rand())
		es := echoes(run)
		Expect(es).To(HaveLen(1 + 5)) // the victim answers at once; .3, alone in its batch, gets five tries
		Expect(binary.BigEndian.Uint16(es[0].raw[24:])).To(Equal(bits.ReverseBytes16(id1)))
		for _, e := range es[1:] {
			Expect(binary.BigEndian.Uint16(e.raw[24:])).To(Equal(bits.ReverseBytes16(id2)))
			Expect(hostIdx(e)).To(Equal(3))
			// host 0 of its own batch: seq = 0*5 + try
		}
		Expect(binary.BigEndian.Uint16(es[1].raw[26:])).To(BeZero())
		out := run.nmap.Output()
		Expect(strings.Count(out, "massping done:  num_hosts: 1  num_responses: 1\n")).To(Equal(1))
		Expect(strings.Count(out, "massping done:  num_hosts: 1  num_responses: 0\n")).To(Equal(1))
		Expect(strings.Index(out, "num_responses: 1\n")).To(BeNumerically("<", strings.Index(out, "num_responses: 0\n")))
	})

	It("under -PI alone calls massping() once more on the empty refill at each spec's end (another id draw)", func() {
		run := runNmap("-d -PI -sP 198.18.1.2 198.18.1.3", 515, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		out := run.nmap.Output()
		Expect(strings.Count(out, "massping done:  num_hosts: 0  num_responses: 0\n")).To(Equal(2))
		Expect(strings.Count(out, "massping done:  num_hosts: 1  ")).To(Equal(2))
	})

	It("pings every host of a /27 (two groups: 25, then 7) before the scan's first SYN", func() {
		run := runNmap("-sS -p22 198.18.1.0/27", 7, simnet.Config{Seed: 1}, labnet.Host{Addr: victim, OpenTCP: []uint16{22}})
		syn := run.synProbes()
		Expect(syn).NotTo(BeEmpty())
		pinged := map[int]bool{}
		for _, e := range echoes(run) {
			if e.t.Before(syn[0].t) {
				pinged[hostIdx(e)] = true
			}
		}
		Expect(pinged).To(HaveLen(32))
	})
})
