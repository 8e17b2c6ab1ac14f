package fingerprint_test

import (
	"encoding/binary"
	"net"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator/fingerprint"
)

var (
	target  = net.IP{198, 18, 1, 2}
	scanner = net.IP{198, 18, 0, 2}
)

const base = 0x6C30_8A8C // a sequence_base

// reply builds a TCP reply from the target with gopacket, independently
// of the code under test. opts are raw option bytes (padded by the
// caller to a multiple of four).
func reply(df bool, win uint16, ack uint32, flags uint8, opts []byte) []byte {
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: target, DstIP: scanner}
	if df {
		ip.Flags = layers.IPv4DontFragment
	}
	tcp := &layers.TCP{SrcPort: 1, DstPort: 42565, Seq: 7, Ack: ack, Window: win,
		FIN: flags&0x01 != 0, SYN: flags&0x02 != 0, RST: flags&0x04 != 0, PSH: flags&0x08 != 0,
		ACK: flags&0x10 != 0, URG: flags&0x20 != 0, ECE: flags&0x40 != 0}
	Expect(tcp.SetNetworkLayerForChecksum(ip)).To(Succeed())
	buf := gopacket.NewSerializeBuffer()
	Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, tcp)).To(Succeed())
	b := buf.Bytes()
	if len(opts) > 0 { // splice raw options in: gopacket would re-encode them
		out := append(append(append([]byte{}, b[:40]...), opts...), b[40:]...)
		binary.BigEndian.PutUint16(out[2:], uint16(len(out)))
		out[32] = byte((20+len(opts))/4) << 4
		return out
	}
	return b
}

func attrs(t fingerprint.Test) string { return t.String() }

var _ = Describe("TCPTest (fingerprint_iptcppacket)", func() {
	DescribeTable("reads a TCP reply as nmap 2.0x did",
		func(pkt []byte, want string) {
			t, ok := fingerprint.TCPTest("T1", pkt, base)
			Expect(ok).To(BeTrue())
			Expect(attrs(t)).To(Equal(want))
		},
		Entry("Linux 2.0.35's SYN/ACK: MSS 265 echoed",
			reply(false, 0x7FE0, base+1, 0x12, []byte{2, 4, 1, 9}),
			"T1(Resp=Y%DF=N%W=7FE0%ACK=S++%Flags=AS%Ops=ME)"),
		Entry("IRIX's SYN/ACK: MSS, NOP, WScale, NOP, NOP, Timestamp",
			reply(false, 0xEF2A, base+1, 0x12, []byte{2, 4, 5, 0xb4, 1, 3, 3, 0, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0}),
			"T1(Resp=Y%DF=N%W=EF2A%ACK=S++%Flags=AS%Ops=MNWNNT)"),
		Entry("a RST with ack = our seq, window 0 printed as 0, no options",
			reply(false, 0, base, 0x14, nil), "T1(Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops=)"),
		Entry("DF set, ack of anything else is O", reply(true, 0x3F25, 12345, 0x04, nil), "T1(Resp=Y%DF=Y%W=3F25%ACK=O%Flags=R%Ops=)"),
		Entry("every flag, in the order B U A P R S F", reply(false, 0x200, base+1, 0x7F, nil), "T1(Resp=Y%DF=N%W=200%ACK=S++%Flags=BUAPRSF%Ops=)"),
		Entry("an end-of-list option stops the walk with L", reply(false, 1, base+1, 0x12, []byte{1, 0, 2, 4}), "T1(Resp=Y%DF=N%W=1%ACK=S++%Flags=AS%Ops=NL)"),
		Entry("an unknown kind gets no letter and the walk goes on byte by byte (kind 31, then two NOPs)",
			reply(false, 1, base+1, 0x12, []byte{31, 1, 1, 0}), "T1(Resp=Y%DF=N%W=1%ACK=S++%Flags=AS%Ops=NNL)"),
		Entry("SACK-permitted (4 2): its length byte 2 is read as an MSS kind",
			reply(false, 1, base+1, 0x12, []byte{4, 2, 1, 1}), "T1(Resp=Y%DF=N%W=1%ACK=S++%Flags=AS%Ops=M)"),
		Entry("a length byte that reads as a known kind yields a letter (kind 30, length 3: W)",
			reply(false, 1, base+1, 0x12, []byte{30, 3, 1, 1}), "T1(Resp=Y%DF=N%W=1%ACK=S++%Flags=AS%Ops=W)"),
	)

	It("takes base+1 before base, so sequence_base 0xFFFFFFFF with ack 0 is S++", func() {
		t, ok := fingerprint.TCPTest("T5", reply(false, 0, 0, 0x14, nil), 0xFFFFFFFF)
		Expect(ok).To(BeTrue())
		Expect(attrs(t)).To(Equal("T5(Resp=Y%DF=N%W=0%ACK=S++%Flags=AR%Ops=)"))
	})

	It("refuses what is not a whole IPv4 TCP packet", func() {
		good := reply(false, 0, base, 0x14, nil)
		for _, bad := range [][]byte{nil, good[:30], append([]byte{0x65}, good[1:]...)} {
			_, ok := fingerprint.TCPTest("T1", bad, base)
			Expect(ok).To(BeFalse())
		}
	})
})

