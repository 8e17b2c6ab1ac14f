package capture

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// WriteFileAtomic writes path through a temporary file in the same
// directory that becomes path only when whole (tempfile.go), so a reader
// never sees half a file and a writer killed midway, by SIGKILL too,
// leaves nothing where the system has unnamed files (Linux's O_TMPFILE).
// The file is mode 0600. A path that exists and is not a regular file
// (/dev/stdout, a FIFO, a device) is written in place instead: renaming
// over it would replace the device node with a file.
//
// The temporary file has no name (O_TMPFILE) or one from os.CreateTemp
// (O_EXCL, a random name: nothing another user placed there is ever
// followed or reused), and is removed on every error; an error (a full disk, a read-only or
// unwritable directory) leaves path as it was, names path, not the
// temporary file, and stays on one line.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	return WriteFileAtomicPerm(path, 0o600, write)
}

// WriteFileAtomicPerm is WriteFileAtomic for a file of mode perm less the
// process's umask, as os.WriteFile creates one, and never group- or
// world-writable whatever the umask (nmap's -oN log: 0644).
func WriteFileAtomicPerm(path string, perm fs.FileMode, write func(io.Writer) error) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return writeInPlace(path, fi, write)
	}
	tmp, err := createTemp(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, bare(err))
	}
	if perm.Perm() != 0o600 { // the temporary file's own mode
		if err := tmp.Chmod(perm.Perm() &^ umask() &^ 0o022); err != nil {
			tmp.discard()
			return fmt.Errorf("%s: %w", path, bare(err))
		}
	}
	bw := bufio.NewWriter(bareWriter{tmp.File})
	if err := write(bw); err != nil {
		tmp.discard()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		tmp.discard()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.publish(path); err != nil {
		tmp.discard()
		return fmt.Errorf("%s: %w", path, bare(err))
	}
	return nil
}

// bare drops a *fs.PathError's operation and path, which name the
// temporary file: the caller names the file the user asked for.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// bareWriter writes to the temporary file with bare errors.
type bareWriter struct{ f *os.File }

func (w bareWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	return n, bare(err)
}

// umask is the process's file mode creation mask, read from
// /proc/self/status where there is one (Linux); elsewhere the common
// 022. Reading it any other way (syscall.Umask) means setting it, which
// races with other goroutines creating files.
func umask() fs.FileMode {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0o022
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Umask:"); ok {
			if m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
				return fs.FileMode(m).Perm()
			}
		}
	}
	return 0o022
}
