package formats

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/siglab/siglab/external"
)

// The names of the formats this package reads, as detectors files name
// them.
const (
	EVE        = "eve"
	SnortFast  = "snort-fast"
	Snort3JSON = "snort3-json"
	ZeekNotice = "zeek-notice"
)

// Errors of Parse and With.
var (
	// ErrSyntax: a line is not what the tool writes (invalid JSON, text
	// off the tool's grammar, a row with the wrong number of columns, an
	// alert without its key).
	ErrSyntax = errors.New("malformed record")
	// ErrTruncated: the last line has no newline. Every tool here ends
	// each record with one, so the file is still being written or was
	// cut short; read it again later rather than trust the half line.
	ErrTruncated = errors.New("no newline at the end of the last line (file still being written or cut short)")
	// ErrInvalid: With was given a format that cannot be listed (no
	// name, no Parse, a Key it does not list, a name already taken).
	ErrInvalid = errors.New("invalid format")
)

// LineError is the error of Parse for a broken line: its number
// (counting from 1) and why, wrapping ErrSyntax, ErrTruncated or the
// reader's own error.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

// builtin makes the formats of this package, each call fresh copies, in
// name order.
var builtin = []func() external.Format{eveFormat, snortFastFormat, snort3JSONFormat, zeekNoticeFormat}

// Builtin returns the formats of this package (eve, snort-fast,
// snort3-json, zeek-notice), fresh copies the caller may keep.
func Builtin() []external.Format {
	out := make([]external.Format, len(builtin))
	for i, mk := range builtin {
		out[i] = mk()
	}
	return out
}

// Set is a table of formats by name. The zero Set is empty; Builtins and
// With make filled ones. A Set is immutable and safe to share.
type Set struct {
	formats []external.Format // sorted by name
}

// defaultSet holds the builtins; a spec checks that With accepts them.
var defaultSet = builtinSet()

func builtinSet() Set {
	s, err := With()
	if err != nil {
		panic(err) // the builtin table itself is wrong: no input can cause this
	}
	return s
}

// With returns a Set of the builtin formats plus extra, which is how the
// formats of other packages (p0f, scanlogd, psad) are listed beside
// these: the integrator that imports them calls
// formats.With(scanlogd.Format(), psad.Format()) once and looks names up
// in the result. It fails with ErrInvalid on a format without a name or
// Parse, whose Key is not among its Fields, or whose name is already in
// the Set.
func With(extra ...external.Format) (Set, error) {
	all := append(Builtin(), extra...)
	seen := map[string]bool{}
	for _, f := range all {
		switch {
		case f.Name == "":
			return Set{}, fmt.Errorf("%w: a format has no name", ErrInvalid)
		case f.Parse == nil:
			return Set{}, fmt.Errorf("%w: %q has no Parse", ErrInvalid, f.Name)
		case !f.HasField(f.Key):
			return Set{}, fmt.Errorf("%w: %q: key %q is not among its fields", ErrInvalid, f.Name, f.Key)
		case seen[f.Name]:
			return Set{}, fmt.Errorf("%w: %q is listed twice", ErrInvalid, f.Name)
		}
		seen[f.Name] = true
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return Set{formats: all}, nil
}

// Lookup returns the format called name; its Fields are the caller's
// own copy.
func (s Set) Lookup(name string) (external.Format, bool) {
	i, ok := slices.BinarySearchFunc(s.formats, name, func(f external.Format, n string) int {
		switch {
		case f.Name < n:
			return -1
		case f.Name > n:
			return 1
		}
		return 0
	})
	if !ok {
		return external.Format{}, false
	}
	f := s.formats[i]
	f.Fields = slices.Clone(f.Fields)
	return f, true
}

// Names lists the Set's format names in order.
func (s Set) Names() []string {
	out := make([]string, len(s.formats))
	for i, f := range s.formats {
		out[i] = f.Name
	}
	return out
}

// Lookup returns the builtin format called name.
func Lookup(name string) (external.Format, bool) { return defaultSet.Lookup(name) }

// Names lists the builtin format names in order.
func Names() []string { return defaultSet.Names() }