// The PU probe as nmap sends it, and ICMP errors quoting it.
var puProbe = fingerprint.UDPProbe{Target: [4]byte(target), SPort: 42558, DPort: 35401, IPID: 0x3412, Pattern: 'G'}

// probeBytes is the 328-byte PU datagram (built with gopacket).
func probeBytes() []byte {
	ip := &layers.IPv4{Version: 4, TTL: 55, Id: puProbe.IPID, Protocol: layers.IPProtocolUDP, SrcIP: scanner, DstIP: target}
	udp := &layers.UDP{SrcPort: layers.UDPPort(puProbe.SPort), DstPort: layers.UDPPort(puProbe.DPort)}
	Expect(udp.SetNetworkLayerForChecksum(ip)).To(Succeed())
	data := make([]byte, 300)
	for i := range data {
		data[i] = puProbe.Pattern
	}
	buf := gopacket.NewSerializeBuffer()
	Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, udp, gopacket.Payload(data))).To(Succeed())
	return buf.Bytes()
}

// unreach is an ICMP port unreachable from the target quoting q.
func unreach(tos uint8, df bool, code uint8, q []byte) []byte {
	ip := &layers.IPv4{Version: 4, TTL: 64, TOS: tos, Protocol: layers.IPProtocolICMPv4, SrcIP: target, DstIP: scanner}
	if df {
		ip.Flags = layers.IPv4DontFragment
	}
	icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, code)}
	buf := gopacket.NewSerializeBuffer()
	Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, icmp, gopacket.Payload(q))).To(Succeed())
	return buf.Bytes()
}

// quote returns the first n bytes of the probe after mutate changed them.
func quote(n int, mutate func(q []byte)) []byte {
	q := probeBytes()[:n]
	if mutate != nil {
		mutate(q)
	}
	return q
}

func withSum() fingerprint.UDPProbe {
	p := puProbe
	p.UDPSum = binary.BigEndian.Uint16(probeBytes()[26:])
	return p
}

var _ = Describe("PUTest (fingerprint_portunreach)", func() {
	DescribeTable("reads the ICMP port unreachable as nmap 2.0x did",
		func(pkt []byte, want string) {
			Expect(fingerprint.PUReply(pkt, withSum())).To(BeTrue())
			t, ok := fingerprint.PUTest(pkt, withSum())
			Expect(ok).To(BeTrue())
			Expect(attrs(t)).To(Equal(want))
		},
		Entry("IRIX: header + 8 bytes quoted, nothing altered",
			unreach(0, false, 3, quote(28, nil)),
			"PU(Resp=Y%DF=N%TOS=0%IPLEN=38%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)"),
		Entry("Linux 2.0.35: TOS C0, the whole datagram quoted",
			unreach(0xC0, false, 3, quote(328, nil)),
			"PU(Resp=Y%DF=N%TOS=C0%IPLEN=164%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)"),
		Entry("a stack that adds 20 to the quoted length without fixing the checksum",
			unreach(0, true, 3, quote(28, func(q []byte) { binary.BigEndian.PutUint16(q[2:], 348) })),
			"PU(Resp=Y%DF=Y%TOS=0%IPLEN=38%RIPTL=15C%RID=E%RIPCK=F%UCK=E%ULEN=134%DAT=E)"),
		Entry("ID and checksums zeroed",
			unreach(0, false, 3, quote(28, func(q []byte) { q[4], q[5], q[10], q[11], q[26], q[27] = 0, 0, 0, 0, 0, 0 })),
			"PU(Resp=Y%DF=N%TOS=0%IPLEN=38%RIPTL=148%RID=0%RIPCK=0%UCK=0%ULEN=134%DAT=E)"),
		Entry("ID and UDP checksum changed, a payload byte altered",
			unreach(0, false, 3, quote(40, func(q []byte) { q[5]++; q[27]++; q[39] = 'x' })),
			"PU(Resp=Y%DF=N%TOS=0%IPLEN=44%RIPTL=148%RID=F%RIPCK=F%UCK=F%ULEN=134%DAT=F)"),
	)

	It("refuses ICMP that does not answer the probe", func() {
		other := withSum()
		other.DPort++
		for _, c := range []struct {
			pkt   []byte
			probe fingerprint.UDPProbe
		}{
			{unreach(0, false, 1, quote(28, nil)), withSum()},                                   // host unreachable
			{unreach(0, false, 3, quote(28, nil)), other},                                       // another port
			{unreach(0, false, 3, quote(20, nil)), withSum()},                                   // no UDP header quoted
			{unreach(0, false, 3, quote(28, nil))[:50], withSum()},                              // truncated capture
			{reply(false, 0, 0, 0x14, nil), withSum()},                                          // not ICMP
			{append(unreach(0, false, 3, quote(28, nil))[:12], make([]byte, 44)...), withSum()}, // wrong source
		} {
			Expect(fingerprint.PUReply(c.pkt, c.probe)).To(BeFalse())
			_, ok := fingerprint.PUTest(c.pkt, c.probe)
			Expect(ok).To(BeFalse())
		}
	})
})
