package generator_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/generator/fingerprint"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/simnet"
	"github.com/siglab/siglab/wire"
)

// osLink is the simulated network with a hand on the wire: it records
// every packet the scanner writes, can lose chosen ones on the path (they
// still take their time to send), rewrite replies on the way in, and
// answer the PU probe with an ICMP port unreachable, so that specs fix
// what the target answers rather than depend on the simulated host.
type osLink struct {
	*simnet.Network
	magic   uint16 // the process's M, known once it exists
	sent    []wirePacket
	drop    func(l *osLink, w wirePacket) bool
	mangle  func(l *osLink, b []byte)
	puReply bool         // answer every PU that gets through
	pending []wirePacket // injected replies, in arrival order
	tap     func(w wirePacket)
}

// blackHole is a lab address nobody holds: lost probes go there.
var blackHole = netip.MustParseAddr("198.18.1.99")

func (l *osLink) WritePacket(p []byte) error {
	w := decode(l.Now(), p)
	l.sent = append(l.sent, w)
	if l.drop != nil && l.drop(l, w) {
		q := append([]byte(nil), p...)
		copy(q[16:20], blackHole.AsSlice())
		return l.Network.WritePacket(q)
	}
	if l.puReply && isPU(l, w) {
		r := decode(w.t.Add(300*time.Microsecond), icmpPortUnreachable(p))
		l.pending = append(l.pending, r)
	}
	return l.Network.WritePacket(p)
}

func (l *osLink) ReadPacket(buf []byte, deadline time.Time) (int, time.Time, error) {
	if len(l.pending) > 0 && !l.pending[0].t.After(deadline) {
		next := l.pending[0]
		n, at, err := l.Network.ReadPacket(buf, next.t) // simnet's own packets first
		if err == nil || !errors.Is(err, link.ErrTimeout) {
			return n, at, err
		}
		l.pending = l.pending[1:]
		l.tap(next)
		return copy(buf, next.raw), next.t, nil
	}
	n, at, err := l.Network.ReadPacket(buf, deadline)
	if err == nil && l.mangle != nil {
		l.mangle(l, buf[:n])
	}
	return n, at, err
}

// icmpPortUnreachable is a Linux 2.0 style answer to a UDP probe (built
// with gopacket): TOS C0, no DF, the whole datagram quoted.
func icmpPortUnreachable(probe []byte) []byte {
	ip := &layers.IPv4{Version: 4, TTL: 64, TOS: 0xC0, Protocol: layers.IPProtocolICMPv4,
		SrcIP: net.IP(probe[16:20]), DstIP: net.IP(probe[12:16])}
	icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 3)}
	buf := gopacket.NewSerializeBuffer()
	Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		ip, icmp, gopacket.Payload(probe))).To(Succeed())
	return buf.Bytes()
}

func decode(t time.Time, p []byte) wirePacket {
	pk := gopacket.NewPacket(append([]byte(nil), p...), layers.LayerTypeIPv4, gopacket.Default)
	w := wirePacket{t: t, raw: pk.Data()}
	w.ip, _ = pk.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	w.tcp, _ = pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
	return w
}

func udpOf(w wirePacket) *layers.UDP {
	u, _ := gopacket.NewPacket(w.raw, layers.LayerTypeIPv4, gopacket.Default).Layer(layers.LayerTypeUDP).(*layers.UDP)
	return u
}

// osRun is one nmap process run against one simulated host through an
// osLink.
type osRun struct {
	nmap *generator.Nmap
	link *osLink
	wire []wirePacket // what simnet's sensor saw (lost probes are not there)
	out  string
}

func runOS(cmdline string, seed uint32, host labnet.Host, l *osLink) *osRun {
	r := &osRun{link: l}
	l.tap = func(w wirePacket) { r.wire = append(r.wire, w) }
	l.Network = simnet.New(simnet.Config{Seed: 7, Tap: func(t time.Time, p []byte) { r.wire = append(r.wire, decode(t, p)) }}, host)
	g, err := engine.NewGuard(netip.PrefixFrom(host.Addr, 32))
	Expect(err).NotTo(HaveOccurred())
	e := engine.NewEngine(l, scanner, g, 1)
	r.nmap, err = generator.NewNmap(cmdline, generator.NmapEnv{Host: e, Names: map[string]netip.Addr{"victim": host.Addr}, Guard: g, Seed: seed})
	Expect(err).NotTo(HaveOccurred())
	l.magic = r.nmap.Magic()
	e.Add(0, r.nmap)
	Expect(e.Run(context.Background())).To(Succeed())
	r.out = r.nmap.Output()
	return r
}

// osProbe is a packet of the OS detection phase: kind T1..T7, PU or
// TSeq1..TSeq6, in the attempt it belongs to (0-based).
type osProbe struct {
	wirePacket
	kind    string
	attempt int
	base    uint32 // the attempt's sequence_base
}

