package capture

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// createTemp opens an unnamed file (O_TMPFILE) in path's directory,
// mode 0600; a filesystem without O_TMPFILE gets a named one.
func createTemp(path string) (*tempFile, error) {
	dir := filepath.Dir(path)
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	if err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EISDIR) || errors.Is(err, unix.EINVAL) {
			return createNamedTemp(path)
		}
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return &tempFile{File: os.NewFile(uintptr(fd), filepath.Join(dir, "(unnamed)"))}, nil
}

// publish gives the whole file its name, path, and closes it. An
// unnamed file is linked in under path directly when path is free, so
// no other name ever exists; replacing a file takes a hidden name for
// the instant between the link and the rename.
func (t *tempFile) publish(path string) error {
	defer t.Close()
	if t.named != "" {
		return os.Rename(t.named, path)
	}
	proc := "/proc/self/fd/" + strconv.Itoa(int(t.Fd()))
	err := unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW)
	if !errors.Is(err, unix.EEXIST) {
		return linkErr(path, err)
	}
	for i := 0; ; i++ {
		tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.%d.%d", filepath.Base(path), os.Getpid(), i))
		err = unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, tmp, unix.AT_SYMLINK_FOLLOW)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			return linkErr(tmp, err)
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return err
		}
		return nil
	}
}

func linkErr(path string, err error) error {
	if err == nil {
		return nil
	}
	return &os.LinkError{Op: "link", Old: "(unnamed)", New: path, Err: err}
}
