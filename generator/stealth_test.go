package generator_test

import (
	"encoding/binary"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
	"github.com/siglab/siglab/wire"
)

// fromScanner are the packets the scanner sent that are not its kernel's
// RSTs.
func (r *offlineRun) probes(proto uint8) []wirePacket {
	var out []wirePacket
	for _, w := range r.wire {
		if w.ip.SrcIP.Equal(scanner.AsSlice()) && w.raw[9] == proto && !(w.tcp != nil && w.tcp.RST) {
			out = append(out, w)
		}
	}
	return out
}

var _ = Describe("FIN, Xmas and Null scans (super_scan)", func() {
	DescribeTable("build every probe as send_tcp_raw did: seq 0, ack 0, no options, sport M",
		func(opt string, flags byte) {
			const seed = 4242
			run := runNmap(fmt.Sprintf("-v %s -P0 -p1-25 victim", opt), seed, simnet.Config{Seed: 3}, labnet.Host{Addr: victim})
			want := replayDraws(seed, 25)
			ttl := byte(simnet.Epoch.Unix()%14 + 51)
			probes := run.probes(6)
			Expect(probes).To(HaveLen(25), "every port is closed: one probe each, answered by RST")
			for i, p := range probes {
				b := p.raw
				Expect(b).To(HaveLen(40))
				Expect(b[0]).To(Equal(byte(0x45)))
				Expect(b[1]).To(BeZero())
				Expect(binary.BigEndian.Uint16(b[6:])).To(BeZero())
				Expect(b[8]).To(Equal(ttl))
				Expect(wire.Checksum(b[:20])).To(BeZero())
				Expect(binary.BigEndian.Uint16(b[20:])).To(Equal(want.magic))
				Expect(binary.BigEndian.Uint16(b[22:])).To(Equal(want.order[i]))
				Expect(binary.BigEndian.Uint32(b[24:])).To(BeZero(), "seq")
				Expect(binary.BigEndian.Uint32(b[28:])).To(BeZero(), "ack")
				Expect(b[32]).To(Equal(byte(0x50)))
				Expect(b[33]).To(Equal(flags))
				Expect(binary.BigEndian.Uint16(b[34:])).To(Equal(uint16(1024 * (uint16(ttl%4) + 1))))
				Expect(binary.BigEndian.Uint16(b[38:])).To(BeZero(), "urgent pointer 0 even with URG set")
				Expect(tcpChecksumOK(b)).To(BeTrue())
			}
			out := run.nmap.Output()
			Expect(out).To(ContainSubstring("Initiating FIN,NULL, UDP, or Xmas stealth scan against victim (198.18.1.2)\n"))
			Expect(out).To(ContainSubstring("The UDP or stealth FIN/NULL/XMAS scan took 0 seconds to scan 25 ports.\n"))
			Expect(out).To(ContainSubstring("No ports open for host victim (198.18.1.2)\n"))
		},
		Entry("-sF: FIN", "-sF", byte(0x01)),
		Entry("-sX: Xmas, FIN|URG|PSH", "-sX", byte(0x29)),
		Entry("-sN: Null, no flags", "-sN", byte(0x00)),
	)

	It("retransmits a silent port once, from M+1, and then calls it open", func() {
		run := runNmap("-v -sF -P0 -p7 victim", 77, simnet.Config{Seed: 3}, labnet.Host{Addr: victim, FilteredTCP: []uint16{7}})
		d := replayDraws(77, 1)
		probes := run.probes(6)
		Expect(probes).To(HaveLen(2), "two sends; nothing changed, so no second round")
		Expect(probes[0].tcp.SrcPort).To(BeEquivalentTo(d.magic))
		Expect(probes[1].tcp.SrcPort).To(BeEquivalentTo(d.magic + 1))
		Expect(run.nmap.Output()).To(ContainSubstring("7       open        tcp"))
	})

	// super_scan() ends with "addport(&target->ports, current->portno,
	// IPPROTO_TCP, NULL, PORT_OPEN);" for each port of its open list, and
	// takes an ICMP unreachable with "addport(&target->ports, ...,
	// current->state);": addport() prints nothing, and super_scan has no
	// "Adding %s port" printf (posportupdate()'s, pos_scan only).
	DescribeTable("prints no Adding line under -v, only the table",
		func(opt string, host labnet.Host, row string) {
			run := runNmap("-v "+opt+" -P0 -p1-10 victim", 77, simnet.Config{Seed: 3}, host)
			Expect(run.nmap.Output()).NotTo(ContainSubstring("Adding "))
			Expect(run.nmap.Output()).To(ContainSubstring(row))
		},
		Entry("FIN, a silent port: open", "-sF", labnet.Host{Addr: victim, FilteredTCP: []uint16{7}}, "7       open        tcp"),
		Entry("FIN, ICMP admin prohibited: filtered", "-sF", labnet.Host{Addr: victim, ProhibitedTCP: []uint16{7}}, "7       filtered    tcp"),
		Entry("UDP, a bound port: open", "-sU", labnet.Host{Addr: victim, OpenUDP: []uint16{7}}, "7       open        udp"),
	)

	It("keeps retransmissions on M under -g", func() {
		run := runNmap("-sF -P0 -g 53 -p7 victim", 77, simnet.Config{Seed: 3}, labnet.Host{Addr: victim, FilteredTCP: []uint16{7}})
		for _, p := range run.probes(6) {
			Expect(p.tcp.SrcPort).To(BeEquivalentTo(53))
		}
	})
})

var _ = Describe("UDP scan (-sU)", func() {
	It("sends 0-byte datagrams (IP length 28, UDP length 8) with a correct checksum from M", func() {
		const seed = 515
		run := runNmap("-sU -P0 -p1-10 victim", seed, simnet.Config{Seed: 3}, labnet.Host{Addr: victim})
		want := replayDraws(seed, 10)
		probes := run.probes(17)
		Expect(len(probes)).To(BeNumerically(">=", 10))
		for i, p := range probes[:10] {
			b := p.raw
			Expect(b).To(HaveLen(28))
			Expect(binary.BigEndian.Uint16(b[2:])).To(Equal(uint16(28)))
			Expect(binary.BigEndian.Uint16(b[6:])).To(BeZero())
			Expect(b[9]).To(Equal(byte(17)))
			Expect(binary.BigEndian.Uint16(b[20:])).To(Equal(want.magic))
			Expect(binary.BigEndian.Uint16(b[22:])).To(Equal(want.order[i]))
			Expect(binary.BigEndian.Uint16(b[24:])).To(Equal(uint16(8)))
			pseudo := append(append([]byte{}, b[12:20]...), 0, 17, 0, 8)
			Expect(wire.Checksum(append(pseudo, b[20:]...))).To(BeZero(), "UDP checksum")
		}
	})
})
