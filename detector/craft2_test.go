package detector_test

// Crafting for the technique specs: UDP, ICMP, fragments, and the probe
// batteries of nmap 2.0x and today's nmap, as the reference notes and the
// captures in testdata/real show them.

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

func serialize(ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		panic(err)
	}
	return slices.Clone(buf.Bytes())
}

// ipUDP serialises one IPv4/UDP datagram.
func ipUDP(src, dst netip.Addr, ttl uint8, id, sport, dport uint16, payload []byte) []byte {
	ip := &layers.IPv4{Version: 4, TTL: ttl, Id: id, Protocol: layers.IPProtocolUDP, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	u := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	if err := u.SetNetworkLayerForChecksum(ip); err != nil {
		panic(err)
	}
	return serialize(ip, u, gopacket.Payload(payload))
}

// ipICMP serialises one IPv4/ICMP message.
func ipICMP(src, dst netip.Addr, ttl, tos, typ, code uint8, id, seq uint16, payload []byte) []byte {
	ip := &layers.IPv4{Version: 4, TTL: ttl, TOS: tos, Id: seq, Protocol: layers.IPProtocolICMPv4, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	ic := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code), Id: id, Seq: seq}
	return serialize(ip, ic, gopacket.Payload(payload))
}

// unreachable is the ICMP destination unreachable (code) that from sends
// about probe, quoting its IP header and first 8 transport bytes.
func unreachable(from, to netip.Addr, code uint8, probe []byte) []byte {
	return ipICMP(from, to, 255, 0xc0, 3, code, 0, 0, probe[:min(len(probe), 28)])
}

// fragments splits an IPv4 packet (20-byte header) into two fragments,
// the first holding n transport bytes (a multiple of 8).
func fragments(ip []byte, n int) [][]byte {
	hdr := ip[:20]
	first := slices.Concat(hdr, ip[20:20+n])
	second := slices.Concat(hdr, ip[20+n:])
	binary.BigEndian.PutUint16(first[2:], uint16(len(first)))
	binary.BigEndian.PutUint16(first[6:], 0x2000)
	binary.BigEndian.PutUint16(second[2:], uint16(len(second)))
	binary.BigEndian.PutUint16(second[6:], uint16(n/8))
	return [][]byte{first, second}
}

// stealth describes a FIN, Xmas, Null or ACK scan of one target.
type stealth struct {
	flags  func(t *layers.TCP)
	seq    uint32
	ack    uint32
	window uint16
	// ttl gives the i-th probe's TTL.
	ttl   func(i int) uint8
	ports []uint16
	// silent ports keep quiet (open, for FIN/Xmas/Null); the rest answer
	// RST.
	silent []uint16
}

func finFlags(t *layers.TCP)  { t.FIN = true }
func xmasFlags(t *layers.TCP) { t.FIN, t.PSH, t.URG = true, true, true }
func nullFlags(*layers.TCP)   {}
func ackFlags(t *layers.TCP)  { t.ACK = true }

func constTTL(ttl uint8) func(int) uint8 { return func(int) uint8 { return ttl } }

// randomTTL is today's nmap: a TTL in 37..59 drawn per packet.
func randomTTL(i int) uint8 { return uint8(37 + (i*7919)%23) }

// nmap202Stealth is nmap 2.02's stealth probe: seq 0, ack 0, no options,
// one window and TTL for the process.
func nmap202Stealth(flags func(t *layers.TCP)) stealth {
	return stealth{flags: flags, window: 2048, ttl: constTTL(52), ports: shuffled25, silent: irixOpen}
}

// modernStealth is today's nmap: one random seq (ack for -sA), window
// 1024, a TTL per packet.
func modernStealth(flags func(t *layers.TCP)) stealth {
	s := stealth{flags: flags, seq: 2916398846, window: 1024, ttl: randomTTL, ports: shuffled25, silent: irixOpen}
	if isACK(flags) {
		s.seq, s.ack, s.silent = 0, 3334019929, nil
	}
	return s
}

