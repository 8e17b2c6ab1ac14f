package netns

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Clean removes what siglab processes left behind (after SIGKILL, say):
// every namespace under /run/netns named "siglab-<pid>-<seq>-..." whose
// pid is no longer alive, or every "siglab-*" namespace if all is set,
// and every link in the caller's namespace whose name starts with
// "siglab-". Labs open in this process are never touched (close them
// with CloseAll). Namespaces whose name carries no pid are removed only
// with all. It returns the names removed ("link <name>" for links) and
// the errors joined; it goes on after an error.
func Clean(all bool) (removed []string, err error) {
	removed, nerr := cleanNamespaces(runDir, all)
	links, lerr := cleanLinks()
	return append(removed, links...), errors.Join(nerr, lerr)
}

// cleanNamespaces is Clean's namespace half, on any run directory.
func cleanNamespaces(dir string, all bool) (removed []string, err error) {
	var errs []error
	ents, rerr := os.ReadDir(dir)
	if rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		errs = append(errs, fmt.Errorf("read %s: %w", dir, rerr))
	}
	open := openIDs()
	for _, e := range ents {
		name := e.Name()
		id, pid, ok := parseName(name)
		if !strings.HasPrefix(name, Prefix) || (ok && open[id]) {
			continue
		}
		if !all && (!ok || alive(pid)) {
			continue
		}
		if err := deleteNamed(dir, name); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, name)
	}
	return removed, errors.Join(errs...)
}

// parseName splits "siglab-<pid>-<seq>-<role>" into the lab ID and pid.
func parseName(name string) (id string, pid int, ok bool) {
	rest, found := strings.CutPrefix(name, Prefix)
	if !found {
		return "", 0, false
	}
	parts := strings.SplitN(rest, "-", 3)
	if len(parts) != 3 {
		return "", 0, false
	}
	pid, err := strconv.Atoi(parts[0])
	if err != nil || pid <= 0 {
		return "", 0, false
	}
	if _, err := strconv.ParseUint(parts[1], 10, 64); err != nil {
		return "", 0, false
	}
	return parts[0] + "-" + parts[1], pid, true
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
