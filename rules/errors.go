package rules

import (
	"errors"
	"fmt"
	"strings"
)

// ErrSyntax is wrapped by every error about malformed rule or variable
// text; the message starts with the file:line:column of the fault.
var ErrSyntax = errors.New("rule syntax")

// ErrUndefined is wrapped by the error for a variable ($NAME) that no
// Vars defines, naming where the rule uses it.
var ErrUndefined = errors.New("undefined variable")

// Pos is a place in a rules or variables file; lines and columns count
// from 1, columns in bytes.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// syntaxErr is the one shape of a syntax error: "file:line:col: what".
type syntaxErr struct {
	at  Pos
	msg string
}

func (e *syntaxErr) Error() string { return e.at.String() + ": " + e.msg }
func (e *syntaxErr) Unwrap() error { return ErrSyntax }

func errAt(at Pos, format string, args ...any) error {
	return &syntaxErr{at: at, msg: oneLine(fmt.Sprintf(format, args...))}
}

// oneLine keeps messages on one line even when they quote input.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// Errors is every fault of one Parse, in file order. Parse keeps going
// past a bad rule so that one typo does not hide a file's other rules
// or its other typos; Error gives the first fault and a count, to keep
// the message on one line, and the list is here for the rest.
type Errors []error

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "no errors"
	case 1:
		return es[0].Error()
	}
	return fmt.Sprintf("%s (and %d more)", es[0], len(es)-1)
}

// Unwrap lets errors.Is(err, ErrSyntax) see through the list.
func (es Errors) Unwrap() []error { return es }
