package netns

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// State describes l, built from spec, as owned by this process.
// scenario and seed are recorded for `scan --lab`.
func (l *Lab) State(spec Spec, scenario string, seed uint64) (State, error) {
	start, _, err := procStat(os.Getpid())
	if err != nil {
		return State{}, err
	}
	st := State{ID: l.id, PID: os.Getpid(), PIDStart: start, Scenario: scenario, Seed: seed,
		Created: time.Now().UTC().Truncate(time.Millisecond), Scanner: l.scanner,
		ScanNS: l.nsName("scan"), TUN: tunName, SensorNS: l.nsName("sens"), SensorIface: dnName,
		Namespaces: l.Namespaces()}
	for i, h := range spec.Hosts {
		sh := StateHost{Host: h}
		sh.Addr, sh.Stack = h.Addr.Unmap(), h.Stack.Canonical()
		if h.Stack.IsKernel() {
			sh.Namespace = l.nsName("h" + strconv.Itoa(i))
		}
		st.Hosts = append(st.Hosts, sh)
	}
	return st, nil
}

// Alive reports whether the lab's process still runs: the pid exists,
// is not a zombie and started when the state says it did.
func (st State) Alive() bool {
	start, zombie, err := procStat(st.PID)
	return err == nil && !zombie && start == st.PIDStart
}

// procStat reads a process's start time and whether it is a zombie
// (dead, not yet reaped: kill(pid, 0) still succeeds on it).
func procStat(pid int) (start uint64, zombie bool, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false, fmt.Errorf("process %d: %w", pid, err)
	}
	return parseStat(string(b))
}

// parseStat parses /proc/<pid>/stat: "pid (comm) state ppid ...", where
// comm may hold spaces and parentheses, so fields count from the last
// ')'. The state is field 3 and starttime field 22.
func parseStat(s string) (start uint64, zombie bool, err error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false, fmt.Errorf("malformed /proc stat %q", s)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return 0, false, fmt.Errorf("malformed /proc stat %q", s)
	}
	start, err = strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("malformed /proc stat starttime %q", f[19])
	}
	return start, f[0] == "Z" || f[0] == "X", nil
}