// osProbes picks nmap's OS detection packets out of everything the
// scanner wrote, from the first T probe on: T probes by their 60 bytes
// and sport M+7..M+13, PU by sport M and 328 bytes, TSeq SYNs by sport
// M+1..M+6. A T probe with a new seq starts a new attempt.
func (r *osRun) osProbes() []osProbe {
	m := r.link.magic
	var out []osProbe
	attempt, base := -1, uint32(0)
	for _, w := range r.link.sent {
		var kind string
		switch {
		case w.tcp != nil && len(w.raw) == 60 && w.tcp.SrcPort >= layers.TCPPort(m+7) && w.tcp.SrcPort <= layers.TCPPort(m+13):
			kind = fmt.Sprintf("T%d", int(w.tcp.SrcPort)-int(m)-6)
			if attempt < 0 || w.tcp.Seq != base {
				attempt, base = attempt+1, w.tcp.Seq
			}
		case attempt < 0:
			continue
		case w.raw[9] == 17 && len(w.raw) == 328 && binary.BigEndian.Uint16(w.raw[20:]) == m:
			kind = "PU"
		case w.tcp != nil && w.tcp.SYN && !w.tcp.ACK && w.tcp.SrcPort > layers.TCPPort(m) && w.tcp.SrcPort <= layers.TCPPort(m+6):
			kind = fmt.Sprintf("TSeq%d", int(w.tcp.SrcPort)-int(m))
		default:
			continue
		}
		out = append(out, osProbe{w, kind, attempt, base})
	}
	return out
}

func kinds(ps []osProbe, attempt int) []string {
	var out []string
	for _, p := range ps {
		if p.attempt == attempt {
			out = append(out, p.kind)
		}
	}
	return out
}

func attempts(ps []osProbe) int {
	if len(ps) == 0 {
		return 0
	}
	return ps[len(ps)-1].attempt + 1
}

// fromVictim are the target's packets simnet delivered.
func (r *osRun) fromVictim() []wirePacket {
	var out []wirePacket
	for _, w := range r.wire {
		if w.ip.SrcIP.Equal(victim.AsSlice()) {
			out = append(out, w)
		}
	}
	return out
}

// lastFromVictimBefore is the time of the target's last packet before t.
func (r *osRun) lastFromVictimBefore(t time.Time) time.Time {
	var last time.Time
	for _, w := range r.fromVictim() {
		if w.t.Before(t) {
			last = w.t
		}
	}
	return last
}

func isPU(l *osLink, w wirePacket) bool {
	return w.raw[9] == 17 && binary.BigEndian.Uint16(w.raw[20:]) == l.magic
}

// simnetLinux is a record only simnet's modern Linux ("kernel") matches.
const simnetLinux = "FingerPrint  siglab simnet Linux\nT1(Resp=Y%DF=Y%W=FAF0%ACK=S++%Flags=AS%Ops=M)\n"

func useDB(src string) {
	db, err := fingerprint.Parse([]byte(src))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(generator.SwapOSDatabase(db))
}

// osOptionBlock is the reference table's option block of T1..T7.
var osOptionBlock = []byte{3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0x3f, 0x3f, 0x3f, 0x3f, 0, 0, 0, 0, 0, 0}

// tFlags are T1..T7's TCP flags in the reference table.
var tFlags = []byte{0x42, 0x00, 0x2B, 0x10, 0x02, 0x10, 0x29}

// isOddOpen tells T2 and T3, the flagless and SYN|FIN|URG|PSH probes to
// the open port: today's Linux ignores them, so specs lose them on the
// path and no longer depend on what the simulated host does with them.
func isOddOpen(l *osLink, w wirePacket) bool {
	return w.tcp != nil && !w.tcp.RST && len(w.raw) == 60 &&
		(uint16(w.tcp.SrcPort) == l.magic+8 || uint16(w.tcp.SrcPort) == l.magic+9)
}

func either(fs ...func(l *osLink, w wirePacket) bool) func(l *osLink, w wirePacket) bool {
	return func(l *osLink, w wirePacket) bool {
		for _, f := range fs {
			if f(l, w) {
				return true
			}
		}
		return false
	}
}

// expectIPv4 checks the IPv4 header nmap's raw senders build: version 4,
// IHL 5, TOS 0, no DF or MF, a correct checksum, scanner to victim.
func expectIPv4(b []byte, total int, id uint16, ttl, proto byte) {
	Expect(b).To(HaveLen(total))
	Expect(b[0]).To(Equal(byte(0x45)))
	Expect(b[1]).To(BeZero(), "TOS")
	Expect(binary.BigEndian.Uint16(b[2:])).To(BeEquivalentTo(total))
	Expect(binary.BigEndian.Uint16(b[4:])).To(Equal(id), "IP ID")
	Expect(binary.BigEndian.Uint16(b[6:])).To(BeZero(), "flags and fragment offset")
	Expect(b[8]).To(Equal(ttl), "TTL")
	Expect(b[9]).To(Equal(proto))
	Expect(wire.Checksum(b[:20])).To(BeZero(), "IP header checksum")
	Expect(b[12:16]).To(Equal(scanner.AsSlice()))
	Expect(b[16:20]).To(Equal(victim.AsSlice()))
}

// pu is the observed PU test for icmpPortUnreachable's answer.
const pu = "PU(Resp=Y%DF=N%TOS=C0%IPLEN=164%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)\n"

var battery = []string{"T1", "T2", "T3", "T4", "T5", "T6", "T7", "PU"}
var tseq = []string{"TSeq1", "TSeq2", "TSeq3", "TSeq4", "TSeq5", "TSeq6"}

