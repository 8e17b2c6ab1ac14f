package verifier

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external/psad"
	"github.com/siglab/siglab/ownedtemp"
)

// Errors of RunP0f.
var (
	// ErrP0fMissing: no p0f on PATH.
	ErrP0fMissing = errors.New("p0f is not installed (apt-get install p0f)")
	// ErrP0fFailed: p0f ran and exited non-zero, or could not be run.
	ErrP0fFailed = errors.New("p0f failed")
)

// p0fTempPrefix starts the name of RunP0f's temporary directory, in
// os.TempDir: "siglab-p0f-<pid>-<random>", the pid telling CleanP0fTemp
// whose it is.
const p0fTempPrefix = "siglab-p0f-"

// CleanP0fTemp removes the temporary directories of RunP0f that a
// process killed before it could remove its own left in os.TempDir (those
// whose pid is no longer alive), and returns them as "temp <path>".
func CleanP0fTemp() (removed []string, err error) { return ownedtemp.Clean(p0fTempPrefix) }

// CleanDetectors removes what detectors under test that siglab ran and
// that were killed left: p0f's and declared engines' temporary
// directories, and (cleaners) scanlogd's and psad's daemons and
// directories. Each removed thing is one "kind path" line.
func CleanDetectors() (removed []string, err error) {
	var errs []error
	for _, clean := range append([]func() ([]string, error){CleanP0fTemp,
		func() ([]string, error) { return ownedtemp.Clean(engineTempPrefix) }}, cleaners...) {
		r, err := clean()
		removed = append(removed, r...)
		errs = append(errs, err)
	}
	return removed, errors.Join(errs...)
}

// cleaners are the built-in detectors' own clean-up functions.
var cleaners = []func() ([]string, error){psad.Clean}

// RunP0f runs p0f 3 over c offline (`p0f -r PCAP -o LOG` in a temporary
// directory, removed afterwards) and returns its log and the records
// that parse, in log order.
func RunP0f(ctx context.Context, c *capture.Capture) (log []byte, recs []P0fRecord, err error) {
	bin, err := exec.LookPath("p0f")
	if err != nil {
		return nil, nil, ErrP0fMissing
	}
	dir, err := ownedtemp.Mkdir(p0fTempPrefix)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrP0fFailed, err)
	}
	defer os.RemoveAll(dir)
	pcap, logPath := filepath.Join(dir, "capture.pcap"), filepath.Join(dir, "p0f.log")
	if err := capture.WriteFileAtomic(pcap, c.WritePcap); err != nil {
		return nil, nil, fmt.Errorf("%w: write capture: %w", ErrP0fFailed, err)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-r", pcap, "-o", logPath)
	cmd.Stderr = &stderr // stdout repeats the log in a long form: dropped
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("%w: %w: %s", ErrP0fFailed, err, lastP0fError(stderr.String()))
	}
	log, err = os.ReadFile(logPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil // p0f writes its log only when it observed something
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrP0fFailed, err)
	}
	recs, err = ParseP0fLog(bytes.NewReader(log))
	if err != nil {
		return log, nil, fmt.Errorf("%w: read log: %w", ErrP0fFailed, err)
	}
	return log, recs, nil
}

// lastP0fError picks the line that says what went wrong from p0f's
// stderr: the last "[-] ..." line (its "Location :" lines follow it),
// else the last non-empty one.
func lastP0fError(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); strings.HasPrefix(l, "[-]") {
			return l
		}
	}
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return l
	}
	return "no message on stderr"
}
