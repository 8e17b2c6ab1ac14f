package netns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CleanLabDirs removes the directories under LabsDir of labs whose
// process is gone (all: every lab's but this process's own open labs),
// and the start logs (".start-*.log") of `lab up --detach` whose
// starter is gone. A lab's process is alive when its state file says so
// or, before it wrote one, when the pid in its ID runs.
func CleanLabDirs(all bool) (removed []string, err error) { return cleanLabDirs(LabsDir, all) }

func cleanLabDirs(dir string, all bool) (removed []string, err error) {
	ents, err := readDirIfAny(dir)
	if err != nil {
		return nil, err
	}
	open := openIDs()
	var errs []error
	for _, e := range ents {
		name := e.Name()
		path := filepath.Join(dir, name)
		if pid, ok := startLogPID(name); ok {
			if running(pid) {
				continue
			}
		} else if !validID(name) || open[name] || (!all && labDirAlive(name)) {
			continue
		}
		if err := os.RemoveAll(path); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", path, err))
			continue
		}
		removed = append(removed, "lab directory "+path)
	}
	return removed, errors.Join(errs...)
}

// labDirAlive reports whether lab id's process runs, by its state file
// or, without one, by the pid in its ID.
func labDirAlive(id string) bool {
	if st, err := readState(StateDir, id); err == nil {
		return st.Alive()
	}
	_, pid, _ := parseName(Prefix + id + "-x")
	return running(pid)
}

// running reports whether process pid runs: it exists and is no zombie
// (a detached lab's process is reaped by whoever adopted it, maybe late).
func running(pid int) bool {
	_, zombie, err := procStat(pid)
	return err == nil && !zombie
}

// StartLogName is the name, in LabsDir, of the log a `lab up --detach`
// started by process pid gives its background process until that one
// knows its lab's ID and moves the log into LabDir.
func StartLogName(pid int) string { return fmt.Sprintf(".start-%d.log", pid) }

func startLogPID(name string) (int, bool) {
	s, ok := strings.CutPrefix(name, ".start-")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, ".log")
	var pid int
	if _, err := fmt.Sscanf(s, "%d", &pid); !ok || err != nil || pid <= 0 {
		return 0, false
	}
	return pid, true
}