func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var _ = Describe("OS detection (-O) probes", func() {
	// The FAQ's figure 2 command against simnet's modern Linux, port 1
	// the lowest open one, a database nothing matches (so all three
	// attempts run); T2 and T3 are lost, PU is answered.
	const seed = 34885 // M = 42558, the FAQ's source port
	var run *osRun

	BeforeEach(func() {
		useDB("")
		run = runOS("-v -sS -P0 -O -p1-25 victim", seed, labnet.Host{Addr: victim, OpenTCP: faqOpen},
			&osLink{drop: isOddOpen, puReply: true})
	})

	It("sends T1..T7 and PU, resends the two unanswered once, then six TSeq SYNs; three attempts", func() {
		ps := run.osProbes()
		Expect(attempts(ps)).To(Equal(3))
		for a := range 3 {
			Expect(kinds(ps, a)).To(Equal(cat(battery, []string{"T2", "T3"}, tseq)))
		}
	})

	It("builds every probe byte for byte as the reference table says, with nmap 2.01's draws in order", func() {
		d := replayDraws(seed, 25)
		g := d.g
		for range 25 { // the SYN scan's IP IDs: 25 first tries, all answered
			g.Rand()
		}
		ttl := byte(simnet.Epoch.Unix()%14 + 51) // send_tcp_raw's TTL, fixed by the SYN scan's first probe
		win := uint16(1024 * (uint16(ttl%4) + 1))
		var base uint32
		var closed, puID uint16
		var pattern, puTTL byte
		closedSeen := map[uint16]bool{}
		attempt := -1
		for _, p := range run.osProbes() {
			if p.attempt != attempt { // get_fingerprint(): sequence_base, then the closed port
				attempt = p.attempt
				base = g.Rand() + g.Rand()
				closed = uint16(g.Rand()%14781 + 30000)
				closedSeen[closed] = true
				Expect(run.out).To(ContainSubstring("For OSScan assuming that port 1 is open and port %d is closed and neither are firewalled\n", closed))
			}
			b := p.raw
			switch {
			case p.kind == "PU":
				By(fmt.Sprintf("attempt %d PU: UDP from M to the closed port, 328 bytes, static ID and TTL, 300 pattern bytes", attempt+1))
				if puID == 0 { // send_closedudp_probe's statics, drawn on its first call
					pattern = byte(g.Rand()%60 + 65)
					for puID == 0 {
						puID = uint16(g.Rand())
					}
					puTTL = byte(p.t.Unix()%14 + 51)
				}
				expectIPv4(b, 328, bits.ReverseBytes16(puID), puTTL, 17)
				u := udpOf(p.wirePacket)
				Expect(u).NotTo(BeNil())
				Expect(u.SrcPort).To(BeEquivalentTo(d.magic))
				Expect(u.DstPort).To(BeEquivalentTo(closed))
				Expect(u.Length).To(Equal(uint16(308)))
				Expect(u.Payload).To(Equal(bytes.Repeat([]byte{pattern}, 300)))
				Expect(pattern).To(BeNumerically(">=", 'A'))
				Expect(pattern).To(BeNumerically("<=", '|'))
				pseudo := append(append([]byte{}, b[12:20]...), 0, 17, 1, 0x34)
				Expect(wire.Checksum(append(pseudo, b[20:]...))).To(BeZero(), "UDP checksum")
			case strings.HasPrefix(p.kind, "TSeq"):
				i := uint16(p.kind[4] - '0')
				By(fmt.Sprintf("attempt %d TSeq SYN %d: 40 bytes, sport M+%d, seq sequence_base+%d, SYN only, no options", attempt+1, i, i, i))
				expectIPv4(b, 40, bits.ReverseBytes16(uint16(g.Rand())), ttl, 6)
				Expect(binary.BigEndian.Uint16(b[20:])).To(Equal(d.magic + i))
				Expect(binary.BigEndian.Uint16(b[22:])).To(Equal(uint16(1)))
				Expect(binary.BigEndian.Uint32(b[24:])).To(Equal(base + uint32(i)))
				Expect(binary.BigEndian.Uint32(b[28:])).To(BeZero())
				Expect(b[32]).To(Equal(byte(0x50)))
				Expect(b[33]).To(Equal(byte(0x02)))
				Expect(binary.BigEndian.Uint16(b[34:])).To(Equal(win))
				Expect(binary.BigEndian.Uint16(b[38:])).To(BeZero())
				Expect(tcpChecksumOK(b)).To(BeTrue())
			default:
				k := int(p.kind[1] - '0')
				By(fmt.Sprintf("attempt %d %s: IPv4 60 bytes; TCP sport M+%d, open port 1 (T1-T4) or the closed port, seq sequence_base, ack 0, offset 10, its flags, urg 0", attempt+1, p.kind, 6+k))
				expectIPv4(b, 60, bits.ReverseBytes16(uint16(g.Rand())), ttl, 6)
				Expect(binary.BigEndian.Uint16(b[20:])).To(Equal(d.magic + 6 + uint16(k)))
				wantPort := closed
				if k <= 4 {
					wantPort = 1
				}
				Expect(binary.BigEndian.Uint16(b[22:])).To(Equal(wantPort))
				Expect(binary.BigEndian.Uint32(b[24:])).To(Equal(base))
				Expect(binary.BigEndian.Uint32(b[28:])).To(BeZero())
				Expect(b[32]).To(Equal(byte(0xA0)))
				Expect(b[33]).To(Equal(tFlags[k-1]))
				Expect(binary.BigEndian.Uint16(b[34:])).To(Equal(win))
				Expect(binary.BigEndian.Uint16(b[38:])).To(BeZero())
				Expect(tcpChecksumOK(b)).To(BeTrue())
				By("options: WScale 10, NOP, MSS 265, Timestamp 3F3F3F3F/0, EOL, EOL")
				Expect(b[40:60]).To(Equal(osOptionBlock))
				o := p.tcp.Options
				Expect(o).To(HaveLen(5))
				Expect(o[0].OptionType).To(BeEquivalentTo(layers.TCPOptionKindWindowScale))
				Expect(o[0].OptionData).To(Equal([]byte{10}))
				Expect(o[1].OptionType).To(BeEquivalentTo(layers.TCPOptionKindNop))
				Expect(o[2].OptionType).To(BeEquivalentTo(layers.TCPOptionKindMSS))
				Expect(o[2].OptionData).To(Equal([]byte{1, 9}))
				Expect(o[3].OptionType).To(BeEquivalentTo(layers.TCPOptionKindTimestamps))
				Expect(o[3].OptionData).To(Equal([]byte{0x3f, 0x3f, 0x3f, 0x3f, 0, 0, 0, 0}))
				Expect(o[4].OptionType).To(BeEquivalentTo(layers.TCPOptionKindEndList))
				Expect(p.tcp.ECE).To(Equal(k == 1), "gopacket names the 0x40 bit ECE: only T1 has it")
			}
		}
		Expect(attempt).To(Equal(2))
		Expect(closedSeen).To(HaveLen(3), "a new closed port per attempt")
	})

	It("resends a test unchanged but for the TCP probe's IP ID", func() {
		ps := run.osProbes()
		for a := range 3 {
			first := map[string]osProbe{}
			for _, p := range ps {
				if p.attempt != a || strings.HasPrefix(p.kind, "TSeq") {
					continue
				}
				f, seen := first[p.kind]
				if !seen {
					first[p.kind] = p
					continue
				}
				Expect(p.raw[20:]).To(Equal(f.raw[20:]), p.kind)
				Expect(p.ip.Id).NotTo(Equal(f.ip.Id))
			}
		}
	})

	It("paces TSeq at 5 ms + srtt, listens ossoft after the last answer, and sleeps 2 s between attempts", func() {
		const rtt = 300 * time.Microsecond     // simnet's round trip, so the SYN scan's srtt
		const sendCost = 31 * time.Microsecond // simnet's time per write: usleep starts after it
		ps := run.osProbes()
		for a := range 3 {
			var at []osProbe
			for _, p := range ps {
				if p.attempt == a {
					at = append(at, p)
				}
			}
			Expect(at).To(HaveLen(16))
			By("ossoft = max(200 ms, timeout = 75 ms): pass 2 starts 200 ms after pass 1's last answer")
			Expect(at[8].t.Sub(run.lastFromVictimBefore(at[8].t))).To(Equal(200 * time.Millisecond))
			By("nothing answers pass 2: TSeq starts 200 ms after its listening began")
			Expect(at[10].t.Sub(at[9].t.Add(sendCost))).To(Equal(200 * time.Millisecond))
			for k := 11; k < 16; k++ {
				Expect(at[k].t).To(Equal(linuxWake(at[k-1].t.Add(sendCost), 5*time.Millisecond+rtt)), "usleep(5000 + srtt) after each SYN, on the kernel's ticks")
			}
			if a < 2 {
				By("the six SYN/ACKs came during the sleeps: the attempt ends after the last sleep, then sleep(2)")
				next := ps[firstOf(ps, a+1)]
				Expect(next.t).To(Equal(linuxWake(linuxWake(at[15].t.Add(sendCost), 5*time.Millisecond+rtt), 2*time.Second)))
			}
		}
	})

	It("prints the -v line per attempt, then after the ports table the sequence report and the three attempts' fingerprints, merged (mergeFPs: equal attempts print once)", func() {
		Expect(strings.Count(run.out, "For OSScan assuming")).To(Equal(3))
		Expect(run.out).To(MatchRegexp(`(?s)The SYN scan took 0 seconds to scan 25 ports\.\n(For OSScan assuming[^\n]*\n){3}Interesting ports on victim`))
		var synacks []string
		for _, w := range run.fromVictim() {
			if w.tcp != nil && w.tcp.SYN && w.tcp.ACK && w.tcp.DstPort > layers.TCPPort(run.link.magic) && w.tcp.DstPort <= layers.TCPPort(run.link.magic+6) {
				synacks = append(synacks, fmt.Sprintf("%X", w.tcp.Seq))
			}
		}
		Expect(synacks).To(HaveLen(18))
		fp := "TSeq(Class=TR)\n" +
			"T1(Resp=Y%DF=Y%W=FAF0%ACK=S++%Flags=AS%Ops=M)\n" +
			"T2(Resp=N)\n" +
			"T3(Resp=N)\n" +
			"T4(Resp=Y%DF=Y%W=0%ACK=O%Flags=R%Ops=)\n" +
			"T5(Resp=Y%DF=Y%W=0%ACK=S++%Flags=AR%Ops=)\n" +
			"T6(Resp=Y%DF=Y%W=0%ACK=O%Flags=R%Ops=)\n" +
			"T7(Resp=Y%DF=Y%W=0%ACK=S++%Flags=AR%Ops=)\n" + pu
		Expect(run.out).To(HaveSuffix("25      open        tcp        smtp            \n\n" +
			"TCP Sequence Prediction: Class=truly random\n" +
			"                         Difficulty=9999999 (Good luck!)\n" +
			"\n" +
			"Sequence numbers: " + strings.Join(synacks[12:], " ") + "\n" +
			"No OS matches for this host.  TCP fingerprints:\n" +
			fp + "\n\n" +
			"Nmap run completed -- 1 IP address (1 host up) scanned in 5 seconds\n"))
	})
})

