package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// builtin holds the catalogue: the *.yaml files of this directory.
//
//go:embed *.yaml
var builtin embed.FS

// catalogueDir is how catalogue files are named in errors and in
// Scenario.File: their path in the repository.
const catalogueDir = "scenarios"

// Catalogue parses the built-in scenarios, sorted by file name.
func Catalogue() ([]*Scenario, error) { return catalogueWith(nil) }

// catalogueWith reads the catalogue against dets (Builtin when nil): a
// suite's detectors file may add expectations' detectors, never remove
// the built-in ones the catalogue names.
func catalogueWith(dets *DetectorSet) ([]*Scenario, error) {
	names, err := fs.Glob(builtin, "*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	return parseAll(names, func(name string) ([]*Scenario, error) {
		data, err := builtin.ReadFile(name)
		if err != nil {
			return nil, err
		}
		s, err := ParseWith(path.Join(catalogueDir, name), data, dets)
		if err != nil {
			return nil, err
		}
		return []*Scenario{s}, nil
	})
}

// Find returns the catalogue scenario called name.
func Find(name string) (*Scenario, error) { return findWith(name, nil) }

// findWith is Find against dets. A catalogue file is named after its
// scenario (a spec checks it), so the named file is read alone first:
// one file parsed instead of the whole catalogue on every `run NAME`,
// `generate NAME` or `lab up` (#19). Anything else, a parse error
// included, is left to the whole catalogue's reading, which says it as
// before.
func findWith(name string, dets *DetectorSet) (*Scenario, error) {
	if file := name + ".yaml"; nameRE().MatchString(name) {
		if data, err := builtin.ReadFile(file); err == nil {
			if s, err := ParseWith(path.Join(catalogueDir, file), data, dets); err == nil && s.Name == name {
				return s, nil
			}
		}
	}
	all, err := catalogueWith(dets)
	if err != nil {
		return nil, err
	}
	for _, s := range all {
		if s.Name == name {
			return s, nil
		}
	}
	known := make([]string, len(all))
	for i, s := range all {
		known[i] = s.Name
	}
	return nil, fmt.Errorf("%q: %w in the catalogue (have: %s)", name, ErrNotFound, strings.Join(known, ", "))
}
