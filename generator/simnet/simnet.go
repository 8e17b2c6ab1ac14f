package simnet

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/netns/personality"
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
	// Tap, if set, sees every packet on the wire with its time.
	Tap func(t time.Time, pkt []byte)
}

// HostConfig describes one simulated target.
type HostConfig struct {
	Addr netip.Addr
	// Stack names the host's personality (netns/personality): "kernel"
	// (the default) is today's Linux, as in the live lab; "irix-6.2",
	// "linux-2.0.35" and the others answer as those 1990s systems did.
	// The scenario files' "personality/" prefix is accepted.
	Stack    string
	Open     []uint16
	Filtered []uint16
	// Prohibited ports answer with ICMP 3/13 (communication
	// administratively prohibited), as an iptables REJECT rule does.
	Prohibited []uint16
	// OpenUDP are the UDP ports with a listener; the others are closed.
	OpenUDP []uint16
}

// ErrDuplicateHost: two hosts share an address.
var ErrDuplicateHost = errors.New("simnet: duplicate host address")

// Network is a simulated network of emulated hosts.
type Network struct {
	cfg   Config
	now   time.Time
	hosts map[netip.Addr]personality.Stack
	queue events
	seq   uint64
	frags reassembler
}

// New returns a network holding hosts. It panics where Build returns an
// error (an unknown stack, an address outside the lab, a duplicate), for
// callers whose hosts are fixed in code.
func New(cfg Config, hosts ...HostConfig) *Network {
	n, err := Build(cfg, hosts...)
	if err != nil {
		panic(err)
	}
	return n
}

// Build returns a network holding hosts, each answering as its Stack.
// The first host draws from Seed itself, so a one-host network draws
// what simnet's single Linux host always drew; the others from seeds
// derived from it.
func Build(cfg Config, hosts ...HostConfig) (*Network, error) {
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
	for i, h := range hosts {
		if _, dup := n.hosts[h.Addr]; dup {
			return nil, fmt.Errorf("%w: %v", ErrDuplicateHost, h.Addr)
		}
		stack := strings.TrimPrefix(h.Stack, "personality/")
		if stack == "" {
			stack = "kernel"
		}
		st, err := personality.New(stack, personality.Config{Addr: h.Addr, OpenTCP: h.Open, FilteredTCP: h.Filtered,
			ProhibitedTCP: h.Prohibited, OpenUDP: h.OpenUDP, Seed: cfg.Seed ^ uint64(i)*0x9E37_79B9_7F4A_7C15})
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
	frag := isFragment(p)
	pk, ok := generator.ParsePacket(p)
	if frag {
		ok = wellFormedIPv4(p)
	}
	if !ok {
		return fmt.Errorf("simnet: malformed packet (%d bytes)", len(p))
	}
	at := n.now
	n.now = n.now.Add(n.cfg.SendCost)
	n.tap(at, p)
	if frag {
		whole := n.frags.add(at, p)
		if pk, ok = generator.ParsePacket(whole); !ok {
			return nil // incomplete, or reassembled into something no host could parse
		}
	}
	h := n.hosts[pk.Dst()]
	if h == nil {
		return nil // nobody there: silence, like an unanswered ARP
	}
	for _, r := range h.Answer(at.Add(n.cfg.RTT/2), pk) {
		n.push(at.Add(n.cfg.RTT), r)
	}
	return nil
}

// ReadPacket returns the next queued answer if it arrives by deadline,
// moving the clock to its arrival; otherwise it moves the clock to the
// deadline and returns generator.ErrTimeout.
func (n *Network) ReadPacket(buf []byte, deadline time.Time) (int, time.Time, error) {
	if len(n.queue) == 0 || n.queue[0].at.After(deadline) {
		if deadline.After(n.now) {
			n.now = deadline
		}
		return 0, time.Time{}, generator.ErrTimeout
	}
	ev := n.queue.pop()
	if ev.at.After(n.now) {
		n.now = ev.at
	}
	n.tap(ev.at, ev.pkt)
	return copy(buf, ev.pkt), ev.at, nil
}

// Now is the virtual clock.
func (n *Network) Now() time.Time { return n.now }

// Close does nothing; a Network holds no system resources.
func (n *Network) Close() error { return nil }

func (n *Network) tap(t time.Time, p []byte) {
	if n.cfg.Tap != nil {
		n.cfg.Tap(t, p)
	}
}

func (n *Network) push(at time.Time, p []byte) {
	n.seq++
	n.queue.push(event{at: at, seq: n.seq, pkt: p})
}

// event is a packet due to reach the scanner at a time; seq keeps equal
// times in the order they were queued.
type event struct {
	at  time.Time
	seq uint64
	pkt []byte
}

// events is a binary min-heap of events by (at, seq). It is typed, not
// container/heap, whose interface boxing cost an allocation per packet.
type events []event

func (e events) less(i, j int) bool {
	if !e[i].at.Equal(e[j].at) {
		return e[i].at.Before(e[j].at)
	}
	return e[i].seq < e[j].seq
}

func (e *events) push(ev event) {
	*e = append(*e, ev)
	h := *e
	for i := len(h) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			break
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func (e *events) pop() event {
	h := *e
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h[last] = event{}
	h = h[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && h.less(l, m) {
			m = l
		}
		if r < len(h) && h.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	*e = h
	return top
}
