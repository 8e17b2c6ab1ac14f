package psad

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Clean removes what a siglab process killed before it could clean up
// after itself left: the psad and ulogd2 processes it started (found by
// their command lines, which name its temporary directory) and then
// those directories in os.TempDir, for every owner pid that is no longer
// alive. It touches nothing of a live process and returns what it
// removed, one "psad <pid>", "ulogd <pid>" or "temp <path>" each.
func Clean() (removed []string, err error) {
	dead := func(owner int) bool { return !processAlive(owner) }
	killed, kerr := killStrays(dead)
	removed = append(removed, killed...)
	ents, err := os.ReadDir(os.TempDir())
	if err != nil {
		return removed, errors.Join(kerr, fmt.Errorf("read %s: %w", os.TempDir(), err))
	}
	errs := []error{kerr}
	for _, e := range ents {
		owner, ok := tempOwner(e.Name())
		if !ok || !e.IsDir() || !dead(owner) {
			continue
		}
		path := filepath.Join(os.TempDir(), e.Name())
		if err := os.RemoveAll(path); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, "temp "+path)
	}
	return removed, errors.Join(errs...)
}

// tempOwner reads the pid out of a name "siglab-psad-<pid>-<random>".
func tempOwner(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, TempPrefix)
	pidStr, _, found := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(pidStr)
	return pid, ok && found && err == nil && pid > 0
}

// ownerInCmdline finds a temporary directory of this package in a
// command line and returns its owner's pid.
func ownerInCmdline(args []string) (int, bool) {
	for _, a := range args {
		for _, part := range strings.Split(a, string(filepath.Separator)) {
			if pid, ok := tempOwner(part); ok {
				return pid, true
			}
		}
	}
	return 0, false
}

// processAlive reports whether a process with that pid exists (signal 0
// reaches it, or it is someone else's).
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
