package personality_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
	"time"

	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/personality"
	"github.com/siglab/siglab/wire"
)

const (
	fin = wire.FlagFIN
	syn = wire.FlagSYN
	rst = wire.FlagRST
	psh = wire.FlagPSH
	ack = wire.FlagACK
	urg = wire.FlagURG
)

// all is every personality, today's kernel included.
var all = append([]string{"kernel"}, historic...)

// one sends p at t0 to a fresh stack and returns its decoded replies.
func one(name string, p wire.Packet) []decoded {
	var out []decoded
	for _, r := range answer(newStack(name), t0, p) {
		out = append(out, decode(r))
	}
	return out
}

// scanProbe is a SYN/FIN/Xmas/Null scan probe from M: no options, seq
// zero unless SYN.
func scanProbe(dport uint16, flags uint8) wire.Packet {
	seq := uint32(0)
	if flags&syn != 0 {
		seq = seqBase
	}
	return tcpProbe(magic, dport, seq, flags, nil)
}

// expectTCP checks a TCP reply from dport back to M with these flags.
func expectTCP(d decoded, dport uint16, flags uint8) {
	GinkgoHelper()
	expectTCPTo(d, dport, magic, flags)
}

// expectTCPTo checks a TCP reply from dport back to the probe's sport.
func expectTCPTo(d decoded, dport, sport uint16, flags uint8) {
	GinkgoHelper()
	Expect(d.tcp).NotTo(BeNil())
	Expect(d.ip.SrcIP.String()).To(Equal(victim.String()))
	Expect(d.ip.DstIP.String()).To(Equal(scanner.String()))
	Expect(d.tcp.SrcPort).To(BeEquivalentTo(dport))
	Expect(d.tcp.DstPort).To(BeEquivalentTo(sport))
	Expect(flagLetters(d.raw[d.ip.IHL*4+13])).To(Equal(flagLetters(flags)))
	Expect(wire.Checksum(d.raw[:d.ip.IHL*4])).To(BeZero(), "IP checksum")
}

