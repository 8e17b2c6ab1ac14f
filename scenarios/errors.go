package scenarios

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is wrapped by every error about the content of a scenario
// file (syntax, unknown keys, bad values).
var ErrInvalid = errors.New("invalid scenario")

// ErrNotFound is wrapped by Find when the catalogue has no such scenario.
var ErrNotFound = errors.New("scenario not found")

// ErrNoScenarios is wrapped by Load when a directory holds no *.yaml file,
// so a mistyped directory does not pass as an empty, successful run.
var ErrNoScenarios = errors.New("no scenario files")

// Error is a problem at one place in one scenario file. Its text is one
// line, "file:line: message", so editors and CI logs can jump to it.
type Error struct {
	File string
	Line int
	Msg  string
}

// Error implements error.
func (e *Error) Error() string {
	// A message must stay on one line even when it quotes user input.
	msg := strings.ReplaceAll(e.Msg, "\n", " ")
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, msg)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *Error) Unwrap() error { return ErrInvalid }
