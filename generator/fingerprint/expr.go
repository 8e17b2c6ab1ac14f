package fingerprint

import (
	"errors"
	"fmt"
	"strings"
)

// ErrExpr is wrapped by every value expression nmap 2.0x cannot evaluate
// as written.
var ErrExpr = errors.New("bad value expression")

// Expr is a reference value as AVal_match() evaluates it: alternatives
// joined by | (any one true), or terms joined by & (all true), never
// both, without parentheses. A term is a literal compared with strcmp,
// "+" (a non-zero hex number), "<hex" or ">hex" (a strict comparison of
// hex numbers).
type Expr struct {
	src   string
	or    bool
	terms []term
}

type termKind uint8

const (
	termLiteral termKind = iota
	termNonZero
	termLess
	termGreater
)

type term struct {
	kind termKind
	lit  string // termLiteral
	num  uint32 // termLess, termGreater
}

// ParseExpr parses a reference value. nmap itself never rejects one: a
// value holding both | and & is split on | and its & characters compare
// literally. siglab refuses such a value, since no record means it.
func ParseExpr(s string) (Expr, error) { return parseExpr(s, nil) }

// parseExpr is ParseExpr taking its terms from an arena (nil: its own).
func parseExpr(s string, terms *arena[term]) (Expr, error) {
	or := strings.IndexByte(s, '|') >= 0
	if or && strings.IndexByte(s, '&') >= 0 {
		return Expr{}, fmt.Errorf("%w: %q mixes | and & (nmap 2.0x allows one or the other, without parentheses)", ErrExpr, s)
	}
	sep := "&"
	if or {
		sep = "|"
	}
	e := Expr{src: s, or: or, terms: terms.take(strings.Count(s, sep) + 1)}
	for more, rest := true, s; more; {
		var p string
		p, rest, more = strings.Cut(rest, sep)
		e.terms = append(e.terms, parseTerm(p))
	}
	return e, nil
}

// parseTerm classifies one term as AVal_match() does: "<" and ">" only
// make a comparison when a hex digit follows them; otherwise the term is
// a literal.
func parseTerm(p string) term {
	switch {
	case p == "+":
		return term{kind: termNonZero}
	case len(p) >= 2 && p[0] == '<' && isHexDigit(p[1]):
		n, _ := strtol16(p[1:])
		return term{kind: termLess, num: n}
	case len(p) >= 2 && p[0] == '>' && isHexDigit(p[1]):
		n, _ := strtol16(p[1:])
		return term{kind: termGreater, num: n}
	}
	return term{kind: termLiteral, lit: p}
}

// String is the expression as written in the file.
func (e Expr) String() string { return e.src }

// Match reports whether an observed value satisfies the expression,
// following AVal_match() line by line, quirks included:
//   - numbers are read with strtol(value, &end, 16) on a 32-bit long, and
//     a value with anything after its digits fails a comparison;
//   - an empty observed value fails "+" and, in an & expression, "<" and
//     ">"; in a | expression "<" and ">" read it as 0 (the C code only
//     bails out early for &), so "<5|M" accepts an empty value.
func (e Expr) Match(v string) bool {
	numTrue := 0
	for _, t := range e.terms {
		ok := t.match(v, e.or)
		if !ok && !e.or {
			return false
		}
		if ok {
			numTrue++
			if e.or {
				break
			}
		}
	}
	return numTrue > 0
}

func (t term) match(v string, or bool) bool {
	switch t.kind {
	case termNonZero:
		if v == "" {
			return false
		}
		n, rest := strtol16(v)
		return n != 0 && rest == ""
	case termLess, termGreater:
		if v == "" && !or {
			return false
		}
		n, rest := strtol16(v)
		if rest != "" {
			return false
		}
		if t.kind == termLess {
			return n < t.num
		}
		return n > t.num
	}
	return t.lit == v
}

// strtol16 is C's strtol(s, &end, 16) with 1998's 32-bit long, its result
// stored in an unsigned long as AVal_match() does: leading white space, a
// sign and a 0x prefix are accepted, overflow saturates at LONG_MAX or
// LONG_MIN. rest is what *end points at; when no digit is read it is the
// whole of s.
func strtol16(s string) (uint32, string) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if i+2 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && isHexDigit(s[i+2]) {
		i += 2
	}
	start := i
	var acc uint64
	for i < len(s) && isHexDigit(s[i]) {
		acc = min(acc*16+uint64(hexValue(s[i])), 1<<32) // enough to saturate
		i++
	}
	if i == start {
		return 0, s
	}
	var v int64
	switch {
	case neg && acc > 1<<31:
		v = -1 << 31 // LONG_MIN
	case neg:
		v = -int64(acc)
	case acc > 1<<31-1:
		v = 1<<31 - 1 // LONG_MAX
	default:
		v = int64(acc)
	}
	return uint32(int32(v)), s[i:]
}

func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexValue(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
