package external

import (
	"io"
	"slices"
)

// Record is one thing a detector under test reported: an eve.json alert,
// an alert_fast line, a notice.log row, a scanlogd syslog line, a psad
// alert.
type Record struct {
	// Label is the value of the format's key field (Format.Key), the
	// one a bare expectation such as `present: [2009582]` names.
	Label string
	// Fields holds every field of the record under the tool's own
	// names; nested names are flattened to their last part where that is
	// unambiguous (eve's alert.signature_id is signature_id).
	Fields map[string]string
	// Raw is the record as the tool wrote it, one line.
	Raw string
}

// Field returns the record's field k, or "" when it has none.
func (r Record) Field(k string) string { return r.Fields[k] }

// Format reads one tool's output.
type Format struct {
	// Name is the format's name in detectors files: "eve",
	// "snort-fast", "snort3-json", "zeek-notice", "p0f", "scanlogd",
	// "psad".
	Name string
	// Key is the field a bare expectation names.
	Key string
	// Fields are the field names expectations may use, in the order the
	// tool's documentation gives them; Key is one of them.
	Fields []string
	// Parse reads a whole output. Lines that are not records of
	// interest (eve's flow and stats events, Zeek's # header lines) are
	// skipped; a line that is broken gives an error naming its line
	// number, with the records before it.
	Parse func(io.Reader) ([]Record, error)
}

// HasField reports whether expectations may name k.
func (f Format) HasField(k string) bool { return slices.Contains(f.Fields, k) }
