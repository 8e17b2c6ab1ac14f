package engine

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/wire"
)

// Actor is one program on the scanner host: an nmap process or an
// ordinary TCP session. The engine calls an actor from one goroutine only.
type Actor interface {
	// Wake runs the actor's due work. It returns when the actor next wants
	// to run (the zero time: only when a packet comes) and whether it has
	// finished.
	Wake(now time.Time) (next time.Time, done bool)
	// Receive shows the actor a packet that reached the scanner host, as a
	// pcap listener would: every actor sees every packet. It returns the
	// actor's next wake time (the zero time leaves it unchanged).
	Receive(now time.Time, p wire.Packet) (next time.Time)
}

// Host is what an actor may use of the scanner host.
type Host interface {
	// Send emits one IPv4 packet through the link, after the containment
	// guard has approved its destination.
	Send(p []byte) error
	// SendAs is Send with a label naming the packet (e.g. "T3"), kept as
	// the run's ground truth when the engine records it.
	SendAs(p []byte, label string) error
	// Now is the link's clock.
	Now() time.Time
	// Addr is the scanner's address.
	Addr() netip.Addr
	// BindTCP tells the host's kernel that an actor owns local TCP port p,
	// so the kernel does not answer its segments with RST.
	BindTCP(p uint16)
	// ConnectTCP makes the host's kernel connect() to dst:dport, as a
	// non-blocking socket would, and returns the socket's local port. The
	// kernel completes the handshake itself; watch the socket's packets.
	ConnectTCP(dst netip.Addr, dport uint16) (uint16, error)
	// CloseTCP closes a connect() socket with SO_LINGER {1, 0}: an
	// established connection is reset.
	CloseTCP(sport uint16) error
	// WriteTCP sends data on an established connect() socket.
	WriteTCP(sport uint16, data []byte) error
	// ReadTCP returns what the socket received since the last read, and
	// whether it is still connected.
	ReadTCP(sport uint16) ([]byte, bool)
	// ShutdownTCP closes a connect() socket in order (FIN).
	ShutdownTCP(sport uint16) error
}

// maxWait caps one wait for packets so a live run notices cancellation.
const maxWait = 100 * time.Millisecond

type slot struct {
	a     Actor
	start time.Duration
	next  time.Time
	live  bool // started and not finished
	done  bool
}

// Engine runs actors on the scanner host against a Link. It owns the
// scanner's kernel emulation: the RST a real kernel sends when a SYN/ACK
// reaches a port no socket holds (nmap relied on it; the scanner address
// lives behind the TUN, so siglab must send it).
type Engine struct {
	link   link.Link
	guard  *Guard
	kernel *kernel
	slots  []*slot
	buf    []byte
	start  time.Time
	err    error
	// kernelNext is when the kernel's next SYN retransmission is due.
	kernelNext time.Time
	truth      *Truth
}

// NewEngine returns an engine for the scanner address addr that may send
// only to destinations guard allows.
func NewEngine(l link.Link, addr netip.Addr, guard *Guard, ipidSeed uint16) *Engine {
	return &Engine{
		link:   l,
		guard:  guard,
		kernel: newKernel(addr, ipidSeed),
		buf:    make([]byte, 65536),
	}
}

// Add schedules actor a to start at offset at from the run's start.
func (e *Engine) Add(at time.Duration, a Actor) {
	e.slots = append(e.slots, &slot{a: a, start: at})
}

// Send implements Host.
func (e *Engine) Send(p []byte) error { return e.SendAs(p, "") }

// SendAs implements Host.
func (e *Engine) SendAs(p []byte, label string) error {
	if e.err != nil {
		return e.err
	}
	if e.guard == nil {
		e.err = fmt.Errorf("%w: no containment guard set", labnet.ErrOutsideLab)
		return e.err
	}
	if err := e.guard.CheckPacket(p); err != nil {
		e.err = err
		return err
	}
	if err := e.link.WritePacket(p); err != nil {
		e.err = err
		return err
	}
	if e.truth != nil && label != "" {
		if key, ok := PacketKey(p); ok {
			e.truth.add(key, label)
		}
	}
	return nil
}

// RecordTruth makes the engine keep the label of every labelled packet it
// sends, for Truth.
func (e *Engine) RecordTruth() { e.truth = newTruth() }

// Truth returns the labels recorded since RecordTruth (nil without it).
func (e *Engine) Truth() *Truth { return e.truth }

