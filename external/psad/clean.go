package psad

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/siglab/siglab/ownedtemp"
)

// Clean removes what a siglab process killed before it could clean up
// after itself left: the psad and ulogd2 processes it started (found by
// their command lines, which name its temporary directory) and then
// those directories in os.TempDir, for every owner pid that is no longer
// alive. It touches nothing of a live process and returns what it
// removed, one "psad <pid>", "ulogd <pid>" or "temp <path>" each.
func Clean() (removed []string, err error) {
	killed, kerr := killStrays(func(owner int) bool { return !ownedtemp.Alive(owner) })
	temp, terr := ownedtemp.Clean(TempPrefix)
	return append(killed, temp...), errors.Join(kerr, terr)
}

// ownerInCmdline finds a temporary directory of this package in a
// command line and returns its owner's pid.
func ownerInCmdline(args []string) (int, bool) {
	for _, a := range args {
		for _, part := range strings.Split(a, string(filepath.Separator)) {
			if pid, ok := ownedtemp.Owner(part, TempPrefix); ok {
				return pid, true
			}
		}
	}
	return 0, false
}
