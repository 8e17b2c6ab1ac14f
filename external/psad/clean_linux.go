package psad

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// killStrays sends SIGKILL to every psad (a perl process running
// /usr/sbin/psad) and ulogd process whose command line names a temporary
// directory of this package whose owner is dead: nothing else would ever
// stop them. It reads /proc, so it sees this mount namespace's processes.
func killStrays(dead func(owner int) bool) (killed []string, err error) {
	procs, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, f := range procs {
		b, err := os.ReadFile(f)
		if err != nil || len(b) == 0 {
			continue // gone meanwhile, or a kernel thread
		}
		args := bytes.Split(bytes.TrimRight(b, "\x00"), []byte{0})
		strs := make([]string, len(args))
		for i, a := range args {
			strs[i] = string(a)
		}
		name := strayName(strs)
		owner, ok := ownerInCmdline(strs)
		if name == "" || !ok || !dead(owner) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, fmt.Errorf("kill %s %d: %w", name, pid, err))
			continue
		}
		killed = append(killed, name+" "+strconv.Itoa(pid))
	}
	return killed, errors.Join(errs...)
}

// strayName is "psad" or "ulogd" for the command lines this package
// starts, "" for any other.
func strayName(args []string) string {
	for i, a := range args {
		switch filepath.Base(a) {
		case "psad":
			return "psad"
		case "ulogd":
			if i == 0 {
				return "ulogd"
			}
		}
		if i >= 2 {
			break
		}
	}
	return ""
}
