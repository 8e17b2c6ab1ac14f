package simnet

import (
	"fmt"
	"math/rand/v2"

	"github.com/siglab/siglab/generator"
)

// A linuxHost answers as today's Linux kernel target does in the live lab
// (the "kernel" stack): SYN/ACK with MSS 1460 and window 64240 from open
// ports, RST/ACK from closed ones, silence from filtered ones, and a short
// reply line from the listener once a connection carries data.
type linuxHost struct {
	cfg        HostConfig
	open       map[uint16]bool
	filtered   map[uint16]bool
	prohibited map[uint16]bool
	conns      map[connKey]*conn
	rnd        *rand.Rand
	ipid       uint16
}

type connKey struct{ sport, dport uint16 }

// conn is the server side of one connection: the next sequence number to
// send and the next one expected.
type conn struct {
	snd, rcv uint32
	lastAck  bool // our FIN is out; the client's ACK of it ends the connection
}

const (
	linuxTTL    = 64
	linuxWindow = 64240
	linuxMSS    = 1460
)

func newLinuxHost(c HostConfig, rnd *rand.Rand) *linuxHost {
	h := &linuxHost{cfg: c, open: map[uint16]bool{}, filtered: map[uint16]bool{}, prohibited: map[uint16]bool{},
		conns: map[connKey]*conn{}, rnd: rnd}
	for _, p := range c.Prohibited {
		h.prohibited[p] = true
	}
	for _, p := range c.Open {
		h.open[p] = true
	}
	for _, p := range c.Filtered {
		h.filtered[p] = true
	}
	return h
}

// answer returns the host's replies to one packet.
func (h *linuxHost) answer(p generator.Packet) [][]byte {
	if !p.IsTCP() || h.filtered[p.DPort()] {
		return nil // UDP and ICMP targets come with later personalities
	}
	if h.prohibited[p.DPort()] {
		return [][]byte{h.unreachable(p, 13)}
	}
	k := connKey{p.SPort(), p.DPort()}
	c := h.conns[k]
	switch {
	case p.HasFlags(generator.FlagRST):
		delete(h.conns, k)
		return nil
	case p.TCPFlags()&(generator.FlagSYN|generator.FlagACK) == generator.FlagSYN:
		return h.syn(p, k)
	case c == nil:
		return [][]byte{h.reset(p)}
	default:
		return h.segment(p, k, c)
	}
}

func (h *linuxHost) syn(p generator.Packet, k connKey) [][]byte {
	if !h.open[p.DPort()] {
		return [][]byte{h.reset(p)}
	}
	c := &conn{snd: h.rnd.Uint32(), rcv: p.Seq() + 1}
	h.conns[k] = c
	opts := []byte{2, 4, linuxMSS >> 8, linuxMSS & 0xff}
	r := h.tcp(p, c.snd, c.rcv, generator.FlagSYN|generator.FlagACK, opts, nil)
	c.snd++
	return [][]byte{r}
}

// segment handles the client's ACKs, data and FIN on a connection.
func (h *linuxHost) segment(p generator.Packet, k connKey, c *conn) [][]byte {
	if c.lastAck {
		delete(h.conns, k) // LAST-ACK: the client's ACK closes it quietly
		return nil
	}
	var out [][]byte
	data := p.TCPPayload()
	if len(data) > 0 && p.Seq() == c.rcv {
		c.rcv += uint32(len(data))
		reply := fmt.Appendf(nil, "siglab %d ok\r\n", p.DPort())
		out = append(out, h.tcp(p, c.snd, c.rcv, generator.FlagPSH|generator.FlagACK, nil, reply))
		c.snd += uint32(len(reply))
	}
	if p.HasFlags(generator.FlagFIN) && p.Seq()+uint32(len(data)) == c.rcv {
		c.rcv++
		out = append(out, h.tcp(p, c.snd, c.rcv, generator.FlagFIN|generator.FlagACK, nil, nil))
		c.snd++
		c.lastAck = true
	}
	return out
}

// reset is Linux's RST for a segment no socket wants: seq = its ack when
// it carries one, else RST|ACK acknowledging it.
func (h *linuxHost) reset(p generator.Packet) []byte {
	if p.HasFlags(generator.FlagACK) {
		return h.tcp(p, p.Ack(), 0, generator.FlagRST, nil, nil)
	}
	n := uint32(len(p.TCPPayload()))
	if p.HasFlags(generator.FlagSYN) {
		n++
	}
	if p.HasFlags(generator.FlagFIN) {
		n++
	}
	return h.tcp(p, 0, p.Seq()+n, generator.FlagRST|generator.FlagACK, nil, nil)
}

func (h *linuxHost) tcp(to generator.Packet, seq, ack uint32, flags uint8, opts, data []byte) []byte {
	win := uint16(linuxWindow)
	id := uint16(0) // Linux sends ID 0 on DF packets outside a connection
	if flags&generator.FlagRST != 0 {
		win = 0
	} else if flags&generator.FlagSYN == 0 {
		h.ipid++
		id = h.ipid
	}
	ih := generator.IPHeader{ID: id, Frag: 0x4000, TTL: linuxTTL, Src: to.Dst(), Dst: to.Src()}
	t := generator.TCPSegment{SPort: to.DPort(), DPort: to.SPort(), Seq: seq, Ack: ack, Flags: flags, Window: win, Options: opts, Payload: data}
	return generator.AppendTCP(nil, &ih, &t)
}

// unreachable is Linux's ICMP destination unreachable for p: TOS 0xC0
// (precedence "internetwork control"), no DF, quoting the whole datagram
// (Linux quotes up to 576 bytes in all).
func (h *linuxHost) unreachable(p generator.Packet, code uint8) []byte {
	h.ipid++
	ih := generator.IPHeader{TOS: 0xc0, ID: h.ipid, TTL: linuxTTL, Src: p.Dst(), Dst: p.Src()}
	body := make([]byte, 4, 4+len(p))
	return generator.AppendICMP(nil, &ih, 3, code, append(body, p...))
}
