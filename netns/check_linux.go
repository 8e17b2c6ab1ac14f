package netns

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// CheckLive reports, before anything is built, whether this process can
// build live test networks: root with CAP_NET_ADMIN and CAP_SYS_ADMIN
// (ErrPrivilege), a TUN device to open (ErrNoTUN) and a writable
// /run/netns, created if missing (ErrRunDir). It builds and sends
// nothing; its error is one line saying what is missing.
func CheckLive() error {
	if uid := os.Geteuid(); uid != 0 {
		return fmt.Errorf("%w: running as uid %d", ErrPrivilege, uid)
	}
	if missing, err := missingCaps(); err != nil {
		return fmt.Errorf("%w: capget: %w", ErrPrivilege, err)
	} else if len(missing) > 0 {
		return fmt.Errorf("%w: this process has uid 0 but not %s (dropped by a container or setpriv)", ErrPrivilege, strings.Join(missing, " or "))
	}
	if err := checkTUN(); err != nil {
		return err
	}
	return checkWritable(runDir, 0o755)
}

// CheckStateDir reports whether StateDir can take a lab's state file,
// creating it (mode 0700) if missing; its error wraps ErrRunDir.
func CheckStateDir() error { return checkWritable(StateDir, 0o700) }

// missingCaps names the capabilities a lab needs that the process's
// effective set lacks.
func missingCaps() ([]string, error) {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return nil, err
	}
	var missing []string
	for _, c := range []struct {
		bit  uint
		name string
	}{{unix.CAP_NET_ADMIN, "CAP_NET_ADMIN"}, {unix.CAP_SYS_ADMIN, "CAP_SYS_ADMIN"}} {
		if data[c.bit/32].Effective&(1<<(c.bit%32)) == 0 {
			missing = append(missing, c.name)
		}
	}
	return missing, nil
}

// tunDev is the TUN clone device every lab's TUN is made through.
const tunDev = "/dev/net/tun"

// checkTUN opens the TUN clone device and closes it again: without a
// TUNSETIFF the kernel makes no device.
func checkTUN() error {
	fd, err := unix.Open(tunDev, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		hint := ""
		switch {
		case errors.Is(err, unix.ENOENT):
			hint = " (load the module, modprobe tun, or make the node: mknod -m 0600 /dev/net/tun c 10 200)"
		case errors.Is(err, unix.ENODEV), errors.Is(err, unix.ENXIO):
			hint = " (the kernel has no TUN driver loaded: modprobe tun)"
		}
		return fmt.Errorf("%w: open %s: %w%s", ErrNoTUN, tunDev, err, hint)
	}
	unix.Close(fd)
	return nil
}

// checkWritable creates dir if missing and checks this process may
// create files in it; access(2) also says EROFS for a read-only mount.
func checkWritable(dir string, perm os.FileMode) error {
	err := os.MkdirAll(dir, perm)
	if err == nil {
		err = unix.Access(dir, unix.W_OK|unix.X_OK)
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("%w: %s: %w", ErrRunDir, dir, err)
	}
	return nil
}
