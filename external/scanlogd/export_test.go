//go:build linux

package scanlogd

import "github.com/siglab/siglab/netns/nsthread"

// StartDetached starts a daemon that outlives this process, as one would
// whose PDEATHSIG failed: what Clean is for.
func StartDetached(ns nsthread.Handle) (*Daemon, error) { return start(ns, true) }

// OwnerEnv is the environment variable that marks siglab's daemons.
const OwnerEnv = ownerEnv

// ParseRaw and ParseStat are the /proc readers.
var (
	ParseRaw  = parseRaw
	ParseStat = func(s string) (ppid int, start uint64, zombie bool, err error) {
		st, err := parseStat(s)
		return st.ppid, st.start, st.zombie, err
	}
)
