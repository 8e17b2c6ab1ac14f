package scanlogd

import (
	"errors"
	"fmt"
)

// Errors of Start, Stop, Replay and Parse; each is wrapped with the
// detail (scanlogd's own message on stderr, the line number).
var (
	// ErrMissing: no scanlogd binary (on PATH or at /usr/sbin/scanlogd).
	ErrMissing = errors.New("scanlogd is not installed (apt-get install scanlogd)")
	// ErrFailed: scanlogd could not be started (it said why on stderr),
	// or its environment (namespaces, mounts, the log socket) could not
	// be made, or it did not go away when stopped.
	ErrFailed = errors.New("scanlogd failed")
	// ErrNoTarget: Replay was given no target address.
	ErrNoTarget = errors.New("no target address to replay to")
	// ErrBadLine: a line that syslog says scanlogd wrote, or that looks
	// like one of its scan lines, does not parse.
	ErrBadLine = errors.New("not a scanlogd line")
	// ErrUnsupported is what Start, Replay and Clean return off Linux,
	// where there are no network namespaces or raw sockets to run
	// scanlogd with. It wraps errors.ErrUnsupported.
	ErrUnsupported = fmt.Errorf("scanlogd needs Linux: %w", errors.ErrUnsupported)
)
