package netns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/siglab/siglab/netns/nsthread"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Pins: a named namespace is a bind mount of the namespace's nsfs file on
// an empty file under the run directory (/run/netns), as iproute2 makes
// them, so that `ip netns exec` finds siglab's namespaces.
//
// The run directory is first made a shared mount of its own, exactly as
// `ip netns add` does before its first pin (ip/ipnetns.c, netns_add):
// `mount --make-shared --make-rec`, and if that fails with EINVAL (the
// directory is no mount point yet) a recursive bind mount of the
// directory on itself, then make-shared again. Were siglab to pin on a
// plain directory, iproute2's first `ip netns add` would put that bind
// mount over siglab's pins: they would stay mounted underneath, where
// neither umount(2) nor unlink(2) (EBUSY) reaches them.
//
// Removal detaches every mount at the pin (MNT_DETACH: lazily, whoever
// uses the namespace) and removes the file. A pin that another mount
// covers (pinned by an older siglab or another tool before something
// was mounted over the directory) is removed from a private copy of the
// mount namespace, made on a throwaway thread: there the mounts over
// the directory are peeled off until the pin shows, it is unmounted and
// its file unlinked, and unlinking a file that is a mount point in
// other mount namespaces makes the kernel detach those mounts (Linux
// 3.18 and later), which takes the covered pin in ours. The mount table
// (/proc/self/mountinfo) is what says that a pin is covered, and Clean
// finds hidden pins there too.

// maxLayers bounds the mounts stacked on one pin, or over the run
// directory, that removal peels off.
const maxLayers = 32

// sharedMu serialises ensureShared within the process; a lock on the
// directory serialises siglab processes.
var sharedMu sync.Mutex

// ensureShared makes dir a shared mount of its own, as `ip netns add`
// does: created (0755) if missing, made shared recursively, and if it is
// no mount point yet (EINVAL), bind-mounted on itself (recursively, so
// pins already there stay visible on top) and made shared.
func ensureShared(dir string) error {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("mkdir %s: %w", dir, err)
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer unix.Close(fd) // releases the lock
	// Two siglab processes converting the directory at once would stack
	// two bind mounts; iproute2 takes no lock, so this only orders us.
	if err := unix.Flock(fd, unix.LOCK_EX); err != nil {
		return fmt.Errorf("lock %s: %w", dir, err)
	}
	made := false
	for {
		err := unix.Mount("", dir, "none", unix.MS_SHARED|unix.MS_REC, "")
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.EINVAL) || made {
			return fmt.Errorf("mount --make-shared %s: %w", dir, err)
		}
		if err := unix.Mount(dir, dir, "none", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("mount --rbind %s %s: %w", dir, dir, err)
		}
		made = true
	}
}

// newNamed creates the namespace dir/name and pins it there, without
// leaving any thread of ours inside it: the new namespace is entered by
// a locked goroutine whose thread the runtime discards when it exits.
func newNamed(dir, name string) (nsthread.Handle, error) {
	if err := ensureShared(dir); err != nil {
		return vnetns.None(), fmt.Errorf("create netns %s: %w", name, err)
	}
	type result struct {
		h   nsthread.Handle
		err error
	}
	rc := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread is tainted
		h, err := pinNew(filepath.Join(dir, name))
		rc <- result{h, err}
	}()
	r := <-rc
	if r.err != nil {
		return vnetns.None(), fmt.Errorf("create netns %s: %w", name, r.err)
	}
	return r.h, nil
}

// pinNew moves the calling (locked) thread into a new network namespace
// and pins it at path, as vishvananda/netns.NewNamed does for /run/netns.
func pinNew(path string) (nsthread.Handle, error) {
	ns, err := vnetns.New()
	if err != nil {
		return vnetns.None(), err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		ns.Close()
		return vnetns.None(), err
	}
	f.Close()
	self := fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid())
	if err := unix.Mount(self, path, "none", unix.MS_BIND, ""); err != nil {
		ns.Close()
		os.Remove(path)
		return vnetns.None(), fmt.Errorf("bind mount %s: %w", path, err)
	}
	return ns, nil
}

// deleteNamed unpins and removes the named namespace dir/name: every
// mount on it is detached and the file removed, also when another mount
// covers the pin (see removeCovered). A file that is no mount point (a
// half-made namespace) is removed all the same; a name that is neither
// file nor mount is no error. It fails unless the mount table shows no
// mount left at the path and no file is left there.
func deleteNamed(dir, name string) error {
	path := filepath.Join(dir, name)
	if err := unmountAll(path); err != nil {
		return fmt.Errorf("unmount netns %s: %w", name, err)
	}
	rerr := os.Remove(path)
	if rerr != nil && !errors.Is(rerr, os.ErrNotExist) && !errors.Is(rerr, unix.EBUSY) {
		return fmt.Errorf("remove netns %s: %w", name, rerr)
	}
	point := filepath.Join(realDir(dir), name)
	mounts, err := readMounts("/proc/self/mountinfo")
	if err != nil {
		return fmt.Errorf("remove netns %s: %w", name, err)
	}
	if !errors.Is(rerr, unix.EBUSY) && mountsAt(mounts, point) == 0 {
		return nil
	}
	// Still mounted underneath another mount (EBUSY: on the same file;
	// no EBUSY: on a file another file system over dir hides).
	if err := removeCovered(dir, name); err != nil {
		return fmt.Errorf("remove netns %s, covered by another mount: %w", name, err)
	}
	if mounts, err = readMounts("/proc/self/mountinfo"); err != nil {
		return fmt.Errorf("remove netns %s: %w", name, err)
	}
	if n := mountsAt(mounts, point); n > 0 {
		return fmt.Errorf("remove netns %s: still mounted %d time(s) at %s", name, n, point)
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("remove netns %s: %s is still there", name, path)
	}
	return nil
}

