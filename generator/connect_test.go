package generator_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

var _ = Describe("Connect scan (-sT)", func() {
	It("connects through the scanner's Linux 2.0 kernel and resets open connections on close (linger 0)", func() {
		run := runNmap("-v -sT -P0 -p20-25 victim", 8, simnet.Config{Seed: 3}, labnet.Host{Addr: victim, OpenTCP: []uint16{22}})
		var syns int
		var flow []string
		var openSport uint16
		for _, w := range run.wire {
			if w.tcp == nil {
				continue
			}
			if w.ip.SrcIP.Equal(scanner.AsSlice()) && w.tcp.SYN {
				syns++
				By("the kernel's SYN: window 512, MSS 1460 only, TTL 64, no DF, an ephemeral port of 1024-4999")
				Expect(w.tcp.Window).To(BeEquivalentTo(512))
				Expect(w.raw[20+20:]).To(Equal([]byte{2, 4, 0x05, 0xb4}))
				Expect(w.ip.TTL).To(BeEquivalentTo(64))
				Expect(w.ip.Flags).To(BeZero())
				Expect(int(w.tcp.SrcPort)).To(BeNumerically(">=", 1024))
				Expect(int(w.tcp.SrcPort)).To(BeNumerically("<=", 4999))
				if w.tcp.DstPort == 22 {
					openSport = uint16(w.tcp.SrcPort)
				}
			}
			if uint16(w.tcp.SrcPort) == openSport || uint16(w.tcp.DstPort) == openSport {
				flow = append(flow, flags(w))
			}
		}
		Expect(syns).To(Equal(6))
		Expect(flow).To(Equal([]string{"S", "SA", "A", "RA"}), "handshake, then the linger-0 reset")
		out := run.nmap.Output()
		Expect(out).To(ContainSubstring("Initiating TCP connect() scan against victim (198.18.1.2)\n"))
		Expect(out).To(ContainSubstring("Adding TCP port 22 (state Open).\n"))
		Expect(out).To(ContainSubstring("The TCP connect scan took 0 seconds to scan 6 ports.\n"))
		Expect(out).To(ContainSubstring("22      open        tcp        unknown"))
	})

	It("lets the kernel retransmit an unanswered SYN after 3 s, and retries from a new port after nmap's timeout", func() {
		run := runNmap("-sT -P0 -p7 victim", 8, simnet.Config{Seed: 3}, labnet.Host{Addr: victim, FilteredTCP: []uint16{7}})
		var syns []wirePacket
		for _, w := range run.wire {
			if w.tcp != nil && w.tcp.SYN {
				syns = append(syns, w)
			}
		}
		Expect(len(syns)).To(BeNumerically(">=", 4))
		Expect(syns[1].tcp.SrcPort).To(Equal(syns[0].tcp.SrcPort), "the kernel's own retransmission")
		Expect(syns[1].t.Sub(syns[0].t)).To(BeNumerically("~", 3*time.Second, time.Millisecond))
		Expect(syns[2].tcp.SrcPort).NotTo(Equal(syns[0].tcp.SrcPort), "nmap's retry is a new connect()")
		Expect(syns[2].t.Sub(syns[0].t)).To(BeNumerically(">", 6*time.Second))
	})
})

func flags(w wirePacket) string {
	s := ""
	for _, f := range []struct {
		on bool
		c  string
	}{{w.tcp.SYN, "S"}, {w.tcp.FIN, "F"}, {w.tcp.RST, "R"}, {w.tcp.ACK, "A"}} {
		if f.on {
			s += f.c
		}
	}
	return s
}
