package fingerprint

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// DB is a parsed reference file: its records in file order.
type DB struct {
	Records []Record
}

// Record is one reference fingerprint: an OS name and the tests a host
// running it is expected to pass. Its values are expressions.
type Record struct {
	Name  string
	Line  int // the line of its FingerPrint keyword
	Tests []RefTest
}

// RefTest is one test line of a record.
type RefTest struct {
	Name  string
	Attrs []RefAttr
}

// RefAttr is one attribute of a reference test, e.g. W=7FE0|7FF0.
type RefAttr struct {
	Name string
	Expr Expr
}

// Test returns the record's named test, or nil.
func (r *Record) Test(name string) *RefTest {
	for i := range r.Tests {
		if r.Tests[i].Name == name {
			return &r.Tests[i]
		}
	}
	return nil
}

// Attr returns the test's named attribute, or nil.
func (t *RefTest) Attr(name string) *RefAttr {
	for i := range t.Attrs {
		if t.Attrs[i].Name == name {
			return &t.Attrs[i]
		}
	}
	return nil
}

// String prints the record in the file's syntax, as 2.0x's fp2ascii()
// printed a named fingerprint: "FingerPrint  <name>", then one test per
// line, values as written.
func (r *Record) String() string {
	var b strings.Builder
	r.write(&b)
	return b.String()
}

func (r *Record) write(b *strings.Builder) {
	b.WriteString(keyword + "  " + r.Name + "\n")
	for _, t := range r.Tests {
		b.WriteString(t.Name)
		b.WriteByte('(')
		for i, a := range t.Attrs {
			if i > 0 {
				b.WriteByte('%')
			}
			b.WriteString(a.Name + "=" + a.Expr.String())
		}
		b.WriteString(")\n")
	}
}

// String prints the whole database in the file's syntax, records
// separated by blank lines; Parse reads it back to the same records.
func (db *DB) String() string {
	var b strings.Builder
	for i := range db.Records {
		if i > 0 {
			b.WriteByte('\n')
		}
		db.Records[i].write(&b)
	}
	return b.String()
}

// embedded is the reference file shipped with siglab (see its header).
//
//go:embed nmap-os-fingerprints
var embedded []byte

var defaultDB = sync.OnceValues(func() (*DB, error) {
	db, err := Parse(embedded)
	if err != nil {
		return nil, fmt.Errorf("embedded nmap-os-fingerprints: %w", err)
	}
	return db, nil
})

// Default returns the embedded reference file, parsed once per process.
// It holds as many records as the file does (nmap 2.0x stopped at 2048;
// siglab has no limit). The DB is shared: do not modify it.
func Default() (*DB, error) { return defaultDB() }
