package personality_test

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/personality"
)

// The IPv6 addresses of the lab: the zombie (victim's), a scanner and a
// target.
var (
	zombie6  = netip.MustParseAddr("2001:2::c612:102")
	prober6  = netip.MustParseAddr("2001:2::c613:1")
	target6  = netip.MustParseAddr("2001:2::c612:103")
	outside6 = netip.MustParseAddr("2001:db8::1")
)

func newWin6() personality.Stack6 {
	s, err := personality.New(labnet.Host{Stack: labnet.Personality("windows-2003-ipv6"), Addr: victim, OpenTCP: []uint16{80}}, 7)
	Expect(err).NotTo(HaveOccurred())
	s6, ok := s.(personality.Stack6)
	Expect(ok).To(BeTrue())
	return s6
}

// ip6 serialises an IPv6 packet from src to the zombie with the given
// upper layer, checksums computed.
func ip6(src, dst netip.Addr, l gopacket.SerializableLayer, payload []byte) []byte {
	h := &layers.IPv6{Version: 6, HopLimit: 255, SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
	switch t := l.(type) {
	case *layers.TCP:
		h.NextHeader = layers.IPProtocolTCP
		Expect(t.SetNetworkLayerForChecksum(h)).To(Succeed())
	case *layers.ICMPv6:
		h.NextHeader = layers.IPProtocolICMPv6
		Expect(t.SetNetworkLayerForChecksum(h)).To(Succeed())
	}
	buf := gopacket.NewSerializeBuffer()
	Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		h, l, gopacket.Payload(payload))).To(Succeed())
	return buf.Bytes()
}

func synAck6(src netip.Addr, port uint16) []byte {
	return ip6(src, zombie6, &layers.TCP{SrcPort: 40000, DstPort: layers.TCPPort(port), Seq: 1, Ack: 7777, SYN: true, ACK: true, Window: 1024}, nil)
}

func echo6(src netip.Addr, size int) []byte {
	body := make([]byte, 4+size)
	body[1], body[3] = 0x12, 0x34 // identifier 0x12, sequence 0x34
	return ip6(src, zombie6, &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeEchoRequest, 0)}, body)
}

// tooBig is a Packet Too Big for mtu about a packet the zombie sent to dst.
func tooBig(from, dst netip.Addr, mtu uint32) []byte {
	quote := ip6(zombie6, dst, &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeEchoReply, 0)}, make([]byte, 1200))
	body := append([]byte{byte(mtu >> 24), byte(mtu >> 16), byte(mtu >> 8), byte(mtu)}, quote...)
	return ip6(from, zombie6, &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypePacketTooBig, 0)}, body)
}

// reply6 decodes one reply: its fragment header (nil without one) and,
// for an unfragmented or atomic one, its TCP or ICMPv6 layer.
type reply6 struct {
	ip   *layers.IPv6
	frag *layers.IPv6Fragment
	tcp  *layers.TCP
	icmp *layers.ICMPv6
}

func decode6(b []byte) reply6 {
	p := gopacket.NewPacket(b, layers.LayerTypeIPv6, gopacket.Default)
	Expect(p.ErrorLayer()).To(BeNil())
	var r reply6
	r.ip, _ = p.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
	r.frag, _ = p.Layer(layers.LayerTypeIPv6Fragment).(*layers.IPv6Fragment)
	r.tcp, _ = p.Layer(layers.LayerTypeTCP).(*layers.TCP)
	r.icmp, _ = p.Layer(layers.LayerTypeICMPv6).(*layers.ICMPv6)
	if r.frag != nil && r.frag.FragmentOffset == 0 && !r.frag.MoreFragments {
		// an atomic fragment: the rest is the whole upper layer
		q := gopacket.NewPacket(r.frag.Payload, r.frag.NextHeader.LayerType(), gopacket.Default)
		r.tcp, _ = q.Layer(layers.LayerTypeTCP).(*layers.TCP)
		r.icmp, _ = q.Layer(layers.LayerTypeICMPv6).(*layers.ICMPv6)
	}
	return r
}

func one6(s personality.Stack6, p []byte) reply6 {
	out := s.Answer6(t0, p)
	Expect(out).To(HaveLen(1))
	return decode6(out[0])
}