var _ = Describe("Port-scan answers", func() {
	DescribeTable("SYN to an open port: SYN/ACK acknowledging seq+1",
		func(name string) {
			r := one(name, scanProbe(22, syn))
			Expect(r).To(HaveLen(1))
			expectTCP(r[0], 22, syn|ack)
			Expect(r[0].tcp.Ack).To(Equal(uint32(seqBase + 1)))
		},
		EntryDescription("%s"), Entry(nil, "kernel"), Entry(nil, "irix-6.2"), Entry(nil, "laserwriter-600"),
		Entry(nil, "linux-2.0.35"), Entry(nil, "os2-warp-3"), Entry(nil, "solaris-2.6"), Entry(nil, "windows-nt4"),
	)

	DescribeTable("SYN to a closed port: RST/ACK acknowledging seq+1 (T5's rule)",
		func(name string, answers bool) {
			r := one(name, scanProbe(80, syn))
			if !answers {
				Expect(r).To(BeEmpty())
				return
			}
			Expect(r).To(HaveLen(1))
			expectTCP(r[0], 80, rst|ack)
			Expect(r[0].tcp.Seq).To(BeZero())
			Expect(r[0].tcp.Ack).To(Equal(uint32(seqBase + 1)))
			Expect(r[0].tcp.Window).To(BeZero())
		},
		Entry(nil, "kernel", true), Entry(nil, "irix-6.2", true),
		Entry("laserwriter-600: silence (T5 Resp=N), so a SYN scan calls the port filtered", "laserwriter-600", false),
		Entry(nil, "linux-2.0.35", true), Entry(nil, "os2-warp-3", true), Entry(nil, "solaris-2.6", true), Entry(nil, "windows-nt4", true),
	)

	DescribeTable("FIN, Xmas and Null to an open port: RFC 793 silence, unless the OS famously reset",
		func(name string, resets bool, finAck uint32) {
			for _, flags := range []uint8{fin, fin | urg | psh, 0} {
				r := one(name, scanProbe(22, flags))
				if !resets {
					Expect(r).To(BeEmpty(), "flags %02x", flags)
					continue
				}
				Expect(r).To(HaveLen(1), "flags %02x", flags)
				expectTCP(r[0], 22, rst|ack)
				want := uint32(0)
				if flags&fin != 0 {
					want = finAck
				}
				Expect(r[0].tcp.Ack).To(Equal(want), "flags %02x", flags)
			}
		},
		Entry("kernel: a listening socket drops them", "kernel", false, uint32(0)),
		Entry("irix-6.2: RST (Phrack 54), the FIN not acknowledged", "irix-6.2", true, uint32(0)),
		Entry("windows-nt4: RST (Phrack 54), the FIN acknowledged", "windows-nt4", true, uint32(1)),
		Entry(nil, "laserwriter-600", false, uint32(0)), Entry(nil, "linux-2.0.35", false, uint32(0)),
		Entry(nil, "os2-warp-3", false, uint32(0)), Entry(nil, "solaris-2.6", false, uint32(0)),
	)

	DescribeTable("FIN, Xmas and Null to a closed port: RST/ACK (T7's rule)",
		func(name string, finAck uint32) {
			for _, flags := range []uint8{fin, fin | urg | psh, 0} {
				r := one(name, scanProbe(80, flags))
				Expect(r).To(HaveLen(1), "flags %02x", flags)
				expectTCP(r[0], 80, rst|ack)
				want := uint32(0)
				if flags&fin != 0 {
					want = finAck
				}
				Expect(r[0].tcp.Ack).To(Equal(want), "flags %02x", flags)
			}
		},
		Entry(nil, "kernel", uint32(1)), Entry(nil, "irix-6.2", uint32(0)), Entry(nil, "laserwriter-600", uint32(1)),
		Entry(nil, "linux-2.0.35", uint32(0)), Entry(nil, "os2-warp-3", uint32(0)), Entry(nil, "solaris-2.6", uint32(0)),
		Entry(nil, "windows-nt4", uint32(1)),
	)

	DescribeTable("ACK to any port without a connection (nmap's TCP ping): RST with seq = the probe's ack",
		func(name string) {
			for _, port := range []uint16{22, 80} {
				p := tcpProbe(magic+20, port, 0x12345678, ack, nil)
				binary.BigEndian.PutUint32(p[28:], 0xCAFEF00D) // a non-zero ack, checksum redone below
				p = reChecksum(p)
				r := one(name, p)
				Expect(r).To(HaveLen(1))
				expectTCPTo(r[0], port, magic+20, rst)
				Expect(r[0].tcp.Seq).To(Equal(uint32(0xCAFEF00D)))
			}
		},
		Entry(nil, "kernel"), Entry(nil, "irix-6.2"), Entry(nil, "laserwriter-600"), Entry(nil, "linux-2.0.35"),
		Entry(nil, "os2-warp-3"), Entry(nil, "solaris-2.6"), Entry(nil, "windows-nt4"),
	)

	DescribeTable("filtered ports are silent, prohibited ones answer ICMP 3/13 quoting the probe",
		func(name string) {
			s, err := personality.New(labnet.Host{Stack: labnet.Stack(name), Addr: victim, OpenTCP: []uint16{22},
				FilteredTCP: []uint16{22, 23}, ProhibitedTCP: []uint16{24}}, 1)
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Answer(t0, scanProbe(22, syn))).To(BeEmpty(), "filtered wins over open")
			Expect(s.Answer(t0, scanProbe(23, syn))).To(BeEmpty())
			r := answer(s, t0, scanProbe(24, syn))
			Expect(r).To(HaveLen(1))
			d := decode(r[0])
			Expect(d.icmp).NotTo(BeNil())
			Expect(d.icmp.TypeCode).To(Equal(layers.CreateICMPv4TypeCode(3, 13)))
			Expect(binary.BigEndian.Uint16(d.icmp.Payload[20:])).To(BeEquivalentTo(magic), "quotes our source port")
			Expect(binary.BigEndian.Uint16(d.icmp.Payload[22:])).To(BeEquivalentTo(24))
		},
		Entry(nil, "kernel"), Entry(nil, "irix-6.2"), Entry(nil, "laserwriter-600"), Entry(nil, "linux-2.0.35"),
		Entry(nil, "os2-warp-3"), Entry(nil, "solaris-2.6"), Entry(nil, "windows-nt4"),
	)

	DescribeTable("a RST is never answered",
		func(name string) {
			for _, port := range []uint16{22, 80} {
				Expect(one(name, tcpProbe(magic, port, 1, rst, nil))).To(BeEmpty())
				Expect(one(name, tcpProbe(magic, port, 1, rst|ack, nil))).To(BeEmpty())
			}
		},
		Entry(nil, "kernel"), Entry(nil, "irix-6.2"), Entry(nil, "laserwriter-600"), Entry(nil, "linux-2.0.35"),
		Entry(nil, "os2-warp-3"), Entry(nil, "solaris-2.6"), Entry(nil, "windows-nt4"),
	)
})

