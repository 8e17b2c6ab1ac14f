package netns

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/songgao/water"

	"github.com/siglab/siglab/personality"
	"github.com/siglab/siglab/wire"
)

// A persona is a host with an emulated 1990s stack: a TUN device in the
// sensor namespace, the host's address routed into it, and a goroutine
// that answers every packet as the personality's fingerprint record says.
// Its replies leave the TUN into the sensor, which forwards them like any
// host's, so the sensor sees them as it sees a kernel host's. It holds no
// namespace of its own: there is nothing to log in to.
type persona struct {
	tun   *water.Interface
	stack personality.Stack
	// stack6 is the stack again when it speaks IPv6 too
	// (personality.Stack6): then the sensor routes the host's IPv6
	// address into the TUN as well, and IPv6 is on for that TUN alone.
	stack6 personality.Stack6
	frags  wire.Reassembler // IPv4 datagrams in pieces; serve's alone
	done   chan struct{}
}

// personaLink is the sensor's TUN for host i.
func personaLink(i int) string { return Prefix + "p" + strconv.Itoa(i) }

// buildPersona makes host i the emulated stack its Stack names.
func (l *Lab) buildPersona(sn *nl, i int, h hostPlan) error {
	stack, err := personality.New(h.Host, h.seed)
	if err != nil {
		return fmt.Errorf("host %q: %w: %w", h.Name, ErrBadSpec, err)
	}
	link := personaLink(i)
	tun, err := newTUN(l.sens, link)
	if err != nil {
		return fmt.Errorf("%s: %w", l.nsName("sens"), err)
	}
	p := &persona{tun: tun, stack: stack, done: make(chan struct{})}
	l.personas = append(l.personas, p)
	s6, v6 := stack.(personality.Stack6)
	v6 = v6 && l.v6
	if v6 {
		if err := l.enable6(l.sens, "sens", link); err != nil {
			return err
		}
	}
	if err := sn.up(link); err != nil {
		return err
	}
	if err := sn.route(netip.PrefixFrom(h.Addr, 32), netip.Addr{}, link); err != nil {
		return err
	}
	if v6 {
		if err := sn.route(netip.PrefixFrom(mustIPv6(h.Addr), 128), netip.Addr{}, link); err != nil {
			return err
		}
		p.stack6 = s6
	}
	go p.serve()
	return nil
}

// serve answers until the TUN is closed. The lab loses nothing, so a
// failed write is only dropped, as a wire would drop it.
func (p *persona) serve() {
	defer close(p.done)
	buf := make([]byte, 65536)
	for {
		n, err := p.tun.Read(buf)
		if err != nil {
			return // closed by the lab
		}
		var out [][]byte
		if n > 0 && buf[0]>>4 == 6 {
			if p.stack6 == nil {
				continue
			}
			out = p.stack6.Answer6(time.Now(), buf[:n])
		} else if pk, ok := p.whole(buf[:n]); ok {
			out = p.stack.Answer(time.Now(), pk)
		}
		for _, r := range out {
			_, _ = p.tun.Write(r)
		}
	}
}

// whole returns an IPv4 packet as the emulated stack should see it: a
// fragment is held until its datagram is whole (the TUN hands over the
// pieces as nmap's -f sent them, and every 1990s stack answered the
// reassembled datagram, as simnet's hosts do offline).
func (p *persona) whole(b []byte) (wire.Packet, bool) {
	if !wire.IsFragment(b) {
		return wire.ParsePacket(b)
	}
	if !wire.WellFormedIPv4(b) {
		return nil, false
	}
	d := p.frags.Add(time.Now(), b)
	if d == nil {
		return nil, false
	}
	return wire.ParsePacket(d)
}

// close stops the persona and waits for its goroutine.
func (p *persona) close() error {
	leaveToNamespace(p.tun.ReadWriteCloser)
	err := p.tun.Close()
	<-p.done
	if errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}
