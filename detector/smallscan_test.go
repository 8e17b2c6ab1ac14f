package detector_test

import (
	"math/bits"
	"net/netip"
	"slices"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

// tiny is a scan of a few ports of one host (or a client's few
// connections) with a per-probe template: probe i to port p leaves from
// sport(i) with seq(i, p), IP ID id(i, p, seq), window, options and DF;
// each port gets repeat probes. Open ports answer SYN/ACK, which the
// prober resets (or, with complete, acknowledges as a client does, or,
// with ignore, leaves alone); the others answer RST/ACK.
type tiny struct {
	dst      []netip.Addr // one per port; targetAddr when nil
	ports    []uint16
	open     []uint16
	sport    func(i int) uint16
	seq      func(i int, port uint16) uint32
	ack      uint32
	id       func(i int, port uint16, seq uint32) uint16
	ttl      func(i int) uint8
	window   uint16
	opts     []byte
	df       bool
	repeat   int
	complete bool
	ignore   bool
}

func (t tiny) packets() []pkt {
	var out []pkt
	i := 0
	for n, port := range t.ports {
		dst := targetAddr
		if t.dst != nil {
			dst = t.dst[n]
		}
		for range max(t.repeat, 1) {
			at := t0.Add(time.Duration(i) * 300 * time.Millisecond)
			syn := wire.TCPSegment{SPort: t.sport(i), DPort: port, Seq: t.seq(i, port), Ack: t.ack, Flags: wire.FlagSYN, Window: t.window, Options: t.opts}
			h := wire.IPHeader{ID: t.id(i, port, syn.Seq), TTL: t.ttl(i), Src: scannerAddr, Dst: dst}
			if t.df {
				h.Frag = wire.FlagDF
			}
			out = append(out, pkt{at, wiretest.TCP(h, syn)})
			back := wiretest.Answer(syn, wire.FlagRST|wire.FlagACK)
			if slices.Contains(t.open, port) {
				back = wiretest.Answer(syn, wire.FlagSYN|wire.FlagACK)
				back.Seq, back.Window, back.Options = 0x2f1e0000+uint32(port)*64000, 64240, mss1460
			}
			out = append(out, pkt{at.Add(50 * time.Microsecond), ipTCP(dst, scannerAddr, 64, back)})
			if back.Flags&wire.FlagSYN != 0 && !t.ignore {
				reply := wire.TCPSegment{SPort: syn.SPort, DPort: port, Seq: back.Ack, Flags: wire.FlagRST}
				if t.complete {
					reply = wire.TCPSegment{SPort: syn.SPort, DPort: port, Seq: back.Ack, Ack: back.Seq + 1, Flags: wire.FlagACK, Window: 502}
				}
				out = append(out, pkt{at.Add(60 * time.Microsecond), ipTCP(scannerAddr, dst, 64, reply)})
			}
			i++
		}
	}
	return out
}

func fixedSport(p uint16) func(int) uint16     { return func(int) uint16 { return p } }
func risingSport(p uint16) func(int) uint16    { return func(i int) uint16 { return p + uint16(i) } }
func oneSeq(s uint32) func(int, uint16) uint32 { return func(int, uint16) uint32 { return s } }
func drawnSeq(i int, port uint16) uint32       { return uint32(i+1)*2654435761 ^ uint32(port)*40503 }
func drawnID(i int, _ uint16, _ uint32) uint16 { return uint16(i*7919 + 4242) }
func fixedID(id uint16) func(int, uint16, uint32) uint16 {
	return func(int, uint16, uint32) uint16 { return id }
}
func fixedTTL(ttl uint8) func(int) uint8 { return func(int) uint8 { return ttl } }
func nmapTTL(i int) uint8                { return uint8(37 + i*5%23) }

// masscanIDOf is masscan's IP ID for a probe to targetAddr.
func masscanIDOf(_ int, port uint16, seq uint32) uint16 {
	a := targetAddr.As4()
	return uint16((uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])) ^ uint32(port) ^ seq)
}

