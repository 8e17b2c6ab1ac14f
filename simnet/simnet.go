package simnet

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/personality"
	"github.com/siglab/siglab/wire"
)

// Epoch is the default start of virtual time: the minute of the FAQ's
// figure 2 lab run, on the day nmap 2.02's release was announced.
var Epoch = time.Date(1998, 12, 22, 1, 41, 25, 180240000, time.UTC)

// Config sets up a Network.
type Config struct {
	// Start is where virtual time begins (default Epoch).
	Start time.Time
	// Seed fixes the hosts' random draws (their ISNs, IP IDs).
	Seed uint64
	// RTT is the round trip between the scanner and every host
	// (default 300µs, a switched LAN).
	RTT time.Duration
	// SendCost is the virtual time one write takes (default 31µs, the
	// spacing of back-to-back SYNs in the FAQ's figure 2).
	SendCost time.Duration
	// Tap, if set, sees every packet on the wire with its time: a send
	// as it is written, an answer when the scanner reads it (which can be
	// after later sends). pkt is valid only during the call.
	Tap func(t time.Time, pkt []byte)
	// InOrder makes Tap see the packets in wire order instead: by time,
	// equal times in the order above, exactly what a stable sort of the
	// taps by time gives. Each packet is held (copied) until nothing
	// earlier can follow; Flush hands over the rest when the run is over.
	// A sensor can then write a capture as it goes, holding and sorting
	// nothing.
	InOrder bool
}

// ErrDuplicateHost: two hosts share an address.
var ErrDuplicateHost = errors.New("simnet: duplicate host address")

// Network is a simulated network of emulated hosts.
type Network struct {
	cfg    Config
	now    time.Time
	nowKey int64 // now as a key (see key)
	hosts  map[netip.Addr]personality.Stack
	queue  events
	seq    uint64
	frags  wire.Reassembler
	order  *wireOrder // with InOrder
	pool   bufPool    // buffers of queued answers (and InOrder's held sends)
}

// New returns a network holding hosts. It panics where Build returns an
// error (an unknown stack, an address outside the lab, a duplicate), for
// callers whose hosts are fixed in code.
func New(cfg Config, hosts ...labnet.Host) *Network {
	n, err := Build(cfg, hosts...)
	if err != nil {
		panic(err)
	}
	return n
}

// Build returns a network holding hosts, each answering as its Stack
// (labnet.Stack.Emulation) with the seed labnet.HostSeed gives it, as
// the live lab seeds its emulated hosts.
func Build(cfg Config, hosts ...labnet.Host) (*Network, error) {
	if cfg.Start.IsZero() {
		cfg.Start = Epoch
	}
	if cfg.RTT == 0 {
		cfg.RTT = 300 * time.Microsecond
	}
	if cfg.SendCost == 0 {
		cfg.SendCost = 31 * time.Microsecond
	}
	n := &Network{cfg: cfg, now: cfg.Start, hosts: map[netip.Addr]personality.Stack{}}
	if cfg.InOrder && cfg.Tap != nil {
		n.order = &wireOrder{tap: cfg.Tap, pool: &n.pool}
	}
	for i, h := range hosts {
		if _, dup := n.hosts[h.Addr]; dup {
			return nil, fmt.Errorf("%w: %v", ErrDuplicateHost, h.Addr)
		}
		st, err := personality.New(h, labnet.HostSeed(cfg.Seed, i))
		if err != nil {
			return nil, fmt.Errorf("simnet: host %v: %w", h.Addr, err)
		}
		n.hosts[h.Addr] = st
	}
	return n, nil
}

// WritePacket takes a packet from the scanner at the current virtual time,
// which then advances by SendCost; the addressed host sees it half an RTT
// later and its answer is queued to arrive one RTT after the send. An IP
// fragment crosses the wire as it is; the host answers the datagram once
// its last piece is in, as a real IP layer would.
func (n *Network) WritePacket(p []byte) error {
	frag := wire.IsFragment(p)
	pk, ok := wire.ParsePacket(p)
	if frag {
		ok = wire.WellFormedIPv4(p)
	}
	if !ok {
		return fmt.Errorf("simnet: malformed packet (%d bytes)", len(p))
	}
	at, key := n.now, n.nowKey
	n.now, n.nowKey = n.now.Add(n.cfg.SendCost), key+int64(n.cfg.SendCost)
	switch {
	case n.order != nil:
		n.order.holdSend(at, key, p)
	case n.cfg.Tap != nil:
		n.cfg.Tap(at, p)
	}
	n.answer(at, key, pk, p, frag)
	n.release()
	return nil
}

// answer queues the addressed host's replies to a packet sent at (at,
// key).
func (n *Network) answer(at time.Time, key int64, pk wire.Packet, p []byte, frag bool) {
	if frag {
		whole := n.frags.Add(at, p)
		var ok bool
		if pk, ok = wire.ParsePacket(whole); !ok {
			return // incomplete, or reassembled into something no host could parse
		}
	}
	h := n.hosts[pk.Dst()]
	if h == nil {
		return // nobody there: silence, like an unanswered ARP
	}
	arrive, arriveKey := at.Add(n.cfg.RTT), key+int64(n.cfg.RTT)
	for _, r := range h.Answer(at.Add(n.cfg.RTT/2), pk) {
		n.seq++ // a reply lives only until the host's next Answer: copy it
		n.queue.push(event{at: arrive, key: arriveKey, seq: n.seq, pkt: n.pool.copyOf(r)})
	}
}

// ReadPacket returns the next queued answer if it arrives by deadline,
// moving the clock to its arrival; otherwise it moves the clock to the
// deadline and returns link.ErrTimeout.
func (n *Network) ReadPacket(buf []byte, deadline time.Time) (int, time.Time, error) {
	if next := n.queue.first(); next == nil || next.at.After(deadline) {
		if deadline.After(n.now) {
			n.now, n.nowKey = deadline, n.key(deadline)
		}
		return 0, time.Time{}, link.ErrTimeout
	}
	ev := n.queue.pop()
	if ev.key > n.nowKey {
		n.now, n.nowKey = ev.at, ev.key
	}
	c := copy(buf, ev.pkt)
	switch {
	case n.order != nil:
		n.order.holdAnswer(ev.at, ev.key, ev.pkt) // the pool gets it back once tapped
	case n.cfg.Tap != nil:
		n.cfg.Tap(ev.at, ev.pkt)
		n.pool.put(ev.pkt)
	default:
		n.pool.put(ev.pkt)
	}
	n.release()
	return c, ev.at, nil
}

// Now is the virtual clock.
func (n *Network) Now() time.Time { return n.now }

// Flush hands the tap every packet InOrder still holds; call it when the
// run is over. Without InOrder there is nothing to flush.
func (n *Network) Flush() {
	if n.order != nil {
		n.order.flush()
	}
}

// Close flushes (see Flush); a Network holds no system resources.
func (n *Network) Close() error {
	n.Flush()
	return nil
}

// release hands InOrder's tap what can no longer be overtaken: every
// later send is at the clock or after, every answer still queued at the
// queue's head or after, and every answer queued later one RTT after a
// later send.
func (n *Network) release() {
	if n.order == nil {
		return
	}
	horizon := n.nowKey + min(int64(n.cfg.RTT), 0)
	if next := n.queue.first(); next != nil {
		horizon = min(horizon, next.key)
	}
	n.order.release(horizon)
}

// key is t as nanoseconds since the start: virtual times never precede
// it, and integers order faster than time.Times.
func (n *Network) key(t time.Time) int64 { return int64(t.Sub(n.cfg.Start)) }
