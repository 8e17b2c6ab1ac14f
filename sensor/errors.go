package sensor

import (
	"errors"
	"fmt"
)

var (
	// ErrOpen is wrapped by Start's error when the capture socket cannot
	// be opened in the lab's sensor namespace.
	ErrOpen = errors.New("open sensor")
	// ErrRead is wrapped by Stop's error when reading failed before Stop
	// was called; the capture then ends at the failure.
	ErrRead = errors.New("sensor read")
	// ErrForced is wrapped by Stop's error when the stop marker never
	// reached the reader and the capture link had to be taken down: the
	// capture is complete, but the lab no longer forwards.
	ErrForced = errors.New("sensor stop forced by taking the capture link down")
	// ErrUnsupported is returned by Start and Stop on systems other than
	// Linux, which have no AF_PACKET capture. It wraps
	// errors.ErrUnsupported.
	ErrUnsupported = fmt.Errorf("live capture needs Linux: %w", errors.ErrUnsupported)
)
