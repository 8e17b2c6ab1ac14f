package sensor

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/netns/nsthread"
)

const (
	// snaplen is Watch's read buffer: whole frames, GRO may hand up
	// merged packets larger than the MTU.
	snaplen = 262144
	// grace lets the last replies of a run arrive before stopping.
	grace = 100 * time.Millisecond
	// arenaSize is the chunk frames are copied into, so that recording a
	// frame does not allocate.
	arenaSize = 1 << 20
	// stopTimeout bounds how long Stop resends its marker, by default.
	stopTimeout = 2 * time.Second
	// resend is how often an unseen marker is sent again.
	resend = 50 * time.Millisecond
	// drainPause is how long a reader whose link went away waits for the
	// kernel to retire the ring's last, partly filled block.
	drainPause = 4 * retireTimeout * time.Millisecond
)

// Sensor captures on one lab's sensor link.
type Sensor struct {
	ns     nsthread.Handle // our own duplicate of the sensor namespace handle
	iface  string
	r      *ring
	wakeFD int    // AF_PACKET socket that sends the marker
	ifidx  int    // capture link's index in the sensor namespace
	marker []byte // the frame that ends the capture
	wake   []byte // the frame Stop sends; == marker except in tests

	arena       []byte        // the reader's current copy chunk
	stopTimeout time.Duration // how long to resend the marker

	stopping atomic.Bool
	done     chan struct{} // closed when the reader has returned
	cap      *capture.Capture
	readErr  error  // set by the reader before done closes
	dropped  uint64 // kernel drops, accumulated from PACKET_STATISTICS
	cut      uint64 // frames the ring kept only in part (counted as dropped)

	stopOnce sync.Once
	result   *capture.Capture
	err      error
}

// Start opens the capture on link iface of namespace nsh (a live lab's
// sensor link: netns.Lab.SensorNS and SensorIface) and starts reading.
// The sensor keeps a handle of its own: the caller's may be closed once
// Start returns. It is StartWith with the default Options.
func Start(nsh nsthread.Handle, iface string) (*Sensor, error) {
	return StartWith(nsh, iface, Options{})
}

// StartWith is Start with options: a stress scenario gives the capture
// socket a small receive buffer, so that a flood overflows it and the
// kernel's drops show in the verdict.
func StartWith(nsh nsthread.Handle, iface string, o Options) (*Sensor, error) {
	if err := o.check(); err != nil {
		return nil, fmt.Errorf("%w on %s: %w", ErrOpen, iface, err)
	}
	s, err := openWith(nsh, iface, o)
	if err != nil {
		return nil, err
	}
	go s.run()
	return s, nil
}

// open prepares the sockets with the default options, without reading.
func open(nsh nsthread.Handle, iface string) (*Sensor, error) {
	return openWith(nsh, iface, Options{})
}

// openWith prepares the sockets, from a thread inside the sensor
// namespace, without reading yet.
func openWith(nsh nsthread.Handle, iface string, o Options) (*Sensor, error) {
	s := &Sensor{ns: -1, iface: iface, wakeFD: -1, done: make(chan struct{}), stopTimeout: stopTimeout,
		cap: &capture.Capture{LinkType: capture.LinkTypeEthernet, Packets: make([]capture.Packet, 0, 4096)}}
	var mac net.HardwareAddr
	// A handle of our own: the caller's may be closed (and its number
	// reused) before Stop needs it.
	fd, err := unix.FcntlInt(uintptr(nsh), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("%w on %s: dup netns handle: %w", ErrOpen, s.iface, err)
	}
	s.ns = nsthread.Handle(fd)
	err = nsthread.Do(s.ns, func() error {
		ifi, err := net.InterfaceByName(s.iface)
		if err != nil {
			return err
		}
		s.ifidx, mac = ifi.Index, ifi.HardwareAddr
		if s.r, err = openRing(s.ifidx, o.receiveBuffer()); err != nil {
			return err
		}
		// Protocol 0: this socket only sends, it receives nothing.
		s.wakeFD, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
		return err
	})
	if err == nil {
		s.marker, err = newMarker(mac)
		s.wake = s.marker
	}
	if err == nil {
		_, err = s.r.drops() // counters run from socket creation; start at zero
	}
	if err != nil {
		s.closeSockets()
		return nil, fmt.Errorf("%w on %s: %w", ErrOpen, s.iface, err)
	}
	return s, nil
}

// newMarker builds the stop frame: unknown unicast destination, our own
// source, EtherType 0x88B5 (local experimental), a random nonce.
func newMarker(src net.HardwareAddr) ([]byte, error) {
	// Minimum Ethernet frame, zero padded; the destination is a locally
	// administered unicast address.
	f := make([]byte, 60)
	copy(f[0:6], []byte{0x02, 's', 'i', 'g', 'l', 'b'})
	copy(f[6:12], src)
	f[12], f[13] = 0x88, 0xb5
	n := copy(f[14:], "siglab sensor stop ")
	if _, err := rand.Read(f[14+n : 14+n+16]); err != nil {
		return nil, err
	}
	return f, nil
}

// run records frames, a ring block at a time, until the marker comes
// back or the socket reports an error. It does not allocate per frame:
// frames are copied out of the ring into arena chunks.
func (s *Sensor) run() {
	defer close(s.done)
	for {
		ready, err := s.r.wait()
		if err != nil {
			s.readFailed(err)
			return
		}
		if ready && s.r.each(s.take) {
			return
		}
	}
}

