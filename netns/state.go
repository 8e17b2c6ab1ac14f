package netns

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/siglab/siglab/labnet"
)

// StateDir holds one JSON file per persistent lab (`siglab lab up`),
// named "<id>.json". /run is a tmpfs, so a reboot, which takes the
// namespaces with it, takes the state files too. The directory is mode
// 0700 and the files 0600: they name the lab's processes and namespaces,
// which only root may act on, so only root reads them.
const StateDir = "/run/siglab"

// State describes a persistent lab to other processes: `lab status`
// lists it, `scan --lab` finds its hosts and TUN, `lab down` its process.
// The lab's process writes it once the lab is up and removes it last.
type State struct {
	ID  string `json:"id"`
	PID int    `json:"pid"`
	// PIDStart is the process's start time (clock ticks after boot, from
	// /proc/<pid>/stat), so that a pid reused by another process is not
	// taken for the lab's and never signalled.
	PIDStart uint64 `json:"pid_start"`
	// Scenario is the file (absolute path) or catalogue name the lab was
	// built from; Seed is that scenario's seed, which scans in the lab use.
	Scenario    string      `json:"scenario"`
	Seed        uint64      `json:"seed"`
	Created     time.Time   `json:"created"`
	Scanner     netip.Addr  `json:"scanner"`
	ScanNS      string      `json:"scan_ns"`
	TUN         string      `json:"tun"`
	SensorNS    string      `json:"sensor_ns"`
	SensorIface string      `json:"sensor_iface"`
	Namespaces  []string    `json:"namespaces"`
	Hosts       []StateHost `json:"hosts"`
}

// StateHost is one target of a persistent lab: the host as it was
// built (its Stack spelt canonically) and its namespace.
type StateHost struct {
	labnet.Host
	// Namespace is the host's own namespace; emulated stacks have none.
	Namespace string `json:"namespace,omitempty"`
}

// WriteState writes st to StateDir atomically (a temporary file renamed
// into place), so readers never see half a file.
func WriteState(st State) error { return writeState(StateDir, st) }

// ReadState reads the state of lab id; a lab without one wraps ErrNoLab.
func ReadState(id string) (State, error) { return readState(StateDir, id) }

// ReadStates reads every lab's state, oldest first. Files it cannot read
// are left out and reported in the joined error.
func ReadStates() ([]State, error) { return readStates(StateDir) }

// RemoveState removes lab id's state file; a missing one is no error.
func RemoveState(id string) error { return removeState(StateDir, id) }

func statePath(dir, id string) string { return filepath.Join(dir, id+".json") }

func writeState(dir string, st State) error {
	if !validID(st.ID) {
		return fmt.Errorf("write state: bad lab id %q: %w", st.ID, ErrNoLab)
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	if err := stateDir(dir); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	// The temporary name starts with the ID too, so Clean can tell
	// whose it is if this process dies before the rename. os.CreateTemp
	// makes it 0600, and so the state file.
	f, err := os.CreateTemp(dir, "."+st.ID+".json.tmp*")
	if err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	_, werr := f.Write(append(b, '\n'))
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write state: %w", err)
	}
	if err := os.Rename(f.Name(), statePath(dir, st.ID)); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

// stateDir makes dir, mode 0700, or narrows it to 0700 if it is wider
// (made by an older siglab, 0755): the state files are root's alone.
func stateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return os.Chmod(dir, 0o700)
	}
	return nil
}

func readState(dir, id string) (State, error) {
	if !validID(id) {
		return State{}, fmt.Errorf("lab %q: not a lab id (<pid>-<n>): %w", id, ErrNoLab)
	}
	b, err := os.ReadFile(statePath(dir, id))
	if errors.Is(err, os.ErrNotExist) {
		return State{}, fmt.Errorf("lab %s: no state file in %s: %w", id, dir, ErrNoLab)
	}
	if err != nil {
		return State{}, fmt.Errorf("lab %s: %w", id, rootOnly(err))
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return State{}, fmt.Errorf("lab %s: state file %s: %w", id, statePath(dir, id), err)
	}
	if st.ID != id {
		return State{}, fmt.Errorf("lab %s: state file %s names lab %q", id, statePath(dir, id), st.ID)
	}
	return st, nil
}

func readStates(dir string) ([]State, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, rootOnly(err)
	}
	var (
		out  []State
		errs []error
	)
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !validID(id) {
			continue
		}
		st, err := readState(dir, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b State) int { return a.Created.Compare(b.Created) })
	return out, errors.Join(errs...)
}

// rootOnly says who may read the state files when a user may not.
func rootOnly(err error) error {
	if errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("%w (lab state is root's alone: run as root)", err)
	}
	return err
}

func removeState(dir, id string) error {
	if err := os.Remove(statePath(dir, id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove state of lab %s: %w", id, err)
	}
	return nil
}

// validID accepts "<pid>-<n>", the only IDs Build makes; anything else
// (a path, say) never reaches the file system.
func validID(id string) bool {
	_, _, ok := parseName(Prefix + id + "-x")
	return ok && !strings.ContainsAny(id, "/.") && strings.Count(id, "-") == 1
}
