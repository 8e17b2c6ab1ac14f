package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// parser walks one file's yaml.Node tree; it only carries the file name so
// every error can say where it is.
type parser struct {
	file string
	// dets are the detectors expect: may name (Builtin when nil).
	dets *DetectorSet
}

// detectors is the set the parser checks sections against.
func (p *parser) detectors() *DetectorSet {
	if p.dets == nil {
		p.dets = Builtin()
	}
	return p.dets
}

// errf returns an *Error at line.
func (p *parser) errf(line int, format string, args ...any) error {
	if line < 1 {
		line = 1
	}
	return &Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// field is one key of a mapping with its value, in file order.
type field struct {
	key  string
	line int
	val  *yaml.Node
}

// fields checks that n is a mapping of known, unique scalar keys and
// returns them in file order. With no allowed keys every key is accepted
// (detector names, expectation attributes). what names the mapping in
// errors, e.g. "host".
func (p *parser) fields(n *yaml.Node, what string, allowed ...string) ([]field, error) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n.Line, "%s must be a mapping (key: value ...), not %s", what, kindName(n))
	}
	out := make([]field, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			return nil, p.errf(k.Line, "%s: keys must be plain words", what)
		}
		if len(allowed) > 0 && !slices.Contains(allowed, k.Value) {
			return nil, p.errf(k.Line, "unknown key %q in %s (known: %s)", k.Value, what, strings.Join(allowed, ", "))
		}
		for _, f := range out {
			if f.key == k.Value {
				return nil, p.errf(k.Line, "key %q appears twice in %s (first at line %d)", k.Value, what, f.line)
			}
		}
		out = append(out, field{key: k.Value, line: k.Line, val: v})
	}
	return out, nil
}

// get returns the value of key, or nil when fs has no such key.
func get(fs []field, key string) *yaml.Node {
	for _, f := range fs {
		if f.key == key {
			return f.val
		}
	}
	return nil
}

// seq checks that n is a sequence (or null, meaning empty) and returns its
// items.
func (p *parser) seq(n *yaml.Node, what string) ([]*yaml.Node, error) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n.Line, "%s must be a list, not %s", what, kindName(n))
	}
	return n.Content, nil
}

// str returns a scalar's text; null counts as "".
func (p *parser) str(n *yaml.Node, what string) (string, error) {
	if isNull(n) {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", p.errf(n.Line, "%s must be a single value, not %s", what, kindName(n))
	}
	return n.Value, nil
}

// integer returns a scalar that YAML reads as a whole number.
func (p *parser) integer(n *yaml.Node, what string) (int64, error) {
	var v int64
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		return 0, p.errf(n.Line, "%s must be a whole number, not %s", what, describe(n))
	}
	return v, nil
}

// duration reads a Go duration such as 0s, 1.5s or 250ms; null gives def.
// A negative one is refused: for at:, a time before the scenario starts.
func (p *parser) duration(n *yaml.Node, what string, def time.Duration) (time.Duration, error) {
	if isNull(n) {
		return def, nil
	}
	if n.Kind == yaml.ScalarNode {
		d, err := time.ParseDuration(n.Value)
		switch {
		case err == nil && d >= 0:
			return d, nil
		case err == nil && what == "at":
			return 0, p.errf(n.Line, "at: %s is before the scenario's start: times count from 0s, the start, onwards", n.Value)
		case err == nil:
			return 0, p.errf(n.Line, "%s: %s is negative", what, n.Value)
		}
	}
	return 0, p.errf(n.Line, "%s: bad duration %s (want e.g. 0s, 1.5s, 250ms)", what, describe(n))
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// kindName says what a node is, for error messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	default:
		return "a single value"
	}
}

// describe quotes a scalar's value or names a node's kind.
func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return fmt.Sprintf("%q", n.Value)
	}
	return kindName(n)
}

// boolean reads true or false; null gives false.
func (p *parser) boolean(n *yaml.Node, what string) (bool, error) {
	if isNull(n) {
		return false, nil
	}
	var v bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
		return false, p.errf(n.Line, "%s must be true or false, not %s", what, describe(n))
	}
	return v, nil
}
