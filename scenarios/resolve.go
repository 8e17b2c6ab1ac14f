package scenarios

import "os"

// Resolve loads what nameOrPath names: a scenario file, a directory of
// scenario files (see Load), or else the catalogue scenario of that name
// (see Find). An existing path wins over a catalogue name, so a user's
// file shadows a built-in one of the same name. The CLI's commands and
// package siglabtest's Run resolve their arguments here, so a scenario
// argument means the same everywhere.
func Resolve(nameOrPath string) ([]*Scenario, error) {
	return ResolveWith(nil, nameOrPath)
}

// ResolveWith is Resolve with a detectors file given (nil: the one next
// to the scenario files; the built-in set for catalogue names).
func ResolveWith(dets *DetectorSet, nameOrPath string) ([]*Scenario, error) {
	if _, err := os.Stat(nameOrPath); err == nil {
		return LoadWith(dets, nameOrPath)
	}
	s, err := findWith(nameOrPath, dets)
	if err != nil {
		return nil, err
	}
	return []*Scenario{s}, nil
}

// ResolveAll resolves each argument in order (see Resolve); no argument
// means the whole catalogue.
func ResolveAll(args ...string) ([]*Scenario, error) {
	return ResolveAllWith(nil, args...)
}

// ResolveAllWith is ResolveAll with a detectors file given (see
// ResolveWith).
func ResolveAllWith(dets *DetectorSet, args ...string) ([]*Scenario, error) {
	if len(args) == 0 {
		return catalogueWith(dets)
	}
	var out []*Scenario
	for _, a := range args {
		ss, err := ResolveWith(dets, a)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}