func isACK(flags func(t *layers.TCP)) bool {
	var t layers.TCP
	flags(&t)
	return t.ACK
}

func (s stealth) packets() []pkt {
	var out []pkt
	for i, port := range s.ports {
		at := t0.Add(time.Duration(i) * 100 * time.Microsecond)
		t := layers.TCP{SrcPort: 33901, DstPort: layers.TCPPort(port), Seq: s.seq, Ack: s.ack, Window: s.window}
		s.flags(&t)
		out = append(out, pkt{at, ipTCPID(scannerAddr, targetAddr, s.ttl(i), uint16(7000+i), t, nil)})
		if slices.Contains(s.silent, port) {
			continue
		}
		rst := layers.TCP{SrcPort: t.DstPort, DstPort: t.SrcPort, RST: true, ACK: !t.ACK, Ack: t.Seq + 1}
		out = append(out, pkt{at.Add(30 * time.Microsecond), ipTCP(targetAddr, scannerAddr, 255, rst, nil)})
	}
	return out
}

// udpScan is a UDP scan of ports 1-25: closed ports answer ICMP port
// unreachable, open ones keep quiet.
type udpScan struct {
	ttl     func(i int) uint8
	sport   uint16
	payload func(port uint16) []byte
	open    []uint16
}

func nmap202UDP() udpScan {
	return udpScan{ttl: constTTL(58), sport: 54734, payload: func(uint16) []byte { return nil }, open: []uint16{7, 19}}
}

func (u udpScan) packets() []pkt {
	var out []pkt
	for i := range 25 {
		port := uint16(i + 1)
		at := t0.Add(time.Duration(i) * 200 * time.Microsecond)
		probe := ipUDP(scannerAddr, targetAddr, u.ttl(i), uint16(900+i), u.sport, port, u.payload(port))
		out = append(out, pkt{at, probe})
		if !slices.Contains(u.open, port) {
			out = append(out, pkt{at.Add(50 * time.Microsecond), unreachable(targetAddr, scannerAddr, 3, probe)})
		}
	}
	return out
}

// sweepHost is the i-th address of 198.18.1.0/28.
func sweepHost(i int) netip.Addr { return netip.AddrFrom4([4]byte{198, 18, 1, byte(i)}) }

// nmap202Sweep is nmap 2.02 -sP of 198.18.1.1-15 (one try): per host an
// echo request (id 65036, seq host*5 little-endian, no payload) and an
// ACK to port 80 (ack 0, seq ≡ 3 mod 8, from M+20); hosts up answer both.
func nmap202Sweep(up ...int) []pkt {
	var out []pkt
	for h := 1; h <= 15; h++ {
		at := t0.Add(time.Duration(h) * 300 * time.Microsecond)
		hostnum := uint16(h - 1)
		echo := ipICMP(scannerAddr, sweepHost(h), 62, 0, 8, 0, 65036, hostnum*5<<8|hostnum*5>>8, nil)
		ack := layers.TCP{SrcPort: 55020, DstPort: 80, ACK: true, Window: 3072, Seq: 0x2a280000 + uint32(hostnum)*5<<3 + 3}
		out = append(out, pkt{at, echo}, pkt{at.Add(30 * time.Microsecond), ipTCP(scannerAddr, sweepHost(h), 62, ack, nil)})
		if slices.Contains(up, h) {
			reply := ipICMP(sweepHost(h), scannerAddr, 64, 0, 0, 0, 65036, hostnum*5<<8|hostnum*5>>8, nil)
			rst := layers.TCP{SrcPort: 80, DstPort: 55020, RST: true, Seq: 0}
			out = append(out, pkt{at.Add(60 * time.Microsecond), reply}, pkt{at.Add(90 * time.Microsecond), ipTCP(sweepHost(h), scannerAddr, 64, rst, nil)})
		}
	}
	return out
}

