package generator

import (
	"fmt"
	"math/bits"
	"net/netip"
	"time"

	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/wire"
)

// process is the state one nmap 2.02 process keeps for its whole life and
// shares between its scan engines: the libc random stream, the base source
// port M (o.magic_port), and the lazily fixed TTL of each raw-send helper.
type process struct {
	host  engine.Host
	rnd   *LibcRand
	magic uint16
	// Each raw-send helper keeps its own static TTL, fixed at its first
	// packet (0 until then): send_tcp_raw, send_udp_raw, send_ip_raw,
	// send_small_fragz and send_closedudp_probe.
	tcpTTL, udpTTL, ipTTL, fragTTL, closedUDPTTL uint8
	// send_closedudp_probe's other statics, drawn on its first call and
	// kept for the process's life: the PU payload byte (0 until drawn)
	// and the non-zero IP ID every PU probe carries.
	puPattern uint8
	puID      uint16
	buf       []byte
	// sources are the addresses every raw probe leaves from, in order:
	// the decoys of -D with the real address among them, or just the real
	// address. Each copy gets a fresh IP ID; sport and seq are shared.
	sources []netip.Addr
	// self is the address nmap takes for its own: the scanner's, or -S's.
	self netip.Addr
	// fragment is -f: scan probes go out as two tiny IP fragments.
	fragment bool
	// idealTimers: sleeps end exactly when asked, not on the kernel's
	// 10 ms ticks (Options.IdealTimers).
	idealTimers bool
	// identScan is -I: the connect scan asks identd about open ports.
	identScan bool
	// tag names the probe the next sends carry (ground truth for the
	// capture's comments): "SYN", "T3", "TSeq 4/6"... Set it with as().
	tag string
}

// as sets the tag of the packets sent next and returns p.
func (p *process) as(tag string) *process {
	p.tag = tag
	return p
}

// send hands one packet from src to the host, labelled with the tag and,
// with decoys, which copy it is.
func (p *process) send(src netip.Addr, pkt []byte) error {
	label := p.tag
	if n := len(p.sources); n > 1 {
		for i, s := range p.sources {
			if s == src {
				kind := "decoy"
				if s == p.self {
					kind = "real"
				}
				label = fmt.Sprintf("%s, %s %d of %d", p.tag, kind, i+1, n)
				break
			}
		}
	}
	return p.host.SendAs(pkt, label)
}

// ttl returns a helper's static TTL, fixing it on first use.
func (p *process) ttl(helper *uint8) uint8 {
	if *helper == 0 {
		*helper = ttlFor(p.host.Now())
	}
	return *helper
}

// newProcess starts a process: srand(seed), then options_init() draws M =
// 33000 + rand()%31000 as the process's first rand() call.
func newProcess(h engine.Host, seed uint32, sourcePort int) *process {
	p := &process{host: h, rnd: NewLibcRand(seed), buf: make([]byte, 0, 1600), sources: []netip.Addr{h.Addr()}, self: h.Addr()}
	p.magic = uint16(33000 + p.rnd.Rand()%31000)
	if sourcePort >= 0 {
		p.magic = uint16(sourcePort) // -g N sets M = N
	}
	return p
}

// spoof is -S: every raw probe (ping, scan, OS detection) leaves from
// src instead of the scanner's address; connect() is the kernel's and
// keeps the real one.
func (p *process) spoof(src netip.Addr) {
	p.self, p.sources = src, []netip.Addr{src}
}

// setDecoys places the real address among the decoys: where "ME" stands,
// or else at rand() % len(decoys), drawn right after M as 2.0x's main()
// does, which is never the last slot.
func (p *process) setDecoys(decoys []netip.Addr, me int) {
	if len(decoys) == 0 {
		return
	}
	if me < 0 {
		me = int(p.rnd.Rand() % uint32(len(decoys)))
	}
	p.sources = append(append(append([]netip.Addr{}, decoys[:me]...), p.sources[0]), decoys[me:]...)
}

// ttlFor is 2.01's per-helper TTL: (time(NULL) % 14) + 51, fixed at the
// helper's first packet (nmap-2.0x-internals.md §1.2).
func ttlFor(now time.Time) uint8 { return uint8(now.Unix()%14 + 51) }

// windowFor is send_tcp_raw's window, tied to the TTL: 1024*((TTL%4)+1).
func windowFor(ttl uint8) uint16 { return 1024 * (uint16(ttl%4) + 1) }

// ipID is one rand() draw stored in host byte order without htons: on
// the little-endian senders of 1998 its bytes appear swapped on the wire.
func (p *process) ipID() uint16 { return bits.ReverseBytes16(uint16(p.rnd.Rand())) }

// isn is rand()+rand(), the sum of two 31-bit draws (so ISNs cluster
// around 2^31: a statistical tell).
func (p *process) isn() uint32 { return p.rnd.Rand() + p.rnd.Rand() }

// sendTCPRaw is nmap 2.01's send_tcp_raw(): IPv4 with TOS 0, no DF, a
// random ID and the helper's static TTL; TCP with the caller's seq, ack 0,
// the TTL-derived window and the given options.
func (p *process) sendTCPRaw(dst netip.Addr, sport, dport uint16, seq uint32, flags uint8, opts []byte) error {
	ttl := p.ttl(&p.tcpTTL)
	t := wire.TCPSegment{SPort: sport, DPort: dport, Seq: seq, Flags: flags, Window: windowFor(ttl), Options: opts}
	for _, src := range p.sources {
		h := wire.IPHeader{ID: p.ipID(), TTL: ttl, Src: src, Dst: dst}
		p.buf = wire.AppendTCP(p.buf[:0], &h, &t)
		if err := p.send(src, p.buf); err != nil {
			return err
		}
	}
	return nil
}

// sendUDPRaw is send_udp_raw(): IPv4 as send_tcp_raw builds it (its own
// static TTL), UDP with a correct checksum.
func (p *process) sendUDPRaw(dst netip.Addr, sport, dport uint16, payload []byte) error {
	ttl := p.ttl(&p.udpTTL)
	for _, src := range p.sources {
		h := wire.IPHeader{ID: p.ipID(), TTL: ttl, Src: src, Dst: dst}
		p.buf = wire.AppendUDP(p.buf[:0], &h, sport, dport, payload)
		if err := p.send(src, p.buf); err != nil {
			return err
		}
	}
	return nil
}

// sendEcho is the ICMP echo nmap's ping sends through send_ip_raw(): 8
// bytes, no payload (IP total 28), its own static TTL and a random ID.
// id and seq are given as they appear on the wire.
func (p *process) sendEcho(dst netip.Addr, id, seq uint16) error {
	ttl := p.ttl(&p.ipTTL)
	body := [4]byte{byte(id >> 8), byte(id), byte(seq >> 8), byte(seq)}
	for _, src := range p.sources {
		h := wire.IPHeader{ID: p.ipID(), TTL: ttl, Src: src, Dst: dst}
		p.buf = wire.AppendICMP(p.buf[:0], &h, 8, 0, body[:])
		if err := p.send(src, p.buf); err != nil {
			return err
		}
	}
	return nil
}

// shortfry is nmap's port shuffle: for each i, swap with rand()%n. It is
// not a Fisher-Yates shuffle, and its bias is part of the signature.
func (p *process) shortfry(ports []uint16) {
	n := uint32(len(ports))
	for i := range ports {
		j := p.rnd.Rand() % n
		ports[i], ports[j] = ports[j], ports[i]
	}
}
