// Package lazyre compiles a regular expression on its first use instead
// of at package initialisation, so that the regexps of a package cost
// nothing to a siglab command that never matches them: every command
// used to compile all of them before main, about a millisecond per
// package with many (#19).
//
// It owns nothing: New returns a function that compiles once, on its
// first call, safely from any goroutine, and then returns the same
// *regexp.Regexp for the life of the process. An invalid expression
// panics on that first call, as regexp.MustCompile does at init; the
// packages' specs exercise every one.
package lazyre
