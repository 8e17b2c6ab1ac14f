package netns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Clean removes what siglab processes left behind (after SIGKILL, say)
// and says what it removed, one entry each. In order:
//   - lab up processes whose lab is gone: a process alive as its state
//     file records it (pid and start time), none of whose namespaces is
//     pinned any more in its own mount namespace, gets SIGTERM, upon
//     which it takes the rest down and exits ("lab up process <pid> of
//     lab <id> (...)"); with all, every live lab up process does, as
//     Down does it;
//   - every namespace under /run/netns named "siglab-<pid>-<seq>-..."
//     whose pid is no longer alive (every "siglab-*" one if all is set),
//     found by its file or in the mount table (so also when another mount
//     covers or hides the pin; see deleteNamed), the siglab TUN devices
//     inside it first (a persistent lab's TUN would outlive an unmounted
//     namespace that something still holds);
//   - the siglab links and the siglab nftables table in namespaces that
//     no pin holds any more in any mount namespace while processes are
//     still in them (a shell from `ip netns exec` in a lab whose pin was
//     deleted): "link <name> in net:[N] (...)", "nftables table ip
//     siglab in net:[N] (...)"; those processes are not siglab's to end,
//     and the namespace, empty, goes with them (see cleanUnpinned);
//   - every stale state file in StateDir (its process gone; every one if
//     all is set) and the temporary files of state writers that died;
//   - every link in the caller's namespace whose name starts with
//     "siglab-".
//
// Labs open in this process are never touched (close them with
// CloseAll), nor, without all, the labs of live processes. Namespaces
// whose name carries no pid are removed only with all. Names are
// "siglab-..." for namespaces, "link <name>" for links, "state <path>"
// for state files. It goes on after an error and returns the errors
// joined; each removal is checked (a namespace's pin must be gone from
// the mount table), so no error means that nothing it picked is left.
func Clean(all bool) (removed []string, err error) {
	daemons, derr := stopDaemons(StateDir, all)
	names, nerr := cleanNamespaces(runDir, all)
	unpinned, uerr := cleanUnpinned()
	states, serr := cleanStates(StateDir, all)
	links, lerr := cleanLinks()
	for _, r := range [][]string{daemons, names, unpinned, states, links} {
		removed = append(removed, r...)
	}
	return removed, errors.Join(derr, nerr, uerr, serr, lerr)
}

// cleanNamespaces is Clean's namespace half, on any run directory.
func cleanNamespaces(dir string, all bool) (removed []string, err error) {
	open := openIDs()
	return removeNamespaces(dir, func(name, id string, pid int, ok bool) bool {
		if ok && open[id] {
			return false
		}
		return all || (ok && !labAlive(id, pid))
	})
}

// labAlive reports whether lab id's process runs: for a persistent lab
// by its state (which also tells a reused pid), else by its pid.
func labAlive(id string, pid int) bool {
	if st, err := readState(StateDir, id); err == nil {
		return st.Alive()
	}
	return alive(pid)
}

// removeNamespaces removes the siglab namespaces under dir that pick
// selects, given each one's name and, when ok, its lab ID and pid: those
// with a file there and those the mount table has pinned there, covered
// or not. It deletes their TUN devices before unpinning them.
func removeNamespaces(dir string, pick func(name, id string, pid int, ok bool) bool) (removed []string, err error) {
	names, lerr := pinNames(dir)
	errs := []error{lerr}
	for _, name := range names {
		id, pid, ok := parseName(name)
		if !pick(name, id, pid, ok) {
			continue
		}
		if err := deleteTUNsAt(dir, name); err != nil {
			errs = append(errs, err) // still unpin: the namespace goes, and with it the TUN unless held
		}
		if err := deleteNamed(dir, name); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, name)
	}
	return removed, errors.Join(errs...)
}

// readDirIfAny lists dir; a directory that does not exist (nothing was
// ever made there) lists as empty.
func readDirIfAny(dir string) ([]os.DirEntry, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	return ents, nil
}

// cleanStates removes the state files in dir of labs whose process is
// gone (all of them with all), and temporary files of writers that died
// before renaming them, except those of labs open in this process. A
// file it cannot parse is judged by the pid in its name.
func cleanStates(dir string, all bool) (removed []string, err error) {
	ents, err := readDirIfAny(dir)
	if err != nil {
		return nil, err
	}
	open := openIDs()
	var errs []error
	for _, e := range ents {
		id, ok := stateFileID(e.Name())
		if !ok || open[id] || (!all && stateAlive(dir, e.Name(), id)) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove %s: %w", path, err))
			continue
		}
		removed = append(removed, "state "+path)
	}
	return removed, errors.Join(errs...)
}

// stateFileID is the lab ID of a state file "<id>.json" or of a writer's
// temporary ".<id>.json.tmp*".
func stateFileID(file string) (id string, ok bool) {
	id, _, found := strings.Cut(strings.TrimPrefix(file, "."), ".json")
	return id, found && validID(id)
}

// stateAlive reports whether the process behind a state file runs: by
// the state's pid and start time when the file parses (a final
// "<id>.json"), else by the pid in its name.
func stateAlive(dir, file, id string) bool {
	if file == id+".json" {
		if st, err := readState(dir, id); err == nil {
			return st.Alive()
		}
	}
	_, pid, _ := parseName(Prefix + id + "-x")
	return alive(pid)
}

// alive reports whether a process with that pid exists (EPERM means it
// does, just not ours to signal).
func alive(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}

// cleanLinks deletes "siglab-*" links in the caller's namespace. siglab
// itself never makes links there; only another tool's half-done work or
// an old version could leave them.
func cleanLinks() ([]string, error) {
	var (
		links []netlink.Link
		err   error
	)
	for range retries {
		if links, err = netlink.LinkList(); !errors.Is(err, netlink.ErrDumpInterrupted) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	var removed []string
	var errs []error
	for _, l := range links {
		name := l.Attrs().Name
		if !strings.HasPrefix(name, Prefix) {
			continue
		}
		// ENODEV: already gone with a veth peer deleted just before.
		if err := netlink.LinkDel(l); err != nil && !errors.Is(err, unix.ENODEV) {
			errs = append(errs, fmt.Errorf("delete link %s: %w", name, err))
			continue
		}
		removed = append(removed, "link "+name)
	}
	return removed, errors.Join(errs...)
}