// unicornSeq is unicornscan's TCPHASHTRACK on a little-endian sender:
// key ^ (the address as memory holds it ^ ((dport << 16) + sport)).
func unicornSeq(key uint32, sport func(int) uint16) func(int, uint16) uint32 {
	a := targetAddr.As4()
	mem := bits.ReverseBytes32(uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3]))
	return func(i int, port uint16) uint32 { return key ^ (mem ^ (uint32(port)<<16 + uint32(sport(i)))) }
}

var (
	// today's nmap -sS: MSS 1460 alone, window 1024, one seq and source
	// port, a TTL per packet, no DF.
	nmapTiny = tiny{ports: []uint16{22}, open: []uint16{22}, sport: fixedSport(40820), seq: oneSeq(2085875243),
		id: drawnID, ttl: nmapTTL, window: 1024, opts: mss1460}
	// masscan -p80: TTL 255, window 1024, no options, a cookie seq.
	masscanTiny = tiny{ports: []uint16{80}, sport: fixedSport(45519), seq: drawnSeq, id: masscanIDOf,
		ttl: fixedTTL(255), window: 1024}
	// zmap -p 80 (2.1.1): IP ID 54321, window 65535, TTL 255, no options.
	zmapTiny = tiny{ports: []uint16{80}, open: []uint16{80}, sport: fixedSport(53666), seq: drawnSeq, id: fixedID(54321),
		ttl: fixedTTL(255), window: 65535}
	// hping3 -S -p 80 -c 3: window 512, no options, a random ack, the
	// source port rising by one per packet, all to one port.
	hping3Tiny = tiny{ports: []uint16{80}, sport: risingSport(2036), seq: drawnSeq, ack: 444915931, id: drawnID,
		ttl: fixedTTL(64), window: 512, repeat: 3}
	// unicornscan -p 21,22,80 (fingerprint 0, Cisco IOS): TTL 255, window
	// 4128, MSS alone, a random source port per packet, seq from the key.
	unicornTiny = tiny{ports: []uint16{21, 22, 80}, open: []uint16{22}, sport: func(i int) uint16 { return uint16(4096 + i*12345%60000) },
		id: drawnID, ttl: fixedTTL(255), window: 4128, opts: mss1460}
	// A Linux client's connect(): MSS, SACK, timestamps, window scale, DF.
	linuxClient = tiny{ports: []uint16{80}, open: []uint16{80}, sport: fixedSport(44858), seq: drawnSeq, id: drawnID,
		ttl: fixedTTL(64), window: 64240, opts: linuxSYNOptions, df: true, complete: true}
)

func init() { unicornTiny.seq = unicornSeq(0x5eed1e55, unicornTiny.sport) }

// with returns t changed by edit.
func (t tiny) with(edit func(*tiny)) tiny {
	edit(&t)
	return t
}