// firstOf is the index of the first probe of attempt a.
func firstOf(ps []osProbe, a int) int {
	for i, p := range ps {
		if p.attempt == a {
			return i
		}
	}
	return -1
}

var _ = Describe("OS detection resend passes", func() {
	It("resends while a pass brings news, six passes at most; PU keeps its one ID for the process", func() {
		useDB("")
		// T2 and T3 are always lost. In attempt 1, T7 answers at once;
		// T1, T4, T5, T6 and PU are lost 1, 2, 3, 4 and 5 times, so each
		// later pass catches one more. The sixth pass ends the loop though
		// it brought news and two tests are still missing.
		lose := loseFirst(map[uint16]int{7: 1, 10: 2, 11: 3, 12: 4}, 5)
		run := runOS("-sS -P0 -O -p1-25 victim", 77, labnet.Host{Addr: victim, OpenTCP: faqOpen},
			&osLink{drop: either(isOddOpen, lose), puReply: true})
		ps := run.osProbes()
		Expect(attempts(ps)).To(Equal(3))
		Expect(kinds(ps, 0)).To(Equal(cat(
			battery, // pass 1: T7
			[]string{"T1", "T2", "T3", "T4", "T5", "T6", "PU"}, // pass 2: T1
			[]string{"T2", "T3", "T4", "T5", "T6", "PU"},       // pass 3: T4
			[]string{"T2", "T3", "T5", "T6", "PU"},             // pass 4: T5
			[]string{"T2", "T3", "T6", "PU"},                   // pass 5: T6
			[]string{"T2", "T3", "PU"},                         // pass 6: PU; no seventh
			tseq)))
		for a := 1; a < 3; a++ { // one pass brings no news: no third
			Expect(kinds(ps, a)).To(Equal(cat(battery, []string{"T2", "T3"}, tseq)))
		}
		By("each pass starts ossoft (200 ms) after the previous pass's last answer")
		starts := 0
		for i, p := range ps {
			if p.attempt == 0 && i > 0 && p.kind != "PU" && ps[i-1].kind == "PU" && !strings.HasPrefix(p.kind, "TSeq") {
				starts++
				Expect(p.t.Sub(run.lastFromVictimBefore(p.t))).To(Equal(200 * time.Millisecond))
			}
		}
		Expect(starts).To(Equal(5))
		By("every PU copy of the process carries the same IP ID and bytes")
		var pus []osProbe
		for _, p := range ps {
			if p.kind == "PU" {
				pus = append(pus, p)
			}
		}
		Expect(pus).To(HaveLen(8))
		for _, p := range pus[1:6] {
			Expect(p.raw).To(Equal(pus[0].raw))
		}
		for _, p := range pus[6:] {
			Expect(p.ip.Id).To(Equal(pus[0].ip.Id))
			Expect(p.raw[28:]).To(Equal(pus[0].raw[28:]))
		}
		Expect(run.out).To(ContainSubstring("T6(Resp=Y%DF=Y%W=0%ACK=O%Flags=R%Ops=)\nT7(Resp=Y%DF=Y%W=0%ACK=S++%Flags=AR%Ops=)\n" + pu))
	})
})

