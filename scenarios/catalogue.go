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
func Catalogue() ([]*Scenario, error) {
	names, err := fs.Glob(builtin, "*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	return parseAll(names, func(name string) (*Scenario, error) {
		data, err := builtin.ReadFile(name)
		if err != nil {
			return nil, err
		}
		return Parse(path.Join(catalogueDir, name), data)
	})
}

// Find returns the catalogue scenario called name.
func Find(name string) (*Scenario, error) {
	all, err := Catalogue()
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