// unmountAll detaches every mount stacked at path that the caller's
// view reaches (never following a symlink at path).
func unmountAll(path string) error {
	for range maxLayers {
		err := unix.Unmount(path, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW)
		if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOENT) {
			return nil // no (more) mount there, or no file
		}
		if err != nil {
			return err
		}
	}
	return fmt.Errorf("%s: more than %d mounts stacked", path, maxLayers)
}

// removeCovered removes pin dir/name where mounts over dir (or over one
// of its parents) hide it: in a private copy of the mount namespace it
// peels those mounts off one at a time, at each level detaching the
// mounts at the pin and unlinking its file. Unlinking a file that other
// mount namespaces have mounts on detaches those mounts (the original
// namespace's covered pin among them), which umount(2) in the original
// namespace cannot reach. Nothing unmounted in the private copy is
// unmounted anywhere else.
func removeCovered(dir, name string) error {
	path := filepath.Join(dir, name)
	return inPrivateMounts(func() error {
		for range maxLayers {
			if err := unmountAll(path); err != nil {
				return fmt.Errorf("unmount %s: %w", path, err)
			}
			// EBUSY: the same file is mounted on further down; ENOENT:
			// the file is elsewhere further down, or gone.
			if err := unix.Unlink(path); err != nil && !errors.Is(err, unix.ENOENT) && !errors.Is(err, unix.EBUSY) {
				return fmt.Errorf("unlink %s: %w", path, err)
			}
			if more, err := peel(dir); !more || err != nil {
				return err
			}
		}
		return fmt.Errorf("%s: more than %d mounts over it", dir, maxLayers)
	})
}

// peel unmounts, in a private mount namespace, the topmost mount that
// covers dir: the one at dir, else the one at its nearest parent that
// is a mount point, never "/". It reports false at the bottom, where no
// mount but the root covers dir.
func peel(dir string) (more bool, err error) {
	for p := filepath.Clean(dir); p != "/" && p != "."; p = filepath.Dir(p) {
		err := unix.Unmount(p, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
			return false, fmt.Errorf("peel the mount at %s: %w", p, err)
		}
	}
	return false, nil
}

// openPinned opens the namespace pinned at dir/name, looking under the
// mounts that cover dir if the pin is hidden (see removeCovered). It returns vnetns.None()
// and no error when nothing is pinned there (a plain file, or no file).
func openPinned(dir, name string) (nsthread.Handle, error) {
	path := filepath.Join(dir, name)
	if isNSFile(path) {
		return vnetns.GetFromPath(path)
	}
	mounts, err := readMounts("/proc/self/mountinfo")
	if err != nil || mountsAt(mounts, filepath.Join(realDir(dir), name)) == 0 {
		return vnetns.None(), err
	}
	h := vnetns.None()
	err = inPrivateMounts(func() error {
		for range maxLayers {
			if isNSFile(path) {
				var err error
				h, err = vnetns.GetFromPath(path)
				return err
			}
			if more, err := peel(dir); !more || err != nil {
				return err
			}
		}
		return nil
	})
	return h, err
}

// isNSFile reports whether path is a namespace file (a pin).
func isNSFile(path string) bool {
	var sfs unix.Statfs_t
	return unix.Statfs(path, &sfs) == nil && sfs.Type == unix.NSFS_MAGIC
}

// inPrivateMounts runs fn on a fresh locked thread in a private copy of
// the caller's mount namespace: unshare(CLONE_NEWNS) acts on the calling
// thread only (a Go thread may unshare its mount namespace, though not
// setns into another), and everything is made private first, so that no
// unmount in the copy propagates back to a peer. The thread is never
// unlocked, so the runtime discards it, and the copy with it, when fn
// returns; threads the runtime starts later come from its template
// thread, not from this one.
func inPrivateMounts(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			errc <- fmt.Errorf("unshare the mount namespace: %w", err)
			return
		}
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			errc <- fmt.Errorf("make the private mount namespace private: %w", err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// readMounts reads a mount table (/proc/self/mountinfo, or another
// process's, for its mount namespace).
func readMounts(path string) ([]mountEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read mount table: %w", err)
	}
	defer f.Close()
	m, err := parseMountinfo(f)
	if err != nil {
		return nil, fmt.Errorf("read mount table %s: %w", path, err)
	}
	return m, nil
}

// realDir is dir as the mount table spells it (symlinks resolved).
func realDir(dir string) string {
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		return r
	}
	return filepath.Clean(dir)
}

// pinNames lists the siglab names under dir: the files there and the
// pins the mount table has in it, covered ones included, each once.
func pinNames(dir string) ([]string, error) {
	var (
		names []string
		errs  []error
	)
	seen := map[string]bool{}
	ents, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, fmt.Errorf("read %s: %w", dir, err))
	}
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, Prefix) && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	mounts, err := readMounts("/proc/self/mountinfo")
	if err != nil {
		errs = append(errs, err)
	}
	for _, n := range pinsIn(mounts, realDir(dir)) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return names, errors.Join(errs...)
}

// fdInode is the inode of the namespace an open handle refers to.
func fdInode(ns nsthread.Handle) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(ns), &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}