var _ = Describe("windows-2003-ipv6: an IPv6 idle-scan zombie", func() {
	It("answers as an idle Windows host: SYN/ACK, RST/ACK, RST and echo replies, hop limit 128", func() {
		s := newWin6()
		r := one6(s, ip6(prober6, zombie6, &layers.TCP{SrcPort: 40000, DstPort: 80, Seq: 100, SYN: true, Window: 1024}, nil))
		Expect(r.frag).To(BeNil())
		Expect(r.ip.HopLimit).To(Equal(uint8(128)))
		Expect(r.tcp.SYN && r.tcp.ACK && r.tcp.Ack == 101 && r.tcp.Window == 16384).To(BeTrue())
		Expect(r.tcp.Options).To(HaveLen(1))
		Expect(r.tcp.Options[0].OptionData).To(Equal([]byte{0x05, 0xa0})) // MSS 1440

		r = one6(s, ip6(prober6, zombie6, &layers.TCP{SrcPort: 40000, DstPort: 81, Seq: 100, SYN: true}, nil))
		Expect(r.tcp.RST && r.tcp.ACK && r.tcp.Ack == 101).To(BeTrue())

		r = one6(s, synAck6(prober6, 80))
		Expect(r.tcp.RST && !r.tcp.ACK && r.tcp.Seq == 7777).To(BeTrue())

		r = one6(s, ip6(prober6, zombie6, &layers.TCP{SrcPort: 40000, DstPort: 80, Seq: 100, FIN: true}, nil))
		Expect(r.tcp.RST && r.tcp.ACK && r.tcp.Ack == 101).To(BeTrue(), "Windows resets a FIN to an open port")

		Expect(s.Answer6(t0, ip6(prober6, zombie6, &layers.TCP{SrcPort: 40000, DstPort: 80, RST: true}, nil))).To(BeEmpty())

		r = one6(s, echo6(prober6, 100))
		Expect(r.icmp.TypeCode.Type()).To(Equal(uint8(layers.ICMPv6TypeEchoReply)))
		Expect(r.icmp.Payload).To(HaveLen(104))
		Expect(r.icmp.Payload[1]).To(Equal(byte(0x12)))
		Expect(r.ip.DstIP.String()).To(Equal(prober6.String()))
	})

	It("after a Packet Too Big below 1280, puts a Fragment header on every packet to that destination, its identification one global counter", func() {
		s := newWin6()
		Expect(one6(s, synAck6(prober6, 80)).frag).To(BeNil(), "no Fragment header before")
		Expect(s.Answer6(t0, tooBig(prober6, prober6, 1278))).To(BeEmpty())
		Expect(s.Answer6(t0, tooBig(target6, target6, 1278))).To(BeEmpty())
		first := one6(s, synAck6(prober6, 80))
		Expect(first.frag).NotTo(BeNil())
		Expect(first.tcp.RST).To(BeTrue(), "an atomic fragment: offset 0, no more fragments, the whole segment")
		id := first.frag.Identification
		// The zombie's RSTs to the target take identifications too: the
		// idle scan's side channel.
		Expect(one6(s, synAck6(target6, 80)).frag.Identification).To(Equal(id + 1))
		Expect(one6(s, synAck6(target6, 80)).frag.Identification).To(Equal(id + 2))
		echo := one6(s, echo6(prober6, 1218))
		Expect(echo.frag.Identification).To(Equal(id + 3))
		Expect(echo.icmp.TypeCode.Type()).To(Equal(uint8(layers.ICMPv6TypeEchoReply)))
		Expect(one6(s, synAck6(prober6, 80)).frag.Identification).To(Equal(id + 4))
		Expect(id).To(BeNumerically("<", 1<<31), "nmap reads it as a signed int")
	})

	It("leaves other destinations alone, and fragments what exceeds a path MTU of 1280 or more", func() {
		s := newWin6()
		Expect(s.Answer6(t0, tooBig(prober6, prober6, 1278))).To(BeEmpty())
		Expect(one6(s, synAck6(target6, 80)).frag).To(BeNil(), "the target's path was not told")

		Expect(s.Answer6(t0, tooBig(target6, target6, 1400))).To(BeEmpty())
		Expect(one6(s, echo6(target6, 1000)).frag).To(BeNil(), "fits 1400")
		out := s.Answer6(t0, echo6(target6, 1396))
		Expect(out).To(HaveLen(2))
		a, b := decode6(out[0]), decode6(out[1])
		Expect(len(out[0])).To(BeNumerically("<=", 1400))
		Expect(a.frag.MoreFragments && !b.frag.MoreFragments).To(BeTrue())
		Expect(a.frag.Identification).To(Equal(b.frag.Identification))
		Expect(int(b.frag.FragmentOffset) * 8).To(Equal(len(out[0]) - 48))
		Expect(len(out[0])-48+len(out[1])-48).To(Equal(4+4+1396), "the echo reply's ICMPv6 message (header, identifier and sequence, data), cut in two")
	})

	It("answers nothing it should not", func() {
		s := newWin6()
		Expect(s.Answer6(t0, synAck6(outside6, 80))).To(BeEmpty(), "a source outside the lab")
		other := ip6(prober6, target6, &layers.TCP{SrcPort: 1, DstPort: 80, SYN: true}, nil)
		Expect(s.Answer6(t0, other)).To(BeEmpty(), "not addressed to it")
		bad := synAck6(prober6, 80)
		bad[len(bad)-3] ^= 0xff
		Expect(s.Answer6(t0, bad)).To(BeEmpty(), "a wrong checksum")
		Expect(s.Answer6(t0, synAck6(prober6, 80)[:50])).To(BeEmpty(), "cut short")
		Expect(s.Answer(t0, scanProbe(80, syn))).To(BeEmpty(), "IPv4: tcpip.sys is not emulated")
		Expect(personality.SpeaksIPv6("windows-2003-ipv6")).To(BeTrue())
		Expect(personality.SpeaksIPv6("windows-nt4")).To(BeFalse())
		_, err := personality.Fingerprint("windows-2003-ipv6")
		Expect(err).To(MatchError(personality.ErrNoFingerprint))
	})

	It("keeps a bounded number of path MTUs, forgetting the oldest", func() {
		s := newWin6()
		Expect(s.Answer6(t0, tooBig(prober6, prober6, 1278))).To(BeEmpty())
		for i := range 64 {
			dst := netip.AddrFrom16([16]byte{0x20, 0x01, 0, 2, 15: byte(i + 1), 14: 1})
			Expect(s.Answer6(t0, tooBig(dst, dst, 1278))).To(BeEmpty())
		}
		Expect(one6(s, synAck6(prober6, 80)).frag).To(BeNil(), "the first path learned was forgotten")
	})
})