var _ = Describe("small scans named by their probes", func() {
	DescribeTable("give the technique and the tool under the port threshold",
		func(t tiny, tool, name string, ports int) {
			fs, _ := detect(detector.Config{}, t.packets())
			Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", tool}))
			Expect(fs[0].Ports).To(Equal(ports))
			Expect(fs[0].Evidence).To(ContainElement(ContainSubstring("under the 5-port threshold, but every probe carries " + name + "'s packet template")))
			if tool == "tool.other" {
				Expect(fs[1].Attrs).To(Equal(map[string]string{"name": name}))
			}
		},
		Entry("nmap -sS -p22 (open)", nmapTiny, "tool.nmap-modern", "nmap", 1),
		Entry("nmap -sS -p22,80,443, window 2048", nmapTiny.with(func(t *tiny) { t.ports, t.window = []uint16{22, 80, 443}, 2048 }), "tool.nmap-modern", "nmap", 3),
		Entry("nmap, window 4096, four filtered ports", nmapTiny.with(func(t *tiny) { t.ports, t.open, t.ignore, t.window = []uint16{22, 25, 80, 443}, nil, true, 4096 }), "tool.nmap-modern", "nmap", 4),
		Entry("masscan -p80 (closed)", masscanTiny, "tool.other", "masscan", 1),
		Entry("masscan -p22 (open)", masscanTiny.with(func(t *tiny) { t.ports, t.open = []uint16{22}, []uint16{22} }), "tool.other", "masscan", 1),
		Entry("zmap -p 80 (open)", zmapTiny, "tool.other", "zmap", 1),
		Entry("hping3 -S -p 80 -c 3", hping3Tiny, "tool.other", "hping3", 1),
		Entry("unicornscan, three ports", unicornTiny, "tool.other", "unicornscan", 3),
	)

	DescribeTable("stay quiet when the probes name no tool or the source acts as a client",
		func(t tiny) {
			fs, _ := detect(detector.Config{}, t.packets())
			Expect(fs).To(BeEmpty())
		},
		Entry("a Linux client's connection", linuxClient),
		Entry("a Linux client's connection to a closed port", linuxClient.with(func(t *tiny) { t.ports = []uint16{81} })),
		Entry("a Linux client's three connections, reset at once", linuxClient.with(func(t *tiny) { t.ports, t.open, t.complete = []uint16{80, 443, 8080}, []uint16{80, 443}, false })),
		Entry("nmap's template, but the handshake completed", nmapTiny.with(func(t *tiny) { t.complete = true })),
		Entry("nmap's template, but the SYN/ACK left unanswered", nmapTiny.with(func(t *tiny) { t.ignore = true })),
		Entry("nmap's template with MSS 1380", nmapTiny.with(func(t *tiny) { t.opts = wiretest.Options(wiretest.MSS(1380)) })),
		Entry("nmap's template with window 5840", nmapTiny.with(func(t *tiny) { t.window = 5840 })),
		Entry("nmap's template with DF", nmapTiny.with(func(t *tiny) { t.df = true })),
		Entry("nmap's template to one port of two hosts (a horizontal scan)", nmapTiny.with(func(t *tiny) {
			t.ports, t.dst = []uint16{22, 22}, []netip.Addr{targetAddr, target2Addr}
		})),
		Entry("masscan's IP ID off by one", masscanTiny.with(func(t *tiny) {
			t.id = func(i int, p uint16, s uint32) uint16 { return masscanIDOf(i, p, s) + 1 }
		})),
		Entry("masscan's IP ID on a kernel's SYN", linuxClient.with(func(t *tiny) { t.id, t.complete = masscanIDOf, false })),
		Entry("zmap's IP ID with another window", zmapTiny.with(func(t *tiny) { t.window = 64240 })),
		Entry("zmap's template with DF", zmapTiny.with(func(t *tiny) { t.df = true })),
		Entry("hping3's window with an MSS option", hping3Tiny.with(func(t *tiny) { t.opts = mss1460 })),
		Entry("unicornscan's key on one probe only", unicornTiny.with(func(t *tiny) { t.ports = []uint16{80} })),
		Entry("unicornscan's key broken on one probe", unicornTiny.with(func(t *tiny) {
			good := t.seq
			t.seq = func(i int, p uint16) uint32 { return good(i, p) + uint32(i/2) }
		})),
	)

	DescribeTable("take today's nmap at each of its SYN windows, at any size",
		func(window uint16, ports []uint16) {
			fs, _ := detect(detector.Config{}, nmapTiny.with(func(t *tiny) { t.window, t.ports = window, ports }).packets())
			Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", "tool.nmap-modern"}))
			Expect(fs[1].Attr("window")).To(Equal(strconv.Itoa(int(window))))
		},
		Entry("1024, 25 ports", uint16(1024), shuffled25),
		Entry("2048, 25 ports", uint16(2048), shuffled25),
		Entry("3072, 2 ports", uint16(3072), []uint16{22, 80}),
		Entry("4096, 25 ports", uint16(4096), shuffled25),
	)

	It("takes today's nmap's host discovery of one host for no port scan", func() {
		// nmap -sn: echo request, SYN to 443, ACK to 80, timestamp request.
		h := func(id uint16, ttl uint8) wire.IPHeader {
			return wire.IPHeader{ID: id, TTL: ttl, Src: scannerAddr, Dst: targetAddr}
		}
		syn := wire.TCPSegment{SPort: 33627, DPort: 443, Seq: 3054190407, Flags: wire.FlagSYN, Window: 1024, Options: mss1460}
		ack := wire.TCPSegment{SPort: 33627, DPort: 80, Ack: 3054190407, Flags: wire.FlagACK, Window: 1024}
		ps := []pkt{
			{t0, wiretest.ICMP(h(638, 41), 8, 0, 4011, 0, nil)},
			{t0.Add(10 * time.Microsecond), wiretest.TCP(h(46951, 39), syn)},
			{t0.Add(20 * time.Microsecond), ipTCP(targetAddr, scannerAddr, 64, wiretest.Answer(syn, wire.FlagRST|wire.FlagACK))},
			{t0.Add(30 * time.Microsecond), wiretest.TCP(h(33043, 56), ack)},
			{t0.Add(40 * time.Microsecond), ipTCP(targetAddr, scannerAddr, 64, wire.TCPSegment{SPort: 80, DPort: 33627, Seq: ack.Ack, Flags: wire.FlagRST})},
			{t0.Add(50 * time.Microsecond), wiretest.ICMP(h(53199, 48), 13, 0, 4012, 0, make([]byte, 12))},
		}
		fs, _ := detect(detector.Config{}, ps)
		Expect(labels(fs)).NotTo(ContainElement("scan.tcp-syn"))
	})
})

