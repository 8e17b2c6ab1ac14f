package link

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// TUN is a Link over a TUN device's file (IFF_TUN|IFF_NO_PI, opened
// non-blocking so read deadlines work, as songgao/water opens it). The
// TUN does not own the file: whoever made the device closes it.
type TUN struct {
	f *os.File
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

// ReadPacket reads the next IPv4 packet routed to the scanner address.
// IPv6 frames (router solicitations and the like) are skipped.
func (l *TUN) ReadPacket(buf []byte, deadline time.Time) (int, time.Time, error) {
	if err := l.f.SetReadDeadline(deadline); err != nil {
		return 0, time.Time{}, fmt.Errorf("tun deadline: %w", err)
	}
	for {
		n, err := l.f.Read(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return 0, time.Time{}, ErrTimeout
		}
		if err != nil {
			return 0, time.Time{}, fmt.Errorf("tun read: %w", err)
		}
		if n > 0 && buf[0]>>4 == 4 {
			return n, time.Now(), nil
		}
	}
}

// Now is the wall clock.
func (l *TUN) Now() time.Time { return time.Now() }

// Close does nothing: the lab that made the TUN closes it.
func (l *TUN) Close() error { return nil }