// loseFirst loses the first n[offset] TCP probes from sport M+offset and
// the first puLost PU probes.
func loseFirst(n map[uint16]int, puLost int) func(l *osLink, w wirePacket) bool {
	return func(l *osLink, w wirePacket) bool {
		if isPU(l, w) {
			puLost--
			return puLost >= 0
		}
		if w.tcp == nil || w.tcp.RST {
			return false
		}
		off := uint16(w.tcp.SrcPort) - l.magic
		if n[off] > 0 {
			n[off]--
			return true
		}
		return false
	}
}

var _ = Describe("OS detection without an open port (the FAQ's exploits plus)", func() {
	It("sends T5, T6, T7 and PU twice per attempt to a new closed port, three attempts, and matches nothing", func() {
		// The FAQ's last process, nmap -v -sS -P0 -O -p143, against a host
		// whose port 143 is closed and whose firewall drops everything to
		// the high ports nmap takes for closed (UDP included).
		const seed = 2718
		var firewalled []uint16
		for p := 30000; p <= 44780; p++ {
			firewalled = append(firewalled, uint16(p))
		}
		run := runOS("-v -sS -P0 -O -p143 victim", seed, labnet.Host{Addr: victim, FilteredTCP: firewalled}, &osLink{drop: isPU})
		ps := run.osProbes()
		Expect(attempts(ps)).To(Equal(3))
		By("no T1-T4 and no TSeq: 3 attempts x 2 passes x {SYN, ACK, FIN|PSH|URG, UDP 300}")
		d := replayDraws(seed, 1)
		g := d.g
		g.Rand() // the SYN scan's one probe
		var closed []uint16
		for a := range 3 {
			Expect(kinds(ps, a)).To(Equal([]string{"T5", "T6", "T7", "PU", "T5", "T6", "T7", "PU"}))
			base := g.Rand() + g.Rand()
			port := uint16(g.Rand()%14781 + 30000)
			closed = append(closed, port)
			for _, p := range ps {
				if p.attempt != a {
					continue
				}
				if p.tcp != nil {
					Expect(p.tcp.DstPort).To(BeEquivalentTo(port))
					Expect(p.tcp.Seq).To(Equal(base))
				} else {
					Expect(udpOf(p.wirePacket).DstPort).To(BeEquivalentTo(port))
				}
			}
			for range 3 { // T5-T7's IP IDs, pass 1
				g.Rand()
			}
			if a == 0 { // PU's pattern byte and ID
				g.Rand()
				for id := uint16(0); id == 0; {
					id = uint16(g.Rand())
				}
			}
			for range 3 { // pass 2
				g.Rand()
			}
		}
		Expect(closed[0]).NotTo(Equal(closed[1]))
		Expect(closed[1]).NotTo(Equal(closed[2]))
		By("pass 2 follows pass 1's listening start by ossoft; the next attempt 2 s after pass 2's")
		for a := range 3 {
			at := ps[firstOf(ps, a):]
			listen1 := at[3].t.Add(31 * time.Microsecond) // after the PU write
			Expect(at[4].t.Sub(listen1)).To(Equal(200 * time.Millisecond))
			if a < 2 {
				listen2 := at[7].t.Add(31 * time.Microsecond)
				Expect(at[8].t).To(Equal(linuxWake(listen2.Add(200*time.Millisecond), 2*time.Second)))
			}
		}
		By("the output: the warning once per attempt, two blanks after Warning:, no -v OSScan line, and no match; the three equal attempts merged into one")
		silent := "T5(Resp=N)\nT6(Resp=N)\nT7(Resp=N)\nPU(Resp=N)\n"
		warn := "Warning:  No ports found open on this machine, OS detection will be MUCH less reliable\n"
		Expect(run.out).NotTo(ContainSubstring("For OSScan"))
		Expect(run.out).NotTo(ContainSubstring("TCP Sequence Prediction"))
		Expect(run.out).To(ContainSubstring("The SYN scan took 0 seconds to scan 1 ports.\n" + warn + warn + warn +
			"No ports open for host victim (198.18.1.2)\n" +
			"No OS matches for this host.  TCP fingerprints:\n" + silent + "\n\n" +
			"Nmap run completed -- 1 IP address (1 host up) scanned in 5 seconds\n"))
	})
})

