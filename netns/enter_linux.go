package netns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/siglab/siglab/netns/nsthread"
)

// OpenLabNS opens the pinned namespace name of a running lab (a State's
// ScanNS, SensorNS or a host's Namespace). The caller closes the handle.
// A name that is not a siglab namespace, or one that is not there,
// wraps ErrNoLab.
func OpenLabNS(name string) (nsthread.Handle, error) {
	if err := labNSName(name); err != nil {
		return -1, err
	}
	h, err := vnetns.GetFromPath(filepath.Join(runDir, name))
	if errors.Is(err, os.ErrNotExist) {
		return -1, fmt.Errorf("no namespace %s: %w", name, ErrNoLab)
	}
	if err != nil {
		return -1, fmt.Errorf("open namespace %s: %w", name, err)
	}
	return h, nil
}

// ExecIn replaces this process with argv[0] (a path) run inside the
// lab namespace name, as `ip netns exec` does without its /sys remount:
// the calling thread enters the namespace and execs from there, so the
// new program starts inside it. It returns only on failure, and the
// caller should then exit: the calling thread, locked for good, may be
// inside the lab namespace.
func ExecIn(name string, argv, env []string) error {
	h, err := OpenLabNS(name)
	if err != nil {
		return err
	}
	defer h.Close()
	runtime.LockOSThread() // no unlock: this thread may now be in the lab
	if err := unix.Setns(int(h), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("enter namespace %s: %w", name, err)
	}
	if err := unix.Exec(argv[0], argv, env); err != nil {
		return fmt.Errorf("exec %s in %s: %w", argv[0], name, err)
	}
	return nil
}

// labNSName refuses names that are not a lab namespace's, so that no
// other file under /run/netns is entered by mistake.
func labNSName(name string) error {
	if _, _, ok := parseName(name); !ok || filepath.Base(name) != name {
		return fmt.Errorf("%q is not a siglab namespace: %w", name, ErrNoLab)
	}
	return nil
}