// serialize6 is ip6 without Gomega, for the fuzz corpus.
func serialize6(tb testing.TB, src netip.Addr, l gopacket.SerializableLayer, nh layers.IPProtocol, payload []byte) []byte {
	h := &layers.IPv6{Version: 6, HopLimit: 255, NextHeader: nh, SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(zombie6.AsSlice())}
	if c, ok := l.(interface {
		SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
	}); ok {
		if err := c.SetNetworkLayerForChecksum(h); err != nil {
			tb.Fatal(err)
		}
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, h, l, gopacket.Payload(payload)); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzAnswer6 feeds windows-2003-ipv6 arbitrary bytes, raw and with the
// version and addresses patched to reach it: it must never panic, and
// whatever it answers must be an IPv6 packet from it to the sender, a
// lab address, whose payload length is what follows the header, within
// the link's MTU.
func FuzzAnswer6(f *testing.F) {
	f.Add(serialize6(f, prober6, &layers.TCP{SrcPort: 1, DstPort: 80, SYN: true, ACK: true, Ack: 5}, layers.IPProtocolTCP, nil))
	f.Add(serialize6(f, prober6, &layers.TCP{SrcPort: 1, DstPort: 80, SYN: true}, layers.IPProtocolTCP, nil))
	f.Add(serialize6(f, prober6, &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeEchoRequest, 0)}, layers.IPProtocolICMPv6, make([]byte, 1400)))
	ptb := append([]byte{0, 0, 4, 0xfe}, make([]byte, 40)...)
	copy(ptb[4+24:], prober6.AsSlice())
	f.Add(serialize6(f, prober6, &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypePacketTooBig, 0)}, layers.IPProtocolICMPv6, ptb))
	s0, err := personality.New(labnet.Host{Stack: labnet.Personality("windows-2003-ipv6"), Addr: victim, OpenTCP: []uint16{80}}, 7)
	if err != nil {
		f.Fatal(err)
	}
	s := s0.(personality.Stack6)
	f.Fuzz(func(t *testing.T, b []byte) {
		patched := append([]byte(nil), b...)
		if len(patched) >= 40 {
			patched[0] = 0x60 | patched[0]&0x0f
			copy(patched[8:24], prober6.AsSlice())
			copy(patched[24:40], zombie6.AsSlice())
		}
		for _, in := range [][]byte{b, patched} {
			for _, r := range s.Answer6(time.Unix(915000000, 0), in) {
				from := netip.AddrFrom16([16]byte(in[8:24]))
				if len(r) < 40 || len(r) > 1500 || r[0]>>4 != 6 || int(r[4])<<8|int(r[5]) != len(r)-40 ||
					netip.AddrFrom16([16]byte(r[24:40])) != from || !labnet.Contains6(from) ||
					netip.AddrFrom16([16]byte(r[8:24])) != zombie6 {
					t.Fatalf("malformed reply % x to % x", r, in)
				}
			}
		}
	})
}
