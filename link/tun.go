package link

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// readAhead is how many packets the TUN's reader may hold that the
// engine has not taken yet; beyond it the kernel's own queue holds them.
const readAhead = 4096

// slotSize fits any packet of the lab's 1500-byte MTU; a larger one gets
// a slot of its own.
const slotSize = 2048

// TUN is a Link over a TUN device's file (IFF_TUN|IFF_NO_PI, opened
// non-blocking so read deadlines work, as songgao/water opens it). The
// TUN does not own the file: whoever made the device closes it.
//
// Reading: the first ReadPacket starts a goroutine that reads the
// device ahead of the engine, so that the read system calls (and the
// parking and waking of a reader waiting for the kernel) run beside the
// engine rather than on its path between one probe and the next; a
// TUN device hands over one packet per read(2), so it cannot be
// batched. Close stops that goroutine (packets it read and the engine
// did not take are dropped, as a closed socket drops them) and must be
// called before anyone else reads the file.
type TUN struct {
	f *os.File

	start sync.Once
	in    chan rx     // packets read ahead, in arrival order
	free  chan []byte // slots the engine has copied out of
	quit  chan struct{}
	done  chan struct{} // closed when the reader has returned
	timer *time.Timer
}

// rx is one read of the device: a packet in a slot, or the error that
// ended reading.
type rx struct {
	slot []byte
	err  error
}

// NewTUN wraps the TUN device file f.
func NewTUN(f *os.File) *TUN { return &TUN{f: f} }

// WritePacket writes one IPv4 packet to the TUN, i.e. into the scanner
// namespace's kernel, which forwards it into the lab.
func (l *TUN) WritePacket(p []byte) error {
	if _, err := l.f.Write(p); err != nil {
		return fmt.Errorf("tun write: %w", err)
	}
	return nil
}

// ReadPacket returns the next IPv4 packet routed to the scanner address,
// waiting until deadline at most. IPv6 frames (router solicitations and
// the like) are skipped.
func (l *TUN) ReadPacket(buf []byte, deadline time.Time) (int, time.Time, error) {
	l.start.Do(l.startReader)
	select {
	case r := <-l.in:
		return l.take(buf, r)
	default:
	}
	wait := time.Until(deadline)
	if wait <= 0 {
		return 0, time.Time{}, ErrTimeout
	}
	l.timer.Reset(wait)
	select {
	case r := <-l.in:
		l.timer.Stop()
		return l.take(buf, r)
	case <-l.timer.C:
		return 0, time.Time{}, ErrTimeout
	}
}

// take hands a packet read ahead to the engine, stamped as it is taken
// (as when the engine read the device itself), and recycles its slot.
func (l *TUN) take(buf []byte, r rx) (int, time.Time, error) {
	if r.err != nil {
		l.in <- r // every later call fails the same way
		return 0, time.Time{}, fmt.Errorf("tun read: %w", r.err)
	}
	n := copy(buf, r.slot)
	if cap(r.slot) == slotSize {
		select {
		case l.free <- r.slot[:slotSize]:
		default:
		}
	}
	return n, time.Now(), nil
}

func (l *TUN) startReader() {
	l.in = make(chan rx, readAhead)
	l.free = make(chan []byte, readAhead)
	l.quit, l.done = make(chan struct{}), make(chan struct{})
	l.timer = time.NewTimer(time.Hour)
	l.timer.Stop()
	// A former reader's Close left a deadline; cleared here, before the
	// goroutine runs, so that our own Close's cannot be cleared after it.
	_ = l.f.SetReadDeadline(time.Time{})
	go l.read()
}

// read reads the device until Close or an error, keeping IPv4 packets.
func (l *TUN) read() {
	defer close(l.done)
	scratch := make([]byte, 65536)
	for {
		n, err := l.f.Read(scratch)
		select {
		case <-l.quit:
			return
		default:
		}
		if err != nil {
			select {
			case l.in <- rx{err: err}:
			case <-l.quit:
			}
			return
		}
		if n == 0 || scratch[0]>>4 != 4 {
			continue
		}
		var slot []byte
		select {
		case slot = <-l.free:
		default:
			slot = make([]byte, slotSize)
		}
		if n > slotSize {
			slot = make([]byte, n)
		}
		r := rx{slot: slot[:copy(slot, scratch[:n])]}
		select {
		case l.in <- r:
		case <-l.quit:
			return
		}
	}
}

// Now is the wall clock.
func (l *TUN) Now() time.Time { return time.Now() }

// Close stops the reader, if one started, and leaves the file to its
// owner (the lab that made the TUN closes it).
func (l *TUN) Close() error {
	if l.quit == nil {
		return nil
	}
	select {
	case <-l.quit:
		return nil // closed already
	default:
	}
	close(l.quit)
	if err := l.f.SetReadDeadline(time.Now()); err != nil && !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("tun close: %w", err)
	}
	<-l.done
	return nil
}