var _ = Describe("tool.other name=unknown", func() {
	// fiveOf is t over ports 1-6, with 22 open.
	fiveOf := func(t tiny) tiny {
		t.ports, t.open = []uint16{1, 2, 3, 4, 5, 6, 22}, []uint16{22}
		return t
	}
	DescribeTable("names a scan no known tool fits by the fixed fields it saw",
		func(t tiny, features string, evidence string) {
			fs, _ := detect(detector.Config{}, fiveOf(t).packets())
			Expect(labels(fs)).To(Equal([]string{"scan.tcp-syn", "tool.other"}))
			Expect(fs[1].Attrs).To(Equal(map[string]string{"name": "unknown", "features": features}))
			Expect(fs[1].Evidence).To(ContainElement(evidence))
		},
		Entry("no options, window 8192, TTL 64",
			tiny{sport: risingSport(5000), seq: drawnSeq, id: drawnID, ttl: fixedTTL(64), window: 8192},
			"no-tcp-options,window=8192,ttl=64,sport+1",
			"no TCP options on any of 7 SYNs: every operating system's SYN carries at least an MSS"),
		Entry("one IP ID, an MSS option, one source port",
			tiny{sport: fixedSport(31337), seq: drawnSeq, id: fixedID(4321), ttl: nmapTTL, window: 16384, opts: wiretest.Options(wiretest.MSS(1400))},
			"ip-id=4321,window=16384,sport=31337",
			"IP ID 4321 on every SYN: a fixed template, where a stack counts or draws IDs"),
	)

	DescribeTable("says nothing of a scan whose fields vary as a stack's do",
		func(t tiny) {
			fs, _ := detect(detector.Config{}, fiveOf(t).packets())
			Expect(labels(fs)).NotTo(ContainElement("tool.other"))
		},
		Entry("MSS alone, IP IDs and seqs drawn per probe",
			tiny{sport: fixedSport(31337), seq: drawnSeq, id: drawnID, ttl: fixedTTL(64), window: 16384, opts: wiretest.Options(wiretest.MSS(1400))}),
		Entry("IP ID 0 with DF, as a stack sends it",
			tiny{sport: fixedSport(31337), seq: drawnSeq, id: fixedID(0), ttl: fixedTTL(64), window: 16384, opts: wiretest.Options(wiretest.MSS(1400)), df: true}),
	)
})
