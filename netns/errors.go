package netns

import "errors"

var (
	// ErrOutsideLab is wrapped by Build's error for a scanner or host
	// address outside 198.18.0.0/15, or in a part of it that is reserved
	// (198.18.0.0/24 for hosts, 198.19.0.0/16 for everyone).
	ErrOutsideLab = errors.New("address outside the lab")
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