// Option lists of the two generations of nmap OS detection.
var (
	os1Options = []layers.TCPOption{
		{OptionType: layers.TCPOptionKindWindowScale, OptionData: []byte{10}},
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindMSS, OptionData: []byte{1, 9}},
		{OptionType: layers.TCPOptionKindTimestamps, OptionData: []byte{0x3f, 0x3f, 0x3f, 0x3f, 0, 0, 0, 0}},
		{OptionType: layers.TCPOptionKindEndList},
		{OptionType: layers.TCPOptionKindEndList},
	}
	os2Options = []layers.TCPOption{
		{OptionType: layers.TCPOptionKindWindowScale, OptionData: []byte{10}},
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindMSS, OptionData: []byte{1, 9}},
		{OptionType: layers.TCPOptionKindTimestamps, OptionData: []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}},
		{OptionType: layers.TCPOptionKindSACKPermitted},
	}
)

// osAttempt1 is one attempt of nmap 2.0x's battery against targetAddr
// from base port m: T1-T4 to open (when open != 0), T5-T7 and PU (300
// bytes of 'K', IP ID 41651) to closed, then six TSeq SYNs to open.
func osAttempt1(at time.Time, m uint16, base uint32, open, closed uint16) []pkt {
	var out []pkt
	n := 0
	send := func(b []byte) {
		out = append(out, pkt{at.Add(time.Duration(n) * 31 * time.Microsecond), b})
		n++
	}
	tp := func(sport, dport uint16, set func(t *layers.TCP)) {
		t := layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: base, Window: 3072, Options: os1Options}
		set(&t)
		send(ipTCP(scannerAddr, targetAddr, 62, t, nil))
	}
	if open != 0 {
		tp(m+7, open, func(t *layers.TCP) { t.SYN, t.ECE = true, true })
		tp(m+8, open, nullFlags)
		tp(m+9, open, func(t *layers.TCP) { t.SYN, t.FIN, t.URG, t.PSH = true, true, true, true })
		tp(m+10, open, ackFlags)
	}
	tp(m+11, closed, func(t *layers.TCP) { t.SYN = true })
	tp(m+12, closed, ackFlags)
	tp(m+13, closed, xmasFlags)
	send(ipUDP(scannerAddr, targetAddr, 62, 41651, m, closed, slices.Repeat([]byte{'K'}, 300)))
	if open != 0 {
		for i := uint32(1); i <= 6; i++ {
			at = at.Add(5 * time.Millisecond)
			t := layers.TCP{SrcPort: layers.TCPPort(m + uint16(i)), DstPort: layers.TCPPort(open), Seq: base + i, SYN: true, Window: 3072}
			send(ipTCP(scannerAddr, targetAddr, 62, t, nil))
		}
	}
	return out
}