var _ = Describe("UDP and ICMP answers", func() {
	DescribeTable("UDP to a closed port: ICMP port unreachable quoting our datagram; to an open one: nothing",
		func(name string) {
			h := wire.IPHeader{ID: 77, TTL: probeTTL, Src: scanner, Dst: victim}
			r := one(name, wire.Packet(wire.AppendUDP(nil, &h, magic, 137, nil)))
			Expect(r).To(HaveLen(1))
			Expect(r[0].icmp).NotTo(BeNil())
			Expect(r[0].icmp.TypeCode).To(Equal(layers.CreateICMPv4TypeCode(3, 3)))
			q := r[0].icmp.Payload
			Expect(q[9]).To(BeEquivalentTo(17))
			Expect(binary.BigEndian.Uint16(q[20:])).To(BeEquivalentTo(magic))
			Expect(binary.BigEndian.Uint16(q[22:])).To(BeEquivalentTo(137))
			Expect(wire.Checksum(r[0].raw[r[0].ip.IHL*4:])).To(BeZero(), "ICMP checksum")
			Expect(one(name, wire.Packet(wire.AppendUDP(nil, &h, magic, 53, nil)))).To(BeEmpty())
		},
		Entry(nil, "irix-6.2"), Entry(nil, "laserwriter-600"), Entry(nil, "linux-2.0.35"),
		Entry(nil, "os2-warp-3"), Entry(nil, "solaris-2.6"), Entry(nil, "windows-nt4"),
	)

	DescribeTable("ICMP echo: an echo reply with the request's id, sequence and data (every stack)",
		func(name string) {
			h := wire.IPHeader{ID: 9, TTL: probeTTL, Src: scanner, Dst: victim}
			body := []byte{0x12, 0x34, 0x01, 0x00, 'h', 'i'}
			r := one(name, wire.Packet(wire.AppendICMP(nil, &h, 8, 0, body)))
			Expect(r).To(HaveLen(1))
			Expect(r[0].icmp.TypeCode).To(Equal(layers.CreateICMPv4TypeCode(0, 0)))
			Expect(r[0].icmp.Id).To(Equal(uint16(0x1234)))
			Expect(r[0].icmp.Seq).To(Equal(uint16(0x0100)))
			Expect(r[0].icmp.Payload).To(Equal([]byte("hi")))
			Expect(wire.Checksum(r[0].raw[20:])).To(BeZero())
		},
		Entry(nil, "kernel"), Entry(nil, "irix-6.2"), Entry(nil, "laserwriter-600"), Entry(nil, "linux-2.0.35"),
		Entry(nil, "os2-warp-3"), Entry(nil, "solaris-2.6"), Entry(nil, "windows-nt4"),
	)

	It("answers UDP to a closed port on the kernel stack with port unreachable, quoting it all (the lab lifts the live rate limit)", func() {
		h := wire.IPHeader{ID: 9, TTL: probeTTL, Src: scanner, Dst: victim}
		r := one("kernel", wire.Packet(wire.AppendUDP(nil, &h, magic, 137, nil)))
		Expect(r).To(HaveLen(1))
		Expect(r[0].raw[1]).To(Equal(byte(0xc0)), "TOS")
		Expect(r[0].raw[20:22]).To(Equal([]byte{3, 3}))
		Expect(r[0].raw).To(HaveLen(20 + 8 + 28))
	})

	It("limits Linux 2.0's unreachables to 80 per 4 seconds, with a quarter second off past that", func() {
		s := newStack("linux-2.0.35")
		send := func(at time.Time) int { return len(s.Answer(at, puProbe())) }
		got := 0
		for i := range 100 {
			got += send(t0.Add(time.Duration(i) * time.Millisecond))
		}
		Expect(got).To(Equal(80))
		Expect(send(t0.Add(4100*time.Millisecond))).To(Equal(1), "a new window, past the penalty")
		for i := range 79 {
			send(t0.Add(4200*time.Millisecond + time.Duration(i)*time.Millisecond))
		}
		Expect(send(t0.Add(4300*time.Millisecond))).To(BeZero(), "the 81st closes the tap")
		Expect(send(t0.Add(4600*time.Millisecond))).To(BeZero(), "past the penalty, but the window from 4.1 s is still full")
		Expect(send(t0.Add(8200*time.Millisecond))).To(Equal(1), "the next window")
	})

	It("does not limit the other stacks", func() {
		s := newStack("irix-6.2")
		got := 0
		for range 200 {
			got += len(s.Answer(t0, puProbe()))
		}
		Expect(got).To(Equal(200))
	})
})

