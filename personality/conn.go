package personality

import (
	"fmt"
	"net/netip"

	"github.com/siglab/siglab/wire"
)

// connKey names a connection from the stack's side.
type connKey struct {
	src          netip.Addr
	sport, dport uint16
}

// conn is the server side of one connection, kept by value so that
// tracking one costs no allocation: the next sequence number to send and
// the next one expected.
type conn struct {
	snd, rcv uint32
	lastAck  bool // our FIN is out; the peer's ACK of it ends the connection
}

// track remembers a connection the stack answered a SYN for.
func (s *stack) track(pk wire.Packet, snd, rcv uint32) {
	if len(s.conns) < maxConns {
		s.conns[connKey{pk.Src(), pk.SPort(), pk.DPort()}] = conn{snd: snd, rcv: rcv}
	}
}

// segment handles the peer's ACKs, data and FIN on a connection: the
// listener acknowledges data with one line, as the live lab's listeners
// do, and closes when the peer does.
func (s *stack) segment(pk wire.Packet, k connKey, c conn) {
	if c.lastAck {
		delete(s.conns, k) // LAST-ACK: the peer's ACK closes it quietly
		return
	}
	win := s.p.synOpen.window
	data := pk.TCPPayload()
	if len(data) > 0 && pk.Seq() == c.rcv {
		c.rcv += uint32(len(data))
		line := fmt.Appendf(nil, "siglab %d ok\r\n", pk.DPort())
		s.emit(pk, s.p.synOpen.df, c.snd, c.rcv, psh|ack, win, nil, line)
		c.snd += uint32(len(line))
	}
	if pk.TCPFlags()&fin != 0 && pk.Seq()+uint32(len(data)) == c.rcv {
		c.rcv++
		s.emit(pk, s.p.synOpen.df, c.snd, c.rcv, fin|ack, win, nil, nil)
		c.snd++
		c.lastAck = true
	}
	s.conns[k] = c
}
