package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// LoadFile reads and parses one scenario file, with the detectors file
// next to it (DetectorsFile in its directory) when there is one. A
// matrix file is refused: Load expands it.
func LoadFile(path string) (*Scenario, error) {
	dets, err := besides(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseWith(path, data, dets)
}

// loadFile reads one scenario file, or the scenarios of a matrix file,
// against dets, or against the detectors file next to it when dets is nil.
func loadFile(path string, dets *DetectorSet) ([]*Scenario, error) {
	if dets == nil {
		var err error
		if dets, err = besides(path); err != nil {
			return nil, err
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseAll(path, data, dets)
}

// besides loads the detectors file in path's directory, or returns the
// built-in set when there is none.
func besides(path string) (*DetectorSet, error) {
	f := filepath.Join(filepath.Dir(path), DetectorsFile)
	if _, err := os.Stat(f); err != nil {
		return Builtin(), nil
	}
	return LoadDetectors(f)
}

// Load reads scenario files and directories of *.yaml files (not
// recursive; each directory's files sorted by name), in argument order.
// Two scenarios with the same name are an error: their reports would
// overwrite each other.
func Load(paths ...string) ([]*Scenario, error) {
	return LoadWith(nil, paths...)
}

// LoadWith is Load with the detectors file given (dets from
// LoadDetectors, e.g. a --detectors flag) instead of the ones found next
// to the scenarios; nil means those.
func LoadWith(dets *DetectorSet, paths ...string) ([]*Scenario, error) {
	var files []string
	for _, p := range paths {
		fs, err := expand(p)
		if err != nil {
			return nil, err
		}
		files = append(files, fs...)
	}
	return parseAll(files, func(f string) ([]*Scenario, error) { return loadFile(f, dets) })
}

// expand returns path itself, or the sorted *.yaml files of a directory.
func expand(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	files, err := filepath.Glob(filepath.Join(filepath.Clean(path), "*.yaml"))
	if err != nil {
		return nil, err
	}
	files = slices.DeleteFunc(files, func(f string) bool { return filepath.Base(f) == DetectorsFile })
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: %w: the directory has no *.yaml file", path, ErrNoScenarios)
	}
	slices.Sort(files)
	return files, nil
}

// parseAll loads every file with load (one scenario, or a matrix's)
// and refuses duplicate names.
func parseAll(files []string, load func(string) ([]*Scenario, error)) ([]*Scenario, error) {
	out := make([]*Scenario, 0, len(files))
	byName := map[string]*Scenario{}
	for _, f := range files {
		ss, err := load(f)
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			if prev, ok := byName[s.Name]; ok {
				return nil, &Error{File: s.File, Line: 1, Msg: fmt.Sprintf("scenario name %q is already used by %s", s.Name, prev.File)}
			}
			byName[s.Name] = s
			out = append(out, s)
		}
	}
	return out, nil
}
