package netns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/siglab/siglab/netns/nsthread"
	"github.com/vishvananda/netlink"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Detach hands the scanner TUN over to other processes: it makes the
// device persistent and closes this process's file, so the device stays,
// idle and without carrier, until AttachTUN opens it (a persistent TUN
// with nobody attached drops what is routed to it). From then on TUN
// returns nil, and Close deletes the device explicitly, since a process
// still attached to it, or a shell inside the scan namespace, would keep
// it alive past the namespace's unmount.
func (l *Lab) Detach() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closing.Load() {
		return ErrClosed
	}
	if l.tun == nil {
		return nil // already detached
	}
	rc, err := l.TUN().SyscallConn()
	if err != nil {
		return fmt.Errorf("detach tun: %w", err)
	}
	var perr error
	if err := rc.Control(func(fd uintptr) { perr = unix.IoctlSetInt(int(fd), unix.TUNSETPERSIST, 1) }); err != nil {
		return fmt.Errorf("detach tun: %w", err)
	}
	if perr != nil {
		return fmt.Errorf("detach tun: persist: %w", perr)
	}
	// From here the device outlives the file: mark it for deletion first.
	l.detached = true
	err = l.tun.Close()
	l.tun = nil
	if err != nil {
		return fmt.Errorf("detach tun: close: %w", err)
	}
	return nil
}

// AttachTUN opens the scanner TUN of the running lab id, detached by its
// owner (Lab.Detach), from a thread inside the lab's scan namespace. The
// file is non-blocking and close-on-exec, as Lab.TUN's; the caller closes
// it, which leaves the device for the next one. A second attach while one
// is open fails with ErrBusy (the TUN is single-queue, the kernel says
// EBUSY); a lab that is not there wraps ErrNoLab.
func AttachTUN(id string) (*os.File, error) {
	if !validID(id) {
		return nil, fmt.Errorf("lab %q: not a lab id (<pid>-<n>): %w", id, ErrNoLab)
	}
	name := Prefix + id + "-scan"
	ns, err := vnetns.GetFromPath(filepath.Join(runDir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("lab %s: no namespace %s: %w", id, name, ErrNoLab)
	}
	if err != nil {
		return nil, fmt.Errorf("lab %s: open %s: %w", id, name, err)
	}
	defer ns.Close()
	h, err := openNL(ns, name)
	if err != nil {
		return nil, fmt.Errorf("lab %s: %w", id, err)
	}
	defer h.Close()
	// TUNSETIFF with an unknown name would create a fresh device: look
	// first, so a half-torn-down lab is an error and not a new TUN.
	if err := h.hasTUN(); err != nil {
		return nil, fmt.Errorf("lab %s: %w", id, err)
	}
	var f *os.File
	err = nsthread.Do(ns, func() error {
		var err error
		f, err = openTUN(tunName)
		return err
	})
	if errors.Is(err, unix.EBUSY) {
		return nil, fmt.Errorf("lab %s: %s is open in another process (a scan is running in this lab): %w", id, tunName, ErrBusy)
	}
	if err != nil {
		return nil, fmt.Errorf("lab %s: attach %s: %w", id, tunName, err)
	}
	// Attaching turns the carrier on, but the kernel's linkwatch work
	// gives the device its queue a moment later; until then whatever is
	// routed to the TUN (the targets' first replies) is dropped. It sets
	// the operstate to up in the same step, so wait for that.
	if err := h.waitUp(upTimeout, tunName); err != nil {
		f.Close()
		return nil, fmt.Errorf("lab %s: %w", id, err)
	}
	return f, nil
}

// hasTUN checks that the handle's namespace holds the lab's TUN device.
func (h *nl) hasTUN() error {
	l, err := h.link(tunName)
	if err != nil {
		return fmt.Errorf("no %s in %s: %w: %w", tunName, h.name, ErrNoLab, err)
	}
	if l.Type() != "tuntap" {
		return fmt.Errorf("%s in %s is a %s, not a tun: %w", tunName, h.name, l.Type(), ErrNoLab)
	}
	return nil
}

// openTUN attaches to the TUN device name in the calling thread's
// namespace (IFF_TUN|IFF_NO_PI, as water makes it; the persist flag is
// left as it is).
func openTUN(name string) (*os.File, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/net/tun: %w", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err == nil {
		ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
		err = unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr)
	}
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("tunsetiff %s: %w", name, err)
	}
	// A non-blocking fd makes os.NewFile use the poller: deadlines work.
	return os.NewFile(uintptr(fd), name), nil
}

