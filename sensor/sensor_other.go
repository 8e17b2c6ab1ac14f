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

// Stop returns ErrUnsupported off Linux.
func (s *Sensor) Stop() (*capture.Capture, error) { return nil, ErrUnsupported }
