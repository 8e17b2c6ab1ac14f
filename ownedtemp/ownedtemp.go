package ownedtemp

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Mkdir makes a fresh directory "<prefix><pid>-<random>" in os.TempDir,
// pid being this process's.
func Mkdir(prefix string) (string, error) {
	return os.MkdirTemp("", prefix+strconv.Itoa(os.Getpid())+"-")
}

// Owner reads the owner's pid out of a directory name Mkdir made with
// prefix.
func Owner(name, prefix string) (int, bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	pidStr, _, found := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(pidStr)
	return pid, ok && found && err == nil && pid > 0
}

// Alive reports whether a process with that pid exists (signal 0 reaches
// it, or it is someone else's).
func Alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Clean removes os.TempDir's directories made with prefix whose owner is
// no longer alive, and returns them as "temp <path>".
func Clean(prefix string) (removed []string, err error) {
	ents, err := os.ReadDir(os.TempDir())
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", os.TempDir(), err)
	}
	var errs []error
	for _, e := range ents {
		pid, ok := Owner(e.Name(), prefix)
		if !ok || !e.IsDir() || Alive(pid) {
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