var _ = Describe("Connections (connect scans and the lab's listeners)", func() {
	DescribeTable("handshake, one line per request, passive close",
		func(name string) {
			s := newStack(name)
			sa := decode(answer(s, t0, tcpProbe(40000, 22, 1000, syn, nil))[0])
			Expect(sa.tcp.SYN && sa.tcp.ACK).To(BeTrue())
			isn := sa.tcp.Seq
			seg := func(seq, ackNo uint32, flags uint8, data []byte) [][]byte {
				h := wire.IPHeader{ID: 1, TTL: 64, Src: scanner, Dst: victim}
				t := wire.TCPSegment{SPort: 40000, DPort: 22, Seq: seq, Ack: ackNo, Flags: flags, Window: 5840, Payload: data}
				return answer(s, t0, wire.Packet(wire.AppendTCP(nil, &h, &t)))
			}
			Expect(seg(1001, isn+1, ack, nil)).To(BeEmpty(), "the handshake's ACK")
			r := seg(1001, isn+1, psh|ack, []byte("HELO\r\n"))
			Expect(r).To(HaveLen(1))
			d := decode(r[0])
			Expect(d.tcp.Ack).To(Equal(uint32(1007)))
			Expect(d.tcp.Seq).To(Equal(isn + 1))
			Expect(string(d.tcp.Payload)).To(Equal("siglab 22 ok\r\n"))
			r = seg(1007, isn+15, fin|ack, nil)
			Expect(r).To(HaveLen(1))
			d = decode(r[0])
			Expect(d.tcp.FIN && d.tcp.ACK).To(BeTrue())
			Expect(d.tcp.Ack).To(Equal(uint32(1008)))
			Expect(seg(1008, isn+16, ack, nil)).To(BeEmpty(), "LAST-ACK ends it")
			Expect(seg(1008, isn+16, ack, nil)).NotTo(BeEmpty(), "gone: a stray ACK now gets T4's RST")
		},
		Entry(nil, "irix-6.2"), Entry(nil, "laserwriter-600"), Entry(nil, "linux-2.0.35"),
		Entry(nil, "os2-warp-3"), Entry(nil, "solaris-2.6"), Entry(nil, "windows-nt4"),
	)

	It("forgets a connection the peer resets, as after a SYN scan's SYN/ACK", func() {
		s := newStack("linux-2.0.35")
		sa := decode(answer(s, t0, tcpProbe(40000, 22, 1000, syn, nil))[0])
		Expect(s.Answer(t0, tcpProbe(40000, 22, 1001, rst, nil))).To(BeEmpty())
		p := reChecksum(withAck(tcpProbe(40000, 22, 1001, ack, nil), sa.tcp.Seq+1))
		Expect(answer(s, t0, p)).To(HaveLen(1), "no connection: T4's RST")
	})
})

