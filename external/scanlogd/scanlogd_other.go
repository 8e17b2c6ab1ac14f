//go:build !linux

package scanlogd

import (
	"context"
	"net/netip"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/netns/nsthread"
)

// Off Linux there is no scanlogd to run (it reads a Linux raw socket
// inside a network namespace): Start, Replay and Clean return
// ErrUnsupported. Parse, Simulate and Explain work everywhere.

// Daemon is a running scanlogd; off Linux Start never makes one.
type Daemon struct{}

// Start returns ErrUnsupported off Linux.
func Start(ns nsthread.Handle) (*Daemon, error) { return nil, ErrUnsupported }

// Stop returns ErrUnsupported off Linux.
func (d *Daemon) Stop() (log []byte, recs []external.Record, err error) {
	return nil, nil, ErrUnsupported
}

// PID is 0 off Linux.
func (d *Daemon) PID() int { return 0 }

// Dropped is 0 off Linux.
func (d *Daemon) Dropped() uint64 { return 0 }

// StopAll has no daemon to stop off Linux.
func StopAll() error { return nil }

// Replay returns ErrUnsupported off Linux.
func Replay(ctx context.Context, c *capture.Capture, targets []netip.Addr) (log []byte, recs []external.Record, err error) {
	return nil, nil, ErrUnsupported
}

// Clean returns ErrUnsupported off Linux.
func Clean() (removed []string, err error) { return nil, ErrUnsupported }