var _ = Describe("OS detection without an open port, as the FAQ's traces show it", func() {
	// Figure 4's host answered T5-T7 and not the UDP probe. Today's Linux
	// (the kernel stack) in its place would match nmap 2.01's two Novell
	// Netware records (T5-T7 with DF set; an unanswered PU passes a PU
	// test without Resp) and stop after one attempt; a 1998 Linux matches
	// 63 records (the six Linux 2.0 ones among them), far too many for
	// 2.01, so three attempts run, as in the figure.
	DescribeTable("resends only what went unanswered",
		func(stack labnet.Stack, link *osLink, want []string) {
			run := runOS("-v -sS -P0 -O -p143 victim", 2718, labnet.Host{Addr: victim, Stack: stack}, link)
			ps := run.osProbes()
			Expect(attempts(ps)).To(Equal(3))
			for a := range 3 {
				Expect(kinds(ps, a)).To(Equal(want))
			}
			Expect(strings.Count(run.out, "Warning:  No ports found open on this machine")).To(Equal(3))
			Expect(run.out).To(ContainSubstring("No OS matches for this host.  TCP fingerprints:\nT5(Resp=Y%"))
		},
		Entry("figure 4, the wild trace (S, FP, udp, udp per attempt): T5-T7 answered, the UDP probe not, so it alone goes twice",
			labnet.Stack("linux-2.0.35"), &osLink{drop: isPU}, []string{"T5", "T6", "T7", "PU", "PU"}),
		Entry("figure 5, the author's lab (S, FP, udp per attempt): everything answered, one pass",
			labnet.Kernel, &osLink{puReply: true}, []string{"T5", "T6", "T7", "PU"}),
	)
})

