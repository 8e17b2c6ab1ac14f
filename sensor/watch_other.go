//go:build !linux

package sensor

import (
	"context"
	"time"

	"github.com/siglab/siglab/netns/nsthread"
)

// Watch is unsupported off Linux.
func Watch(ctx context.Context, nsh nsthread.Handle, iface string, fn func(t time.Time, frame []byte) bool) error {
	return ErrUnsupported
}
