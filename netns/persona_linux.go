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
	done  chan struct{}
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
	if err := sn.up(link); err != nil {
		return err
	}
	if err := sn.route(netip.PrefixFrom(h.Addr, 32), netip.Addr{}, link); err != nil {
		return err
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
		pk, ok := wire.ParsePacket(buf[:n])
		if !ok {
			continue
		}
		for _, r := range p.stack.Answer(time.Now(), pk) {
			_, _ = p.tun.Write(r)
		}
	}
}

// close stops the persona and waits for its goroutine.
func (p *persona) close() error {
	err := p.tun.Close()
	<-p.done
	if errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}