var _ = Describe("OS detection's sequence analysis", func() {
	It("reports insufficient responses below four SYN/ACKs and leaves TSeq out", func() {
		useDB("")
		loseSeq := func(l *osLink, w wirePacket) bool {
			return w.tcp != nil && w.tcp.SYN && !w.tcp.ACK && len(w.raw) == 40 &&
				w.tcp.SrcPort > layers.TCPPort(l.magic) && w.tcp.SrcPort <= layers.TCPPort(l.magic+3)
		}
		run := runOS("-v -sS -P0 -O -p1-25 victim", 5, labnet.Host{Addr: victim, OpenTCP: faqOpen},
			&osLink{drop: either(isOddOpen, loseSeq), puReply: true})
		Expect(strings.Count(run.out, "Insufficient responses for TCP sequencing (3), OS detection will be MUCH less reliable\n")).To(Equal(3))
		Expect(run.out).NotTo(ContainSubstring("TCP Sequence Prediction"))
		Expect(run.out).NotTo(ContainSubstring("TSeq("))
		Expect(run.out).To(ContainSubstring("No OS matches for this host.  TCP fingerprints:\nT1(Resp=Y"))
		By("the collection waits ossoft after the sixth SYN's sleep for answers that never come")
		ps := run.osProbes()
		sixth := ps[firstOf(ps, 1)-1]
		Expect(sixth.kind).To(Equal("TSeq6"))
		Expect(ps[firstOf(ps, 1)].t).To(Equal(linuxWake(linuxWake(sixth.t.Add(31*time.Microsecond), 5300*time.Microsecond).Add(200*time.Millisecond), 2*time.Second)))
	})

	It("warns of a RST only when it comes before any SYN/ACK, and ignores it", func() {
		useDB(simnetLinux) // the first attempt matches: its numbers are the report's
		resets := map[uint16]bool{1: true, 3: true}
		mangle := func(l *osLink, b []byte) {
			pk, ok := wire.ParsePacket(b)
			if !ok || !pk.IsTCP() || !pk.HasFlags(wire.FlagSYN|wire.FlagACK) {
				return
			}
			if off := pk.DPort() - l.magic; resets[off] {
				resets[off] = false
				b[20+13] = wire.FlagRST | wire.FlagACK
			}
		}
		run := runOS("-v -sS -P0 -O -p1-25 victim", 5, labnet.Host{Addr: victim, OpenTCP: faqOpen}, &osLink{mangle: mangle})
		Expect(strings.Count(run.out, "WARNING:  RST from port 1 -- is this port really open?\n")).To(Equal(1))
		Expect(run.out).To(MatchRegexp(`\nSequence numbers: [0-9A-F]+ [0-9A-F]+ [0-9A-F]+ [0-9A-F]+\n`))
		Expect(run.out).To(ContainSubstring("TCP Sequence Prediction: Class="))
	})
})

var _ = Describe("OS detection's matching and report", func() {
	It("stops at the first attempt that matches and prints the guess and an empty line", func() {
		useDB(simnetLinux)
		run := runOS("-v -sS -P0 -O -p1-25 victim", 9, labnet.Host{Addr: victim, OpenTCP: faqOpen}, &osLink{})
		Expect(attempts(run.osProbes())).To(Equal(1))
		Expect(run.out).To(ContainSubstring("Remote operating system guess: siglab simnet Linux\n\nNmap run completed"))
		Expect(run.out).NotTo(ContainSubstring("OS Fingerprint:"), "only with -v -v")
		Expect(run.out).NotTo(ContainSubstring("didn't match"))
	})

	It("says when it matched only on a later try, and shows that attempt's fingerprint with -v -v", func() {
		useDB("FingerPrint  siglab simnet Linux\nT1(Resp=Y%DF=Y%W=FAF0)\n")
		lose := loseFirst(map[uint16]int{7: 2}, 0) // attempt 1 loses T1 in both its passes
		run := runOS("-v -v -sS -P0 -O -p1-25 victim", 9, labnet.Host{Addr: victim, OpenTCP: faqOpen},
			&osLink{drop: either(isOddOpen, lose), puReply: true})
		ps := run.osProbes()
		Expect(attempts(ps)).To(Equal(2))
		Expect(kinds(ps, 0)).To(Equal(cat(battery, []string{"T1", "T2", "T3"}, tseq)))
		Expect(strings.Count(run.out, "For OSScan assuming")).To(Equal(2))
		Expect(run.out).To(ContainSubstring("WARNING: OS didn't match until the 2 try\n"))
		Expect(run.out).To(ContainSubstring("Remote operating system guess: siglab simnet Linux\n" +
			"OS Fingerprint:\nTSeq(Class=TR)\nT1(Resp=Y%DF=Y%W=FAF0%ACK=S++%Flags=AS%Ops=M)\nT2(Resp=N)\n"))
		Expect(run.out).To(ContainSubstring(pu + "\n\nNmap run completed"))
	})

	DescribeTable("lists up to five matching OSes; a sixth voids the result (2.01)",
		func(records int, want string, tries int) {
			var b strings.Builder
			for i := range records {
				fmt.Fprintf(&b, "FingerPrint  OS %d\nT1(DF=Y)\n\n", i+1)
			}
			useDB(b.String())
			run := runOS("-sS -P0 -O -p1-25 victim", 9, labnet.Host{Addr: victim, OpenTCP: faqOpen}, &osLink{})
			Expect(attempts(run.osProbes())).To(Equal(tries))
			Expect(run.out).To(ContainSubstring(want))
		},
		Entry("two", 2, "Remote OS guesses: OS 1, OS 2\n\n", 1),
		Entry("five", 5, "Remote OS guesses: OS 1, OS 2, OS 3, OS 4, OS 5\n\n", 1),
		Entry("six: no result, so all three attempts run", 6, "No OS matches for this host.  TCP fingerprints:\nTSeq(", 3),
	)
})

