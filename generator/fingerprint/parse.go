package fingerprint

import (
	"errors"
	"fmt"
	"strings"
)

// ErrSyntax is wrapped by every error Parse returns.
var ErrSyntax = errors.New("fingerprint file syntax")

// SyntaxError is a line of the fingerprint file that nmap 2.01 would not
// take (or, where noted, that siglab refuses though 2.01 let it pass).
type SyntaxError struct {
	Line int // 1-based
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Unwrap makes errors.Is(err, ErrSyntax) true.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// keyword starts a record. 2.01 compares it case-sensitively; 2.05's
// strncasecmp() also takes "Fingerprint", which its own file already used.
const keyword = "FingerPrint"

// knownAttrs are the attributes each test of the 2.0x battery has.
var knownAttrs = map[string][]string{
	"TSeq": {"Class", "gcd", "SI", "Val"},
	"T1":   tcpAttrs, "T2": tcpAttrs, "T3": tcpAttrs, "T4": tcpAttrs,
	"T5": tcpAttrs, "T6": tcpAttrs, "T7": tcpAttrs,
	"PU": {"Resp", "DF", "TOS", "IPLEN", "RIPTL", "RID", "RIPCK", "UCK", "ULEN", "DAT"},
}

var tcpAttrs = []string{"Resp", "DF", "W", "ACK", "Flags", "Ops"}

// Parse reads a reference file in nmap 2.01's syntax
// (parse_fingerprint_reference_file()):
//
//   - a line starting with # is a comment, anywhere;
//   - a blank (or, in siglab, all-white) line ends a record;
//   - a line whose first 11 characters are "FingerPrint" starts one; the
//     name begins after the 12th character (blanks skipped) and runs to a
//     # or the end of the line, trailing blanks kept (see start); a
//     FingerPrint line right after a test line also starts a new record,
//     as in nmap;
//   - each test is one line Name(attr=value%attr=value...), % separating
//     the attributes; whatever follows the first closing parenthesis is
//     ignored, as 2.01 ignored it (a # comment, or in 2.01's own file a
//     second test run onto the same line, which 2.01 never read);
//   - a test given twice in a record is kept twice, and a host must pass
//     both (2.01's file has two such records).
//
// nmap 2.01 printed a warning for a bad line and went on; siglab stops at
// the first and names it. It is also stricter where a mistake would
// silently change matching: unknown test or attribute names, an
// attribute given twice, a record without tests (it would match
// anything), a value mixing | and &.
func Parse(src []byte) (*DB, error) {
	text := string(src)
	// Sized up front and carved from arenas: parsing is a one-off cost
	// of every run with -O, and with one allocation per test and per
	// value it made 16,000 of them, 1.6 MB, for a 49 KB file.
	p := parser{db: &DB{Records: make([]Record, 0, strings.Count(text, "\n"+keyword)+1)}}
	for n := 1; text != ""; n++ {
		line, rest, _ := strings.Cut(text, "\n")
		if err := p.line(n, strings.TrimSuffix(line, "\r")); err != nil {
			return nil, err
		}
		text = rest
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.db, nil
}

type parser struct {
	db    *DB
	cur   *Record
	tests arena[RefTest]
	attrs arena[RefAttr]
	terms arena[term]
}

// arena hands out slices of a few large allocations, each with exactly
// the capacity asked for (an append past it copies, as usual).
type arena[T any] struct{ buf []T }

// take returns an empty slice with room for n.
func (a *arena[T]) take(n int) []T {
	if a == nil {
		return make([]T, 0, n)
	}
	if cap(a.buf)-len(a.buf) < n {
		a.buf = make([]T, 0, max(n, 1024))
	}
	l := len(a.buf)
	a.buf = a.buf[:l+n]
	return a.buf[l : l : l+n]
}

func (p *parser) line(n int, line string) error {
	switch {
	case strings.HasPrefix(line, "#"):
		return nil
	case strings.TrimSpace(line) == "":
		return p.finish()
	case strings.HasPrefix(line, keyword):
		if err := p.finish(); err != nil {
			return err
		}
		return p.start(n, line)
	case len(line) >= len(keyword) && strings.EqualFold(line[:len(keyword)], keyword):
		return &SyntaxError{n, fmt.Sprintf("%q: nmap 2.01 takes only %q, case-sensitively (2.05 took any case)", line, keyword)}
	case p.cur == nil:
		return &SyntaxError{n, fmt.Sprintf("%q outside a record (a record starts with %q)", line, keyword+" <name>")}
	}
	t, err := parseTest(n, line, &p.attrs, &p.terms)
	if err != nil {
		return err
	}
	p.cur.Tests = append(p.cur.Tests, t)
	return nil
}

// start opens a record at its FingerPrint line. As 2.01 reads it
// (parse_fingerprint_reference_file() in osscan.c), the name starts one
// character past the keyword, whatever that character is (its own file
// has a "FingerPrintt  HP-UX 11.00"), leading blanks skipped, and runs to
// a # or the end of the line. Its trailing blanks stay: 2.01's loop that
// meant to back up over them starts on the terminating NUL and never
// runs, so "IRIX 6.2 - 6.5  # Thanks to ..." names "IRIX 6.2 - 6.5  ",
// and nmap printed the blanks after the name.
func (p *parser) start(n int, line string) error {
	if len(line) <= len(keyword)+1 {
		return &SyntaxError{n, fmt.Sprintf("%q: record has no OS name", line)}
	}
	rest := strings.TrimLeft(line[len(keyword)+1:], " \t")
	name, _, _ := strings.Cut(rest, "#")
	if strings.TrimSpace(name) == "" {
		return &SyntaxError{n, fmt.Sprintf("%q: record has no OS name", line)}
	}
	p.cur = &Record{Name: name, Line: n, Tests: p.tests.take(len(TestNames))}
	return nil
}

// finish closes the current record, if any.
func (p *parser) finish() error {
	if p.cur == nil {
		return nil
	}
	r := p.cur
	p.cur = nil
	if len(r.Tests) == 0 {
		return &SyntaxError{r.Line, fmt.Sprintf("record %q has no tests (it would match every host)", r.Name)}
	}
	p.db.Records = append(p.db.Records, *r)
	return nil
}

// parseTest parses Name(attr=value%...) as parse_fingerprint_reference_file
// and str2AVal() split it: the name is what precedes the first "(", the
// attributes what lies between it and the first ")".
func parseTest(n int, line string, attrs *arena[RefAttr], terms *arena[term]) (RefTest, error) {
	open := strings.IndexByte(line, '(')
	if open < 0 {
		return RefTest{}, &SyntaxError{n, fmt.Sprintf("%q: a test line is Name(attr=value%%...), no \"(\" found", line)}
	}
	t := RefTest{Name: line[:open]}
	allowed, ok := knownAttrs[t.Name]
	if !ok {
		return RefTest{}, &SyntaxError{n, fmt.Sprintf("%q: unknown test %q (nmap 2.0x has TSeq, T1..T7 and PU)", line, t.Name)}
	}
	// What follows the ")" is ignored, as 2.01's parser ignored it.
	body, _, found := strings.Cut(line[open+1:], ")")
	if !found {
		return RefTest{}, &SyntaxError{n, fmt.Sprintf("%q: no closing \")\"", line)}
	}
	if body == "" {
		return t, nil // str2AVal: no attributes
	}
	t.Attrs = attrs.take(strings.Count(body, "%") + 1)
	for more := true; more; {
		var av string
		av, body, more = strings.Cut(body, "%")
		a, err := parseAttr(t, allowed, av, terms)
		if err != nil {
			return RefTest{}, &SyntaxError{n, fmt.Sprintf("%q: %v", line, err)}
		}
		t.Attrs = append(t.Attrs, a)
	}
	return t, nil
}

func parseAttr(t RefTest, allowed []string, av string, terms *arena[term]) (RefAttr, error) {
	name, value, ok := strings.Cut(av, "=")
	switch {
	case !ok:
		return RefAttr{}, fmt.Errorf("attribute %q has no \"=\"", av)
	case !contains(allowed, name):
		return RefAttr{}, fmt.Errorf("test %s has no attribute %q (it has %s)", t.Name, name, strings.Join(allowed, ", "))
	case t.Attr(name) != nil:
		return RefAttr{}, fmt.Errorf("attribute %s given twice", name)
	}
	e, err := parseExpr(value, terms)
	if err != nil {
		return RefAttr{}, err
	}
	return RefAttr{Name: name, Expr: e}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