// take records one frame of the ring; false (stop) on the marker, which
// only Stop sends: every frame that crossed before it is in.
func (s *Sensor) take(f frame) bool {
	if len(f.data) == len(s.marker) && bytes.Equal(f.data, s.marker) {
		return false
	}
	if f.truncated {
		s.cut++ // a partial frame is not evidence: the run is inconclusive
		return true
	}
	s.record(f.data, f.t)
	return true
}

// readFailed keeps the frames the kernel had already put in the ring
// (it retires the last block within retireTimeout), then records why
// reading ended, unless Stop caused it.
func (s *Sensor) readFailed(err error) {
	time.Sleep(drainPause)
	for s.r.ready() && !s.r.each(s.take) {
	}
	if !s.stopping.Load() {
		s.readErr = fmt.Errorf("%w on %s: %v", ErrRead, s.iface, err)
	}
}

// record appends a copy of frame to the capture. The copy lives in a
// large chunk shared with its neighbours (capped, so appending to one
// packet's Data cannot overwrite the next); a new chunk is allocated
// only when the current one is full.
func (s *Sensor) record(frame []byte, t time.Time) {
	if cap(s.arena)-len(s.arena) < len(frame) {
		s.arena = make([]byte, 0, max(arenaSize, len(frame)))
	}
	start := len(s.arena)
	s.arena = append(s.arena, frame...)
	s.cap.Packets = append(s.cap.Packets, capture.Packet{Time: t, Data: s.arena[start:len(s.arena):len(s.arena)]})
}

// Stop waits a short grace for the last replies, collects the kernel's
// drop count, ends the reader, closes the socket and returns the capture.
// The error wraps ErrRead if reading failed earlier (the capture is then
// cut short) or ErrForced. Stop is idempotent; later calls return the
// first call's results.
func (s *Sensor) Stop() (*capture.Capture, error) {
	s.stopOnce.Do(func() { s.result, s.err = s.stop() })
	return s.result, s.err
}

func (s *Sensor) stop() (*capture.Capture, error) {
	time.Sleep(grace)
	derr := s.collectDrops()
	s.stopping.Store(true)
	abandoned, uerr := s.unblock()
	if abandoned {
		// The reader may still wake up and touch the socket and the
		// capture: leave both to it rather than race or reuse its fd.
		return nil, errors.Join(derr, uerr)
	}
	errs := []error{derr, uerr, s.collectDrops(), s.readErr} // reader done: no race
	s.closeSockets()
	s.cap.Dropped = s.dropped + s.cut
	return s.cap, errors.Join(errs...)
}

// unblock sends the marker until the reader has seen it, and takes the
// link down if it never does. abandoned means the reader still runs.
func (s *Sensor) unblock() (abandoned bool, err error) {
	tick := time.NewTicker(resend)
	defer tick.Stop()
	deadline := time.After(s.stopTimeout)
	for {
		select {
		case <-s.done: // a read error ended it already
			return false, nil
		default:
		}
		if err := s.sendWake(); err != nil {
			return s.force(fmt.Errorf("send stop marker: %w", err))
		}
		select {
		case <-s.done:
			return false, nil
		case <-tick.C:
		case <-deadline:
			return s.force(errors.New("stop marker never seen"))
		}
	}
}

func (s *Sensor) sendWake() error { return s.send(s.wake) }

// send writes one Ethernet frame out of the capture link.
func (s *Sensor) send(frame []byte) error {
	var dst [8]byte
	copy(dst[:], frame[:6])
	proto := uint16(frame[12])<<8 | uint16(frame[13])
	return unix.Sendto(s.wakeFD, frame, 0, &unix.SockaddrLinklayer{
		Protocol: proto<<8 | proto>>8, // network byte order
		Ifindex:  s.ifidx, Halen: 6, Addr: dst})
}

// force takes the capture link down: the kernel then fails the pending
// read with ENETDOWN. Last resort only: it flushes the lab's routes.
func (s *Sensor) force(why error) (abandoned bool, err error) {
	if err := nsthread.Do(s.ns, func() error { return setDown(s.iface) }); err != nil {
		return true, fmt.Errorf("%w: %w; taking %s down failed too, reader abandoned: %w", ErrForced, why, s.iface, err)
	}
	select {
	case <-s.done:
		return false, fmt.Errorf("%w: %w", ErrForced, why)
	case <-time.After(s.stopTimeout):
		return true, fmt.Errorf("%w: %w; reader still blocked, abandoned", ErrForced, why)
	}
}

// setDown clears IFF_UP on a link of the calling thread's namespace.
func setDown(name string) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() &^ unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// collectDrops adds the drops since the last call (the kernel resets its
// counters on every read).
func (s *Sensor) collectDrops() error {
	n, err := s.r.drops()
	if err != nil {
		return fmt.Errorf("sensor stats on %s: %w", s.iface, err)
	}
	s.dropped += n
	return nil
}

// ReceiveBuffer is the size in bytes of the capture's receive ring, the
// kernel's queue of frames not read yet.
func (s *Sensor) ReceiveBuffer() int { return s.r.block * s.r.blocks }

func (s *Sensor) closeSockets() {
	if s.r != nil {
		s.r.close()
	}
	if s.wakeFD >= 0 {
		unix.Close(s.wakeFD)
		s.wakeFD = -1
	}
	if s.ns >= 0 {
		s.ns.Close()
		s.ns = -1
	}
}