var _ = Describe("OS detection with decoys (-D)", func() {
	It("sends every OS probe once per source; PU keeps its one ID; TSeq sleeps after every copy", func() {
		useDB("")
		run := runOS("-sS -P0 -O -D 198.18.0.7,ME -p1 victim", 12, labnet.Host{Addr: victim, OpenTCP: []uint16{1}},
			&osLink{drop: isOddOpen, puReply: true})
		decoy := netip.MustParseAddr("198.18.0.7")
		ps := run.osProbes()
		ps = ps[:firstOf(ps, 1)]
		var want []string
		for _, k := range cat(battery, []string{"T2", "T3"}, tseq) {
			want = append(want, k, k)
		}
		Expect(kinds(ps, 0)).To(Equal(want))
		for i, p := range ps {
			src := scanner
			if i%2 == 0 {
				src = decoy
			}
			Expect(p.ip.SrcIP.Equal(src.AsSlice())).To(BeTrue(), "copy %d of %s", i, p.kind)
			if i%2 == 0 {
				continue
			}
			prev := ps[i-1]
			if p.kind == "PU" {
				Expect(p.ip.Id).To(Equal(prev.ip.Id), "PU's ID is static")
				Expect(p.raw[28:]).To(Equal(prev.raw[28:]))
				continue
			}
			Expect(p.ip.Id).NotTo(Equal(prev.ip.Id))
			Expect(p.tcp.SrcPort).To(Equal(prev.tcp.SrcPort))
			Expect(p.tcp.Seq).To(Equal(prev.tcp.Seq))
		}
		for i := 1; i < len(ps); i++ {
			if strings.HasPrefix(ps[i].kind, "TSeq") && strings.HasPrefix(ps[i-1].kind, "TSeq") {
				// srtt is 331 µs here: the SYN scan timed its probe from
				// before the decoy copy went out (31 µs) plus the 300 µs RTT.
				Expect(ps[i].t).To(Equal(linuxWake(ps[i-1].t.Add(31*time.Microsecond), 5*time.Millisecond+331*time.Microsecond)), "usleep(5000+srtt) after every copy")
			}
		}
		Expect(run.out).To(ContainSubstring(pu), "the real copy's probe is the one the ICMP is compared with")
	})
})

var _ = Describe("OS detection end to end against the FAQ's hosts (personality through simnet)", func() {
	It("tells IRIX 6.2 by its 64K-rule sequence numbers and its battery answers (figures 2 and 3)", func() {
		run := runOS("-v -sS -P0 -O -p1-25 victim", 34885, labnet.Host{Addr: victim, OpenTCP: faqOpen, Stack: "irix-6.2"}, &osLink{})
		ps := run.osProbes()
		Expect(attempts(ps)).To(Equal(1), "the first fingerprint matches")
		Expect(kinds(ps, 0)).To(Equal(cat(battery, tseq)), "all eight tests answered: no second pass")
		Expect(strings.Count(run.out, "For OSScan assuming that port 1 is open and port ")).To(Equal(1))
		Expect(run.out).To(MatchRegexp(`\n\nTCP Sequence Prediction: Class=64K rule\n {25}Difficulty=1 \(Trivial joke\)\n\n` +
			`Sequence numbers: [0-9A-F]+( [0-9A-F]+){5}\nRemote operating system guess: IRIX 6\.2 - 6\.5  \n\n` +
			`Nmap run completed -- 1 IP address \(1 host up\) scanned in 0 seconds\n$`))
	})

	It("tells Linux 2.0.35 by its truly random numbers, T2's silence and its whole-datagram ICMP (figure 5, port 143 open)", func() {
		run := runOS("-v -v -sS -P0 -O -p143 victim", 4711, labnet.Host{Addr: victim, OpenTCP: []uint16{143}, Stack: "linux-2.0.35"}, &osLink{})
		ps := run.osProbes()
		Expect(attempts(ps)).To(Equal(1))
		// Only T2 goes unanswered, and 2.0x's testsleft, which starts at 7
		// for eight tests, reaches 0: no second pass, TSeq follows at once.
		// The FAQ's trace of this run agrees: its TSeq SYNs come 250 ms
		// after the battery, one listening period, not two.
		Expect(kinds(ps, 0)).To(Equal(cat(battery, tseq)))
		Expect(run.out).To(ContainSubstring("For OSScan assuming that port 143 is open and port "))
		Expect(run.out).To(ContainSubstring("TCP Sequence Prediction: Class=truly random\n" +
			"                         Difficulty=9999999 (Good luck!)\n\nSequence numbers: "))
		Expect(run.out).To(ContainSubstring("Remote operating system guess: Linux 2.0.35-36\nOS Fingerprint:\nTSeq(Class=TR)\n"))
		Expect(run.out).To(ContainSubstring("\nT2(Resp=N)\nT3(Resp=Y%DF=N%W=7FE0%ACK=S++%Flags=ASF%Ops=ME)\n"))
		Expect(run.out).To(ContainSubstring("\n" + pu + "\n\nNmap run completed"))
	})
})

var _ = Describe("OS detection's packet path", func() {
	It("takes a T answer, the PU's ICMP and a TSeq SYN/ACK without allocating", func() {
		battery, unreach, synack := generator.OSReceiveAllocs()
		Expect(battery).To(BeZero())
		Expect(unreach).To(BeZero())
		Expect(synack).To(BeZero())
	})
})
