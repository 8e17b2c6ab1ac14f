package netns

import (
	"errors"
	"fmt"
)

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
	// ErrFirewall is wrapped by Build's error when a kernel host's firewall
	// rules (filtered and prohibited ports) cannot be installed. Build never
	// goes on without them: a port meant to be filtered that answers RST
	// would make a scenario lie.
	ErrFirewall = errors.New("host firewall")
	// ErrNoLab is wrapped by errors about a lab that does not exist (no
	// state file, no namespace, no TUN) or an ID that cannot be one.
	ErrNoLab = errors.New("no such lab")
	// ErrBusy is wrapped by AttachTUN's error when another process has
	// the lab's TUN open: one generator at a time per lab.
	ErrBusy = errors.New("tun busy")
	// ErrStillUp is wrapped by Down's error when the lab's process did
	// not take its lab down in time after SIGTERM.
	ErrStillUp = errors.New("lab still up")
	// ErrRunning is wrapped by CleanLab's error for a lab whose process
	// is alive: that process owns the lab; stop it with Down.
	ErrRunning = errors.New("lab process running")
	// ErrPrivilege is wrapped by CheckLive's error for a process that may
	// not build test networks: not root, or root without CAP_NET_ADMIN
	// or CAP_SYS_ADMIN (a container or setpriv dropped them).
	ErrPrivilege = errors.New("live test networks need root (CAP_NET_ADMIN and CAP_SYS_ADMIN)")
	// ErrNoTUN is wrapped by CheckLive's error when /dev/net/tun is
	// missing or cannot be opened.
	ErrNoTUN = errors.New("live test networks need the TUN device")
	// ErrRunDir is wrapped by CheckLive's and CheckStateDir's errors when
	// /run/netns (the namespaces' mounts) or StateDir cannot be written,
	// e.g. on a read-only /run.
	ErrRunDir = errors.New("live test networks need a writable /run")
	// ErrUnsupported is returned by the live operations (Build, AttachTUN,
	// Clean, Down, CleanLab, a Lab's methods) on systems other than Linux,
	// which have no network namespaces. It wraps errors.ErrUnsupported.
	ErrUnsupported = fmt.Errorf("live test networks need Linux: %w", errors.ErrUnsupported)
)
