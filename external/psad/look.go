package psad

import (
	"os"
	"os/exec"
	"path/filepath"
)

// lookSbin finds a Debian program on PATH or in /usr/sbin, where Debian
// puts psad and ulogd (a PATH without /usr/sbin is common for non-login
// shells and sudo without a login).
func lookSbin(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err == nil {
		return p, nil
	}
	debian := filepath.Join("/usr/sbin", name)
	if fi, serr := os.Stat(debian); serr == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
		return debian, nil
	}
	return "", err
}
