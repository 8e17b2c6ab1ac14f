//go:build !linux

package sensor

import (
	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/netns/nsthread"
)

// Sensor captures on one lab's sensor link; off Linux there is none.
type Sensor struct{}

// Start returns ErrUnsupported off Linux.
func Start(nsh nsthread.Handle, iface string) (*Sensor, error) { return nil, ErrUnsupported }

// StartWith returns ErrUnsupported off Linux.
func StartWith(nsh nsthread.Handle, iface string, o Options) (*Sensor, error) {
	return nil, ErrUnsupported
}

// ReceiveBuffer is 0 off Linux.
func (s *Sensor) ReceiveBuffer() int { return 0 }

// Stop returns ErrUnsupported off Linux.
func (s *Sensor) Stop() (*capture.Capture, error) { return nil, ErrUnsupported }
