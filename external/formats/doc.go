// Package formats reads the output of detection engines siglab does not
// run itself into external.Records: each parser is an external.Format,
// listed by name.
//
//	eve          Suricata's eve.json alerts, siglab detect --format eve's too (eve.go)
//	snort-fast   Snort 2's alert_fast lines (snortfast.go)
//	snort3-json  Snort 3's alert_json lines (snort3json.go)
//	zeek-notice  Zeek's notice.log, tab-separated or JSON (zeeknotice.go)
//
// Each parser follows its tool's own writer, read from the upstream
// source, field for field: its comment gives the Fields, the exact
// grammar and the source files, and testdata/README.md says where each
// sample line's shape comes from. Field names are the tool's own; where
// a tool prints a part without naming it, the part is named as eve names
// the same thing.
//
// Lookup and Names cover this package's formats. Formats defined
// elsewhere (p0f, scanlogd, psad) are listed beside them with With,
// which the package that imports them all calls once:
//
//	set, err := formats.With(scanlogd.Format(), psad.Format())
//	f, ok := set.Lookup("psad")
//
// Errors: Parse stops at the first broken line with a *LineError
// ("line 7: malformed record: ...") wrapping ErrSyntax, and returns the
// Records before it. A last line without a newline is ErrTruncated
// instead, never parsed: every tool here ends each record with one, so
// such a line is a file still being written (read again later) or cut
// short, and a cut can leave a line that parses into a wrong record (a
// port cut from 80 to 8). Lines that are not records of interest (other
// event types, header lines) and blank lines are skipped.
// No input makes a parser panic: FuzzParse checks that, and that every
// Record carries its key as its Label.
//
// Ownership: Parse keeps nothing of its reader or of the input; Records
// and the Formats Lookup returns are the caller's own.
package formats
