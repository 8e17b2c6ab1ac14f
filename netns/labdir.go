package netns

import (
	"fmt"
	"os"
	"path/filepath"
)

// LabsDir holds one directory per persistent lab, StateDir/labs/<id>,
// for what the lab keeps beside its state file: the background
// process's log (`lab up --detach`) and an exercise's record (`lab
// exercise`). Its owner removes it as it takes the lab down; Clean
// removes those of labs whose process is gone. Mode 0700 like StateDir:
// an exercise's record is the answer.
var LabsDir = filepath.Join(StateDir, "labs")

// LabDir is lab id's directory under LabsDir (not made).
func LabDir(id string) string { return filepath.Join(LabsDir, id) }

// MakeLabDir makes lab id's directory, mode 0700, and returns it.
func MakeLabDir(id string) (string, error) {
	if !validID(id) {
		return "", fmt.Errorf("lab %q: not a lab id (<pid>-<n>): %w", id, ErrNoLab)
	}
	if err := stateDir(StateDir); err != nil {
		return "", fmt.Errorf("lab %s: %w", id, err)
	}
	if err := stateDir(LabsDir); err != nil {
		return "", fmt.Errorf("lab %s: %w", id, err)
	}
	dir := LabDir(id)
	if err := os.Mkdir(dir, 0o700); err != nil && !os.IsExist(err) {
		return "", fmt.Errorf("lab %s: %w", id, err)
	}
	return dir, nil
}

// RemoveLabDir removes lab id's directory and all in it; a missing one
// is no error.
func RemoveLabDir(id string) error {
	if !validID(id) {
		return fmt.Errorf("lab %q: not a lab id (<pid>-<n>): %w", id, ErrNoLab)
	}
	if err := os.RemoveAll(LabDir(id)); err != nil {
		return fmt.Errorf("remove directory of lab %s: %w", id, err)
	}
	return nil
}