// deleteTUNs deletes every siglab TUN device in ns. A persistent TUN goes
// with its namespace only when nothing else holds the namespace; deleted
// by name it goes at once, and a process attached to it reads an error.
func deleteTUNs(ns nsthread.Handle, nsName string) error {
	h, err := openNL(ns, nsName)
	if err != nil {
		return err
	}
	defer h.Close()
	var links []netlink.Link
	for range retries {
		if links, err = h.LinkList(); !errors.Is(err, netlink.ErrDumpInterrupted) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("%s: list links: %w", nsName, err)
	}
	var errs []error
	for _, l := range links {
		name := l.Attrs().Name
		if l.Type() != "tuntap" || !strings.HasPrefix(name, Prefix) {
			continue
		}
		if err := h.LinkDel(l); err != nil && !errors.Is(err, unix.ENODEV) {
			errs = append(errs, fmt.Errorf("%s: delete %s: %w", nsName, name, err))
		}
	}
	return errors.Join(errs...)
}

// deleteTUNsAt is deleteTUNs on the namespace pinned at dir/name, found
// under the mounts that cover dir if need be. Files that are not
// namespaces (leftovers of a half-made one) hold no links.
func deleteTUNsAt(dir, name string) error {
	ns, err := openPinned(dir, name)
	if err != nil {
		return fmt.Errorf("open %s: %w", filepath.Join(dir, name), err)
	}
	if ns == vnetns.None() {
		return nil
	}
	defer ns.Close()
	return deleteTUNs(ns, name)
}

// downPoll is how often Down looks whether the lab has gone.
const downPoll = 20 * time.Millisecond

// Down takes the persistent lab id down. If its process is alive, Down
// sends it SIGTERM and waits up to timeout until the lab's namespaces
// and state file are gone (the process removes them as it exits); an
// error wrapping ErrStillUp says it did not. If the process is dead (or
// dies meanwhile), Down removes what it left, as CleanLab. It returns
// what it removed itself.
func Down(id string, timeout time.Duration) (removed []string, err error) {
	st, err := ReadState(id)
	if err != nil {
		if errors.Is(err, ErrNoLab) && labExists(id) {
			// Namespaces without a state file: a lab of `siglab run`, or
			// one whose state file was removed; only a dead one is ours
			// to remove.
			return CleanLab(id)
		}
		return nil, err
	}
	if !st.Alive() {
		return CleanLab(id)
	}
	if err := unix.Kill(st.PID, unix.SIGTERM); err != nil && !errors.Is(err, unix.ESRCH) {
		return nil, fmt.Errorf("lab %s: signal pid %d: %w", id, st.PID, err)
	}
	deadline := time.Now().Add(timeout)
	for {
		alive := st.Alive() // before looking: a process gone now is done
		if !labExists(id) && !stateExists(StateDir, id) {
			return nil, nil
		}
		if !alive {
			return CleanLab(id)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("lab %s: pid %d still has it up %v after SIGTERM (siglab lab down --timeout waits longer; kill -9 %d and siglab lab clean force it): %w",
				id, st.PID, timeout, st.PID, ErrStillUp)
		}
		waitExit(st.PID, StateDir, downPoll)
	}
}

// CleanLab removes what is left of lab id: its namespaces (deleting
// their TUNs first) and its state file. It refuses, wrapping ErrRunning,
// while the lab's process is alive or the lab is open in this process.
func CleanLab(id string) (removed []string, err error) {
	if !validID(id) {
		return nil, fmt.Errorf("lab %q: not a lab id (<pid>-<n>): %w", id, ErrNoLab)
	}
	if st, err := ReadState(id); (err == nil && st.Alive()) || openIDs()[id] {
		return nil, fmt.Errorf("lab %s: %w", id, ErrRunning)
	}
	if _, pid, _ := parseName(Prefix + id + "-x"); alive(pid) && !stateExists(StateDir, id) && labExists(id) {
		return nil, fmt.Errorf("lab %s: pid %d is alive: %w", id, pid, ErrRunning)
	}
	removed, nerr := removeNamespaces(runDir, func(_ string, nid string, _ int, ok bool) bool { return ok && nid == id })
	var serr error
	if stateExists(StateDir, id) {
		if serr = RemoveState(id); serr == nil {
			removed = append(removed, "state "+statePath(StateDir, id))
		}
	}
	if len(removed) == 0 && nerr == nil && serr == nil {
		return nil, fmt.Errorf("lab %s: %w", id, ErrNoLab)
	}
	return removed, errors.Join(nerr, serr)
}

// labExists reports whether any namespace of lab id is pinned (or its
// file left) under the run directory, covered pins included.
func labExists(id string) bool {
	names, _ := pinNames(runDir)
	for _, n := range names {
		if strings.HasPrefix(n, Prefix+id+"-") {
			return true
		}
	}
	return false
}

func stateExists(dir, id string) bool {
	_, err := os.Stat(statePath(dir, id))
	return err == nil
}