// osAttempt2 is one attempt of today's battery: six SEQ SYNs (seq
// base..base+5, 100 ms apart), ECN, T2-T7, two IE echoes and U1.
func osAttempt2(at time.Time, m uint16, base uint32, open, closed uint16) []pkt {
	var out []pkt
	tp := func(d time.Duration, sport, dport uint16, seq uint32, win uint16, opts []layers.TCPOption, set func(t *layers.TCP)) {
		t := layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, Window: win, Options: opts}
		set(&t)
		out = append(out, pkt{at.Add(d), ipTCP(scannerAddr, targetAddr, randomTTL(int(sport)), t, nil)})
	}
	syn := func(t *layers.TCP) { t.SYN = true }
	for i := range 6 {
		tp(time.Duration(i)*100*time.Millisecond, m+uint16(i), open, base+uint32(i), []uint16{1, 63, 4, 4, 16, 512}[i], os2Options, syn)
	}
	ecn := []layers.TCPOption{
		{OptionType: layers.TCPOptionKindWindowScale, OptionData: []byte{10}},
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindMSS, OptionData: []byte{5, 0xb4}},
		{OptionType: layers.TCPOptionKindSACKPermitted},
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindNop},
	}
	d := 600 * time.Millisecond
	out = append(out,
		pkt{at.Add(d), ipICMP(scannerAddr, targetAddr, 57, 0, 8, 9, 9757, 295, make([]byte, 120))},
		pkt{at.Add(d + time.Millisecond), ipICMP(scannerAddr, targetAddr, 53, 4, 8, 0, 9758, 296, make([]byte, 150))},
		pkt{at.Add(d + 2*time.Millisecond), ipUDP(scannerAddr, targetAddr, 56, 4162, m-58, closed, slices.Repeat([]byte{'C'}, 300))},
	)
	tp(d+3*time.Millisecond, m+12, open, base, 3, ecn, func(t *layers.TCP) { t.SYN, t.ECE, t.CWR = true, true, true })
	tp(d+4*time.Millisecond, m+14, open, base, 128, os2Options, nullFlags)
	tp(d+5*time.Millisecond, m+15, open, base, 256, os2Options, func(t *layers.TCP) { t.SYN, t.FIN, t.URG, t.PSH = true, true, true, true })
	tp(d+6*time.Millisecond, m+16, open, base, 1024, os2Options, ackFlags)
	tp(d+7*time.Millisecond, m+17, closed, base, 31337, os2Options, syn)
	tp(d+8*time.Millisecond, m+18, closed, base, 32768, os2Options, ackFlags)
	tp(d+9*time.Millisecond, m+19, closed, base, 65535, os2Options, xmasFlags)
	return out
}

// ftpBounce is nmap -b through ftpAddr: a control connection from the
// scanner, login, then PORT and LIST per port of target2Addr; the server
// answers 150 for open ports and 425 for the others.
func ftpBounce(ports, open []uint16) []pkt {
	var out []pkt
	step := 0
	at := func() time.Time { step++; return t0.Add(time.Duration(step) * 100 * time.Microsecond) }
	cseq, sseq := uint32(1000), uint32(5000)
	c := func(flags func(t *layers.TCP), payload string) {
		t := layers.TCP{SrcPort: 4103, DstPort: 21, Seq: cseq, Ack: sseq, Window: 32120}
		flags(&t)
		out = append(out, pkt{at(), ipTCP(scannerAddr, ftpAddr, 64, t, []byte(payload))})
		cseq += uint32(len(payload))
	}
	s := func(payload string) {
		t := layers.TCP{SrcPort: 21, DstPort: 4103, Seq: sseq, Ack: cseq, Window: 64240, ACK: true, PSH: true}
		out = append(out, pkt{at(), ipTCP(ftpAddr, scannerAddr, 64, t, []byte(payload))})
		sseq += uint32(len(payload))
	}
	c(func(t *layers.TCP) { t.SYN = true; t.Options = mss1460 }, "")
	out = append(out, pkt{at(), ipTCP(ftpAddr, scannerAddr, 64, layers.TCP{SrcPort: 21, DstPort: 4103, Seq: sseq, Ack: cseq + 1, SYN: true, ACK: true, Window: 64240}, nil)})
	cseq++
	sseq++
	data := func(t *layers.TCP) { t.ACK, t.PSH = true, true }
	c(ackFlags, "")
	s("220 ready\r\n")
	c(data, "USER anonymous\r\n")
	s("331 send password\r\n")
	c(data, "PASS -wwwuser@\r\n")
	s("230 ok\r\n")
	for _, p := range ports {
		c(data, "PORT 198,18,1,3,"+itoa(int(p>>8))+","+itoa(int(p&0xff))+"\r\n")
		s("200 PORT command successful.\r\n")
		c(data, "LIST\r\n")
		if slices.Contains(open, p) {
			s("150 Opening ASCII mode data connection.\r\n")
			s("226 Transfer complete.\r\n")
		} else {
			s("425 Can't build data connection: Connection refused.\r\n")
		}
	}
	return out
}

var ftpAddr = netip.MustParseAddr("198.18.1.2")

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
