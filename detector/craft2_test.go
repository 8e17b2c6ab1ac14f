package detector_test

// Crafting for the technique specs: the stealth scans, UDP, ICMP, and the
// probe batteries of nmap 2.0x and today's nmap, as the reference notes
// and the captures in testdata/real show them (fragments: wiretest).

import (
	"net/netip"
	"slices"
	"time"

	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

// unreachable is the ICMP destination unreachable (code) that from sends
// to to about probe, quoting its IP header and first 8 transport bytes.
func unreachable(from, to netip.Addr, code uint8, probe []byte) []byte {
	return wiretest.Unreachable(wire.IPHeader{TOS: 0xc0, TTL: 255, Src: from, Dst: to}, code, probe[:min(len(probe), 28)])
}

// stealth describes a FIN, Xmas, Null or ACK scan of one target.
type stealth struct {
	flags  uint8
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

// The stealth scans' flags.
const (
	finFlags  = wire.FlagFIN
	xmasFlags = wire.FlagFIN | wire.FlagPSH | wire.FlagURG
	nullFlags = 0
	ackFlags  = wire.FlagACK
)

func constTTL(ttl uint8) func(int) uint8 { return func(int) uint8 { return ttl } }

// randomTTL is today's nmap: a TTL in 37..59 drawn per packet.
func randomTTL(i int) uint8 { return uint8(37 + (i*7919)%23) }

// nmap202Stealth is nmap 2.02's stealth probe: seq 0, ack 0, no options,
// one window and TTL for the process.
func nmap202Stealth(flags uint8) stealth {
	return stealth{flags: flags, window: 2048, ttl: constTTL(52), ports: shuffled25, silent: irixOpen}
}

// modernStealth is today's nmap: one random seq (ack for -sA), window
// 1024, a TTL per packet.
func modernStealth(flags uint8) stealth {
	s := stealth{flags: flags, seq: 2916398846, window: 1024, ttl: randomTTL, ports: shuffled25, silent: irixOpen}
	if flags&wire.FlagACK != 0 {
		s.seq, s.ack, s.silent = 0, 3334019929, nil
	}
	return s
}

func (s stealth) packets() []pkt {
	var out []pkt
	for i, port := range s.ports {
		at := t0.Add(time.Duration(i) * 100 * time.Microsecond)
		t := wire.TCPSegment{SPort: 33901, DPort: port, Seq: s.seq, Ack: s.ack, Flags: s.flags, Window: s.window}
		out = append(out, pkt{at, wiretest.TCP(wire.IPHeader{ID: uint16(7000 + i), TTL: s.ttl(i), Src: scannerAddr, Dst: targetAddr}, t)})
		if slices.Contains(s.silent, port) {
			continue
		}
		rst := wiretest.Answer(t, wire.FlagRST)
		if t.Flags&wire.FlagACK == 0 { // RFC 793: RST/ACK, but a bare RST to an ACK
			rst.Flags |= wire.FlagACK
		}
		out = append(out, pkt{at.Add(30 * time.Microsecond), ipTCP(targetAddr, scannerAddr, 255, rst)})
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
		probe := wiretest.UDP(wire.IPHeader{ID: uint16(900 + i), TTL: u.ttl(i), Src: scannerAddr, Dst: targetAddr}, u.sport, port, u.payload(port))
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
		seq := hostnum*5<<8 | hostnum*5>>8
		echo := wiretest.ICMP(wire.IPHeader{ID: seq, TTL: 62, Src: scannerAddr, Dst: sweepHost(h)}, 8, 0, 65036, seq, nil)
		ack := wire.TCPSegment{SPort: 55020, DPort: 80, Flags: wire.FlagACK, Window: 3072, Seq: 0x2a280000 + uint32(hostnum)*5<<3 + 3}
		out = append(out, pkt{at, echo}, pkt{at.Add(30 * time.Microsecond), ipTCP(scannerAddr, sweepHost(h), 62, ack)})
		if slices.Contains(up, h) {
			reply := wiretest.ICMP(wire.IPHeader{ID: seq, TTL: 64, Src: sweepHost(h), Dst: scannerAddr}, 0, 0, 65036, seq, nil)
			rst := wire.TCPSegment{SPort: 80, DPort: 55020, Flags: wire.FlagRST, Seq: 0}
			out = append(out, pkt{at.Add(60 * time.Microsecond), reply}, pkt{at.Add(90 * time.Microsecond), ipTCP(sweepHost(h), scannerAddr, 64, rst)})
		}
	}
	return out
}

// Option lists of the two generations of nmap OS detection.
var (
	os1Options = wiretest.Options(wiretest.WScale(10), wiretest.NOP, wiretest.MSS(265), wiretest.Timestamp(0x3f3f3f3f, 0), wiretest.EOL, wiretest.EOL)
	os2Options = wiretest.Options(wiretest.WScale(10), wiretest.NOP, wiretest.MSS(265), wiretest.Timestamp(0xffffffff, 0), wiretest.SACKPermitted)
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
	tp := func(sport, dport uint16, flags uint8) {
		send(ipTCP(scannerAddr, targetAddr, 62, wire.TCPSegment{SPort: sport, DPort: dport, Seq: base, Flags: flags, Window: 3072, Options: os1Options}))
	}
	if open != 0 {
		tp(m+7, open, wire.FlagSYN|wire.FlagECE)
		tp(m+8, open, nullFlags)
		tp(m+9, open, wire.FlagSYN|wire.FlagFIN|wire.FlagURG|wire.FlagPSH)
		tp(m+10, open, ackFlags)
	}
	tp(m+11, closed, wire.FlagSYN)
	tp(m+12, closed, ackFlags)
	tp(m+13, closed, xmasFlags)
	send(wiretest.UDP(wire.IPHeader{ID: 41651, TTL: 62, Src: scannerAddr, Dst: targetAddr}, m, closed, slices.Repeat([]byte{'K'}, 300)))
	if open != 0 {
		for i := uint32(1); i <= 6; i++ {
			at = at.Add(5 * time.Millisecond)
			t := wire.TCPSegment{SPort: m + uint16(i), DPort: open, Seq: base + i, Flags: wire.FlagSYN, Window: 3072}
			send(ipTCP(scannerAddr, targetAddr, 62, t))
		}
	}
	return out
}

// osAttempt2 is one attempt of today's battery: six SEQ SYNs (seq
// base..base+5, 100 ms apart), ECN, T2-T7, two IE echoes and U1.
func osAttempt2(at time.Time, m uint16, base uint32, open, closed uint16) []pkt {
	var out []pkt
	tp := func(d time.Duration, sport, dport uint16, seq uint32, win uint16, opts []byte, flags uint8) {
		t := wire.TCPSegment{SPort: sport, DPort: dport, Seq: seq, Flags: flags, Window: win, Options: opts}
		out = append(out, pkt{at.Add(d), ipTCP(scannerAddr, targetAddr, randomTTL(int(sport)), t)})
	}
	const syn = wire.FlagSYN
	for i := range 6 {
		tp(time.Duration(i)*100*time.Millisecond, m+uint16(i), open, base+uint32(i), []uint16{1, 63, 4, 4, 16, 512}[i], os2Options, syn)
	}
	ecn := wiretest.Options(wiretest.WScale(10), wiretest.NOP, wiretest.MSS(1460), wiretest.SACKPermitted, wiretest.NOP, wiretest.NOP)
	d := 600 * time.Millisecond
	out = append(out,
		pkt{at.Add(d), wiretest.ICMP(wire.IPHeader{ID: 295, TTL: 57, Src: scannerAddr, Dst: targetAddr}, 8, 9, 9757, 295, make([]byte, 120))},
		pkt{at.Add(d + time.Millisecond), wiretest.ICMP(wire.IPHeader{TOS: 4, ID: 296, TTL: 53, Src: scannerAddr, Dst: targetAddr}, 8, 0, 9758, 296, make([]byte, 150))},
		pkt{at.Add(d + 2*time.Millisecond), wiretest.UDP(wire.IPHeader{ID: 4162, TTL: 56, Src: scannerAddr, Dst: targetAddr}, m-58, closed, slices.Repeat([]byte{'C'}, 300))},
	)
	tp(d+3*time.Millisecond, m+12, open, base, 3, ecn, wire.FlagSYN|wire.FlagECE|wire.FlagCWR)
	tp(d+4*time.Millisecond, m+14, open, base, 128, os2Options, nullFlags)
	tp(d+5*time.Millisecond, m+15, open, base, 256, os2Options, wire.FlagSYN|wire.FlagFIN|wire.FlagURG|wire.FlagPSH)
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
	c := func(flags uint8, opts []byte, payload string) {
		t := wire.TCPSegment{SPort: 4103, DPort: 21, Seq: cseq, Ack: sseq, Flags: flags, Window: 32120, Options: opts, Payload: []byte(payload)}
		out = append(out, pkt{at(), ipTCP(scannerAddr, ftpAddr, 64, t)})
		cseq += uint32(len(payload))
	}
	s := func(payload string) {
		t := wire.TCPSegment{SPort: 21, DPort: 4103, Seq: sseq, Ack: cseq, Flags: wire.FlagACK | wire.FlagPSH, Window: 64240, Payload: []byte(payload)}
		out = append(out, pkt{at(), ipTCP(ftpAddr, scannerAddr, 64, t)})
		sseq += uint32(len(payload))
	}
	c(wire.FlagSYN, mss1460, "")
	out = append(out, pkt{at(), ipTCP(ftpAddr, scannerAddr, 64, wire.TCPSegment{SPort: 21, DPort: 4103, Seq: sseq, Ack: cseq + 1, Flags: wire.FlagSYN | wire.FlagACK, Window: 64240})})
	cseq++
	sseq++
	const data = wire.FlagACK | wire.FlagPSH
	c(ackFlags, nil, "")
	s("220 ready\r\n")
	c(data, nil, "USER anonymous\r\n")
	s("331 send password\r\n")
	c(data, nil, "PASS -wwwuser@\r\n")
	s("230 ok\r\n")
	for _, p := range ports {
		c(data, nil, "PORT 198,18,1,3,"+itoa(int(p>>8))+","+itoa(int(p&0xff))+"\r\n")
		s("200 PORT command successful.\r\n")
		c(data, nil, "LIST\r\n")
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
