//go:build !linux

package netns

import (
	"net/netip"
	"os"
	"time"

	"github.com/siglab/siglab/netns/nsthread"
)

// Off Linux there are no network namespaces, veths or TUNs to build a
// lab from: Build still checks the spec, as on Linux, and then returns
// ErrUnsupported, so no Lab is ever made; every other live operation
// returns ErrUnsupported too. State files are plain JSON (state.go) and
// read and written alike everywhere.

// Lab is one live test network; off Linux Build never makes one.
type Lab struct{}

// Build refuses a bad spec as on Linux (ErrOutsideLab, ErrBadSpec) and a
// good one with ErrUnsupported.
func Build(spec Spec) (*Lab, error) {
	if _, err := validate(spec); err != nil {
		return nil, err
	}
	return nil, ErrUnsupported
}

// ID is empty off Linux.
func (l *Lab) ID() string { return "" }

// TUN is nil off Linux.
func (l *Lab) TUN() *os.File { return nil }

// Scanner is the zero address off Linux.
func (l *Lab) Scanner() netip.Addr { return netip.Addr{} }

// IPv6 is false: there is no live lab here.
func (l *Lab) IPv6() bool { return false }

// SensorNS is no namespace (-1) off Linux.
func (l *Lab) SensorNS() nsthread.Handle { return -1 }

// SensorIface is empty off Linux.
func (l *Lab) SensorIface() string { return "" }

// ScannerNS is no namespace (-1) off Linux.
func (l *Lab) ScannerNS() nsthread.Handle { return -1 }

// HostNS finds no host off Linux.
func (l *Lab) HostNS(name string) (nsthread.Handle, bool) { return -1, false }

// Namespaces is empty off Linux.
func (l *Lab) Namespaces() []string { return nil }

// Close returns ErrUnsupported off Linux.
func (l *Lab) Close() error { return ErrUnsupported }

// CloseAfter returns ErrUnsupported; unpublish is not called.
func (l *Lab) CloseAfter(unpublish func() error) error { return ErrUnsupported }

// Detach returns ErrUnsupported off Linux.
func (l *Lab) Detach() error { return ErrUnsupported }

// State returns ErrUnsupported off Linux.
func (l *Lab) State(spec Spec, scenario string, seed uint64) (State, error) {
	return State{}, ErrUnsupported
}

// Alive is false off Linux: no lab's process runs here.
func (st State) Alive() bool { return false }

// CheckLive returns ErrUnsupported off Linux.
func CheckLive() error { return ErrUnsupported }

// CheckStateDir returns ErrUnsupported off Linux.
func CheckStateDir() error { return ErrUnsupported }

// CloseAll has no lab to close off Linux.
func CloseAll() error { return nil }

// Clean returns ErrUnsupported off Linux.
func Clean(all bool) (removed []string, err error) { return nil, ErrUnsupported }

// AttachTUN returns ErrUnsupported off Linux.
func AttachTUN(id string) (*os.File, error) { return nil, ErrUnsupported }

// Down returns ErrUnsupported off Linux.
func Down(id string, timeout time.Duration) (removed []string, err error) {
	return nil, ErrUnsupported
}

// CleanLab returns ErrUnsupported off Linux.
func CleanLab(id string) (removed []string, err error) { return nil, ErrUnsupported }
