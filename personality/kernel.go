package personality

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/wire"
)

// The "kernel" personality answers as today's Linux kernel target does in
// the live lab: SYN/ACK with MSS 1460 and window 64240 from open ports,
// RST/ACK from closed ones, silence from filtered ones, ICMP 3/13 from
// prohibited ones, and a short reply line from the listener once a
// connection carries data. It moved here from simnet, where it was the
// only target, with two changes that make it answer as the live kernel
// does (the catalogue's offline runs of tech-fin, tech-null, tech-xmas and
// tech-ping-icmp failed without them; both checked against this
// machine's kernel in a live lab): a listening socket drops a segment
// with none of SYN, ACK and RST (FIN, Xmas and Null probes) instead of
// resetting it, and ICMP echo requests get echo replies (TOS copied, no
// DF). UDP to a port without a socket gets ICMP port unreachable, as the
// live lab's targets (whose ICMP rate limit siglab lifts) answer it.
func init() { register("kernel", newKernel) }

type kernelHost struct {
	cfg labnet.Host
	// Port bitmaps, as the personalities' stacks keep them: every probe
	// looks up two or three, which in maps hashed the port each time.
	open       *portSet
	filtered   *portSet
	prohibited *portSet
	openUDP    *portSet
	conns      map[kernelConnKey]*kernelConn
	rnd        *rand.Rand
	ipid       uint16
	replies
	// quote is the scratch an ICMP error's body is built in.
	quote []byte
}

// one returns r, built on h.next(), as Answer's single reply.
func (h *kernelHost) one(r []byte) [][]byte {
	h.add(r)
	return h.out
}

type kernelConnKey struct{ sport, dport uint16 }

// kernelConn is the server side of one connection: the next sequence
// number to send and the next one expected.
type kernelConn struct {
	snd, rcv uint32
	lastAck  bool // our FIN is out; the client's ACK of it ends the connection
	finSent  bool // we closed first (identd after its answer); the client's FIN ends it
}

const (
	linuxTTL    = 64
	linuxWindow = 64240
	linuxMSS    = 1460
)

func newKernel(c labnet.Host, seed uint64) Stack {
	h := &kernelHost{cfg: c, open: newPortSet(c.OpenTCP), filtered: newPortSet(c.FilteredTCP), prohibited: newPortSet(c.ProhibitedTCP),
		openUDP: newPortSet(c.OpenUDP), conns: map[kernelConnKey]*kernelConn{}, rnd: rand.New(rand.NewPCG(seed, seedStream))}
	return h
}

func (h *kernelHost) Name() string { return "kernel" }

// Answer returns the host's replies to one packet.
func (h *kernelHost) Answer(_ time.Time, pk wire.Packet) [][]byte {
	h.begin()
	p, ok := accept(pk, h.cfg.Addr)
	if ok && p.Proto() == wire.ProtoICMP && p.ICMPType() == 8 && p.ICMPCode() == 0 {
		return h.one(h.echoReply(p))
	}
	if ok && p.Proto() == wire.ProtoUDP {
		if h.openUDP.has(p.DPort()) {
			return h.dns(p)
		}
		return h.one(h.unreachable(p, 3))
	}
	if !ok || !p.IsTCP() || h.filtered.has(p.DPort()) {
		return nil
	}
	if h.prohibited.has(p.DPort()) {
		return h.one(h.unreachable(p, 13))
	}
	k := kernelConnKey{p.SPort(), p.DPort()}
	c := h.conns[k]
	switch {
	case p.HasFlags(wire.FlagRST):
		delete(h.conns, k)
		return nil
	case p.TCPFlags()&(wire.FlagSYN|wire.FlagACK) == wire.FlagSYN:
		return h.syn(p, k)
	case c == nil && h.open.has(p.DPort()) && !p.HasFlags(wire.FlagACK):
		return nil // tcp_rcv_state_process in LISTEN: neither SYN nor ACK, discard
	case c == nil:
		return h.one(h.reset(p))
	default:
		return h.segment(p, k, c)
	}
}

func (h *kernelHost) syn(p wire.Packet, k kernelConnKey) [][]byte {
	if !h.open.has(p.DPort()) {
		return h.one(h.reset(p))
	}
	c := &kernelConn{snd: h.rnd.Uint32(), rcv: p.Seq() + 1}
	h.conns[k] = c
	opts := []byte{2, 4, linuxMSS >> 8, linuxMSS & 0xff}
	r := h.tcp(p, c.snd, c.rcv, wire.FlagSYN|wire.FlagACK, opts, nil)
	c.snd++
	return h.one(r)
}

