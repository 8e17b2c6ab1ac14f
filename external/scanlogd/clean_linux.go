package scanlogd

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Clean ends what a siglab process that is gone left of its scanlogd
// daemons: every process whose environment carries the owner mark of a
// siglab process no longer running (the daemon, and the shell that is its
// PID namespace's init) gets SIGKILL, and is reported as "scanlogd
// <pid> (<command>) of siglab process <owner>". Start's daemons die with
// their siglab process by themselves (PDEATHSIG); this is the backstop.
// Daemons of live siglab processes, this one's included, are not
// touched. Start leaves no file or mount outside the daemon's own mount
// namespace, which goes with its last process, so there is nothing else
// to remove. It goes on after an error and returns the errors joined; a
// process that is still there after SIGKILL is one.
func Clean() (removed []string, err error) {
	self, err := ownerMark(os.Getpid())
	if err != nil {
		return nil, err
	}
	// The daemons first: ending their shell first would take them down
	// unreported.
	var daemons, others []int
	for _, pid := range pids() {
		owner, ok := ownerOf(pid)
		if !ok || owner == self || ownerAlive(owner) {
			continue
		}
		if comm(pid) == "scanlogd" {
			daemons = append(daemons, pid)
		} else {
			others = append(others, pid)
		}
	}
	var errs []error
	for _, pid := range append(daemons, others...) {
		owner, ok := ownerOf(pid)
		if !ok {
			continue // gone with its PID namespace meanwhile
		}
		what := fmt.Sprintf("scanlogd %d (%s) of siglab process %s", pid, comm(pid), ownerPID(owner))
		if err := kill(pid); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
			continue
		}
		removed = append(removed, what)
	}
	return removed, errors.Join(errs...)
}

// comm is a process's command name.
func comm(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	return strings.TrimSpace(string(b))
}

// kill sends SIGKILL through a pidfd (never to a reused pid) and waits
// until the process has exited.
func kill(pid int) error {
	fd, err := unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ESRCH) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0); err != nil && !errors.Is(err, unix.ESRCH) {
		return err
	}
	if !exited(fd, termTimeout) {
		return fmt.Errorf("still running %v after SIGKILL", termTimeout)
	}
	return nil
}

// ownerMark is the value of ownerEnv for siglab process pid.
func ownerMark(pid int) (string, error) {
	st, err := readStat(pid)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(pid) + ":" + strconv.FormatUint(st.start, 10), nil
}

// ownerPID is the pid part of an owner mark.
func ownerPID(mark string) string {
	pid, _, _ := strings.Cut(mark, ":")
	return pid
}

// ownerAlive reports whether the siglab process of an owner mark runs:
// its pid exists, is no zombie and started when the mark says.
func ownerAlive(mark string) bool {
	p, start, ok := strings.Cut(mark, ":")
	pid, err := strconv.Atoi(p)
	if !ok || err != nil || pid <= 0 {
		return false
	}
	st, err := readStat(pid)
	return err == nil && !st.zombie && strconv.FormatUint(st.start, 10) == start
}

// ownerOf reads ownerEnv from a process's environment.
func ownerOf(pid int) (string, bool) {
	env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return "", false
	}
	for _, kv := range bytes.Split(env, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, []byte(ownerEnv+"=")); ok {
			return string(v), true
		}
	}
	return "", false
}

// pids lists the processes in /proc.
func pids() []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil && pid > 0 {
			out = append(out, pid)
		}
	}
	return out
}

// stat is what siglab reads of /proc/<pid>/stat.
type stat struct {
	ppid   int
	start  uint64
	zombie bool
}

func readStat(pid int) (stat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return stat{}, err
	}
	return parseStat(string(b))
}

// parseStat reads "pid (comm) state ppid ... starttime ...": comm may
// hold spaces and parentheses, so fields count from the last ')'; state
// is field 3, ppid 4, starttime 22.
func parseStat(s string) (stat, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return stat{}, fmt.Errorf("malformed /proc stat %q", s)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return stat{}, fmt.Errorf("malformed /proc stat %q", s)
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return stat{}, fmt.Errorf("malformed /proc stat ppid %q", f[1])
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return stat{}, fmt.Errorf("malformed /proc stat starttime %q", f[19])
	}
	return stat{ppid: ppid, start: start, zombie: f[0] == "Z" || f[0] == "X"}, nil
}