// Now implements Host.
func (e *Engine) Now() time.Time { return e.link.Now() }

// Addr implements Host.
func (e *Engine) Addr() netip.Addr { return e.kernel.addr }

// BindTCP implements Host.
func (e *Engine) BindTCP(p uint16) { e.kernel.bound[p] = true }

// ConnectTCP implements Host.
func (e *Engine) ConnectTCP(dst netip.Addr, dport uint16) (uint16, error) {
	if err := e.guard.Check(dst); err != nil {
		e.err = err
		return 0, err
	}
	now := e.link.Now()
	sport, syn := e.kernel.connect(now, dst, dport)
	if next := now.Add(kernelRTO); e.kernelNext.IsZero() || next.Before(e.kernelNext) {
		e.kernelNext = next
	}
	return sport, e.SendAs(syn, "scanner kernel connect() SYN")
}

// CloseTCP implements Host.
func (e *Engine) CloseTCP(sport uint16) error {
	if rst := e.kernel.close(sport); rst != nil {
		return e.SendAs(rst, "scanner RST (close, linger 0)")
	}
	return nil
}

// WriteTCP implements Host.
func (e *Engine) WriteTCP(sport uint16, data []byte) error {
	if p := e.kernel.write(sport, data); p != nil {
		return e.SendAs(p, "scanner kernel data")
	}
	return nil
}

// ReadTCP implements Host.
func (e *Engine) ReadTCP(sport uint16) ([]byte, bool) { return e.kernel.read(sport) }

// ShutdownTCP implements Host.
func (e *Engine) ShutdownTCP(sport uint16) error {
	if p := e.kernel.shutdown(sport); p != nil {
		return e.SendAs(p, "scanner kernel FIN")
	}
	return nil
}

// Start is the time the run began (set by Run).
func (e *Engine) Start() time.Time { return e.start }

// Run drives every actor until all have finished, ctx is done or a send
// fails. Packets arriving for the scanner go first to the kernel
// emulation, then to every running actor.
func (e *Engine) Run(ctx context.Context) error {
	e.start = e.link.Now()
	for i := range e.slots {
		e.slots[i].next = e.start.Add(e.slots[i].start)
	}
	for e.err == nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		next, ok := e.nextWake()
		if !ok {
			return nil
		}
		now := e.link.Now()
		deadline := next
		if deadline.Sub(now) > maxWait {
			deadline = now.Add(maxWait)
		}
		if !deadline.After(now) {
			e.wakeDue(now)
			continue
		}
		n, at, err := e.link.ReadPacket(e.buf, deadline)
		switch {
		case err == nil:
			e.deliver(at, e.buf[:n])
		case errors.Is(err, link.ErrTimeout):
			e.wakeDue(e.link.Now())
		default:
			return fmt.Errorf("engine: %w", err)
		}
	}
	return e.err
}

// nextWake is the earliest time any unfinished actor wants to run.
func (e *Engine) nextWake() (time.Time, bool) {
	var best time.Time
	found := false
	for _, s := range e.slots {
		if s.done {
			continue
		}
		found = true
		if !s.next.IsZero() && (best.IsZero() || s.next.Before(best)) {
			best = s.next
		}
	}
	if found && best.IsZero() {
		best = e.link.Now().Add(maxWait) // everyone waits for packets
	}
	if k := e.kernelNext; found && !k.IsZero() && k.Before(best) {
		best = k
	}
	return best, found
}

func (e *Engine) wakeDue(now time.Time) {
	if !e.kernelNext.IsZero() && !now.Before(e.kernelNext) {
		e.kernelNext = e.kernel.timers(now, func(p []byte) { _ = e.SendAs(p, "scanner kernel SYN retransmission") })
	}
	for _, s := range e.slots {
		if s.done || s.next.IsZero() || s.next.After(now) {
			continue
		}
		s.live = true
		s.next, s.done = s.a.Wake(now)
		if e.err != nil {
			return
		}
	}
}

func (e *Engine) deliver(at time.Time, b []byte) {
	p, ok := wire.ParsePacket(b)
	if !ok || p.Dst() != e.kernel.addr {
		return
	}
	if rst := e.kernel.answer(p); rst != nil {
		_ = e.SendAs(rst, e.kernel.label(rst))
	}
	for _, s := range e.slots {
		if !s.live || s.done {
			continue
		}
		if next := s.a.Receive(at, p); !next.IsZero() {
			s.next = next
		}
	}
}
