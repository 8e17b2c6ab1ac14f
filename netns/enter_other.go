//go:build !linux

package netns

import "github.com/siglab/siglab/netns/nsthread"

// OpenLabNS is unsupported off Linux.
func OpenLabNS(name string) (nsthread.Handle, error) { return -1, ErrUnsupported }

// ExecIn is unsupported off Linux.
func ExecIn(name string, argv, env []string) error { return ErrUnsupported }