var _ = Describe("What a stack refuses to answer", func() {
	DescribeTable("packets not for it, from outside the lab, fragments, or malformed",
		func(name string) {
			s := newStack(name)
			other := tcpProbe(magic, 22, 1, syn, nil)
			copy(other[16:20], netip.MustParseAddr("198.18.1.3").AsSlice())
			Expect(s.Answer(t0, reChecksum(other))).To(BeEmpty(), "another host's")
			outside := tcpProbe(magic, 22, 1, syn, nil)
			copy(outside[12:16], netip.MustParseAddr("192.0.2.1").AsSlice())
			Expect(s.Answer(t0, reChecksum(outside))).To(BeEmpty(), "a source outside 198.18.0.0/15")
			frag := tcpProbe(magic, 22, 1, syn, nil)
			frag[6] |= 0x20 // MF
			Expect(s.Answer(t0, reChecksum(frag))).To(BeEmpty(), "a first fragment")
			bad := tcpProbe(magic, 22, 1, syn, nil)
			bad[32] = 0x20 // data offset 2
			Expect(s.Answer(t0, bad)).To(BeEmpty(), "a TCP header shorter than 20 bytes")
			Expect(s.Answer(t0, wire.Packet(bytes.Repeat([]byte{0x45}, 19)))).To(BeEmpty())
		},
		Entry(nil, "kernel"), Entry(nil, "irix-6.2"), Entry(nil, "laserwriter-600"), Entry(nil, "linux-2.0.35"),
		Entry(nil, "os2-warp-3"), Entry(nil, "solaris-2.6"), Entry(nil, "windows-nt4"),
	)
})

var _ = Describe("New, Names and Fingerprint", func() {
	It("lists every personality, sorted", func() {
		Expect(personality.Names()).To(Equal([]string{"irix-6.2", "kernel", "laserwriter-600", "linux-2.0.35",
			"os2-warp-3", "solaris-2.6", "windows-2003-ipv6", "windows-nt4"}))
	})

	It("refuses an unknown name, listing the known ones", func() {
		_, err := personality.New(labnet.Host{Stack: labnet.Stack("irix-5.3"), Addr: victim}, 0)
		Expect(errors.Is(err, personality.ErrUnknownStack)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring(`"irix-5.3"`))
		Expect(err.Error()).To(ContainSubstring("irix-6.2, kernel, laserwriter-600"))
	})

	DescribeTable("refuses addresses outside 198.18.0.0/15",
		func(addr netip.Addr) {
			_, err := personality.New(labnet.Host{Stack: labnet.Stack("irix-6.2"), Addr: addr}, 0)
			Expect(errors.Is(err, labnet.ErrOutsideLab)).To(BeTrue())
		},
		Entry("the zero address", netip.Addr{}),
		Entry("a public address", netip.MustParseAddr("192.0.2.1")),
		Entry("just past the lab", netip.MustParseAddr("198.20.0.1")),
		Entry("IPv6", netip.MustParseAddr("2001:db8::1")),
	)

	It("has a record for every historic personality, none for the kernel", func() {
		for _, n := range historic {
			rec, err := personality.Fingerprint(n)
			Expect(err).NotTo(HaveOccurred())
			Expect(parseRecord(rec).tests).To(HaveLen(9), n)
		}
		_, err := personality.Fingerprint("kernel")
		Expect(errors.Is(err, personality.ErrNoFingerprint)).To(BeTrue())
		_, err = personality.Fingerprint("nope")
		Expect(errors.Is(err, personality.ErrUnknownStack)).To(BeTrue())
	})

	It("names each stack after its personality", func() {
		for _, n := range all {
			Expect(newStack(n).Name()).To(Equal(n))
		}
	})
})

// withAck sets a probe's ack field.
func withAck(p wire.Packet, a uint32) wire.Packet {
	binary.BigEndian.PutUint32(p[28:], a)
	return p
}

// reChecksum redoes a probe's IP and TCP checksums after an edit.
func reChecksum(p wire.Packet) wire.Packet {
	p[10], p[11] = 0, 0
	binary.BigEndian.PutUint16(p[10:], wire.Checksum(p[:20]))
	if p[9] == 6 {
		p[36], p[37] = 0, 0
		pseudo := append(append([]byte{}, p[12:20]...), 0, 6, byte((len(p)-20)>>8), byte(len(p)-20))
		binary.BigEndian.PutUint16(p[36:], wire.Checksum(append(pseudo, p[20:]...)))
	}
	return p
}