// segment handles the client's ACKs, data and FIN on a connection.
func (h *kernelHost) segment(p wire.Packet, k kernelConnKey, c *kernelConn) [][]byte {
	if c.lastAck {
		delete(h.conns, k) // LAST-ACK: the client's ACK closes it quietly
		return nil
	}
	data := p.TCPPayload()
	if c.finSent { // FIN-WAIT, then CLOSING or TIME-WAIT: the client's FIN gets an ACK, the rest is taken quietly
		if p.HasFlags(wire.FlagFIN) && p.Seq()+uint32(len(data)) == c.rcv {
			c.rcv++
			return h.one(h.tcp(p, c.snd, c.rcv, wire.FlagACK, nil, nil))
		}
		return nil
	}
	if len(data) > 0 && p.Seq() == c.rcv && h.cfg.Identd != nil && p.DPort() == labnet.IdentdPort {
		return h.identd(p, c, data)
	}
	if len(data) > 0 && p.Seq() == c.rcv {
		c.rcv += uint32(len(data))
		reply := fmt.Appendf(nil, "siglab %d ok\r\n", p.DPort())
		h.add(h.tcp(p, c.snd, c.rcv, wire.FlagPSH|wire.FlagACK, nil, reply))
		c.snd += uint32(len(reply))
	}
	if p.HasFlags(wire.FlagFIN) && p.Seq()+uint32(len(data)) == c.rcv {
		c.rcv++
		h.add(h.tcp(p, c.snd, c.rcv, wire.FlagFIN|wire.FlagACK, nil, nil))
		c.snd++
		c.lastAck = true
	}
	return h.out
}

// reset is Linux's RST for a segment no socket wants: seq = its ack when
// it carries one, else RST|ACK acknowledging it.
func (h *kernelHost) reset(p wire.Packet) []byte {
	if p.HasFlags(wire.FlagACK) {
		return h.tcp(p, p.Ack(), 0, wire.FlagRST, nil, nil)
	}
	n := uint32(len(p.TCPPayload()))
	if p.HasFlags(wire.FlagSYN) {
		n++
	}
	if p.HasFlags(wire.FlagFIN) {
		n++
	}
	return h.tcp(p, 0, p.Seq()+n, wire.FlagRST|wire.FlagACK, nil, nil)
}

func (h *kernelHost) tcp(to wire.Packet, seq, ack uint32, flags uint8, opts, data []byte) []byte {
	win := uint16(linuxWindow)
	id := uint16(0) // Linux sends ID 0 on DF packets outside a connection
	if flags&wire.FlagRST != 0 {
		win = 0
	} else if flags&wire.FlagSYN == 0 {
		h.ipid++
		id = h.ipid
	}
	ih := wire.IPHeader{ID: id, Frag: wire.FlagDF, TTL: linuxTTL, Src: to.Dst(), Dst: to.Src()}
	t := wire.TCPSegment{SPort: to.DPort(), DPort: to.SPort(), Seq: seq, Ack: ack, Flags: flags, Window: win, Options: opts, Payload: data}
	return wire.AppendTCP(h.next(), &ih, &t)
}

// echoReply is Linux's icmp_echo: the request's identifier, sequence and
// data back, with its TOS, no DF (the ICMP socket does no path MTU
// discovery).
func (h *kernelHost) echoReply(p wire.Packet) []byte {
	h.ipid++
	ih := wire.IPHeader{TOS: p[1], ID: h.ipid, TTL: linuxTTL, Src: p.Dst(), Dst: p.Src()}
	return wire.AppendICMP(h.next(), &ih, 0, 0, p.L4()[4:])
}

// unreachable is Linux's ICMP destination unreachable for p: TOS 0xC0
// (precedence "internetwork control"), no DF, quoting the whole datagram
// (Linux quotes up to 576 bytes in all).
func (h *kernelHost) unreachable(p wire.Packet, code uint8) []byte {
	h.ipid++
	ih := wire.IPHeader{TOS: 0xc0, ID: h.ipid, TTL: linuxTTL, Src: p.Dst(), Dst: p.Src()}
	h.quote = append(append(h.quote[:0], 0, 0, 0, 0), p...)
	return wire.AppendICMP(h.next(), &ih, 3, code, h.quote)
}

// dns answers an A query to an open port 53 as the live lab's DNS
// server does; other datagrams to open ports get nothing.
func (h *kernelHost) dns(p wire.Packet) [][]byte {
	if p.DPort() != 53 {
		return nil
	}
	r, err := wire.DNSAnswer(p.L4()[8:], h.cfg.Addr)
	if err != nil {
		return nil
	}
	h.ipid++
	ih := wire.IPHeader{ID: h.ipid, Frag: wire.FlagDF, TTL: linuxTTL, Src: p.Dst(), Dst: p.Src()}
	return h.one(wire.AppendUDP(h.next(), &ih, 53, p.SPort(), r))
}

// identd answers one RFC 1413 request as the live lab's identd does
// (netns): the answer line in one segment, then the server closes its
// end (FIN) without waiting for another request, as pidentd did. A
// client FIN riding on the request is acknowledged with the answer.
func (h *kernelHost) identd(p wire.Packet, c *kernelConn, data []byte) [][]byte {
	c.rcv += uint32(len(data))
	reply := h.cfg.Identd.Answer(h.cfg.OpenTCP, data)
	h.add(h.tcp(p, c.snd, c.rcv, wire.FlagPSH|wire.FlagACK, nil, reply))
	c.snd += uint32(len(reply))
	if p.HasFlags(wire.FlagFIN) {
		c.rcv++
		h.add(h.tcp(p, c.snd, c.rcv, wire.FlagFIN|wire.FlagACK, nil, nil))
		c.snd++
		c.lastAck = true
		return h.out
	}
	h.add(h.tcp(p, c.snd, c.rcv, wire.FlagFIN|wire.FlagACK, nil, nil))
	c.snd++
	c.finSent = true
	return h.out
}
