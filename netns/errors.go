package netns

import "errors"

// Build's errors wrap labnet.ErrOutsideLab for a scanner or host
// address outside the lab or in a part of it that is reserved
// (labnet.ScannerSide for hosts, labnet.Infra for everyone), or one of
// these.
var (
	// ErrBadSpec is wrapped by Build's error for a Spec that cannot be
	// built for other reasons: duplicate or empty names, duplicate
	// addresses, network or broadcast addresses, too many hosts.
	ErrBadSpec = errors.New("bad lab spec")
	// ErrNotUp is wrapped by Build's error when a link does not become
	// operational in time.
	ErrNotUp = errors.New("link not up")
	// ErrClosed is returned by operations on a closed Lab.
	ErrClosed = errors.New("lab closed")
)
