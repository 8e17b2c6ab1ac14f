package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// jsonObject reads a line that must hold one JSON object, its values
// left as written so that numbers keep their exact text (eve's flow_id
// does not fit a float64).
func jsonObject(line string) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &obj); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, syntaxf("not a JSON object: %s", excerpt(line))
		}
		return nil, syntaxf("invalid JSON: %v", err)
	}
	if obj == nil { // the line was "null"
		return nil, syntaxf("not a JSON object: %s", excerpt(line))
	}
	return obj, nil
}

// jsonKind is what a raw JSON value is.
type jsonKind int

const (
	jsonNull jsonKind = iota
	jsonScalar
	jsonArray
	jsonObj
)

// kindOf tells a raw value's kind from its first byte (the value was
// validated by the decoder that produced it).
func kindOf(raw json.RawMessage) jsonKind {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return jsonNull
	}
	switch raw[0] {
	case 'n':
		return jsonNull
	case '[':
		return jsonArray
	case '{':
		return jsonObj
	}
	return jsonScalar
}

// scalarText is a string's text, or a number's or true/false's exactly
// as written.
func scalarText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return string(raw)
}

// valueText renders a value as one field: a scalar as scalarText, an
// array of scalars as its elements joined with "," (how Zeek's ASCII
// writer joins a set, and an empty array as ""). ok is false for null
// and for what has no one-string form (objects, arrays holding them).
func valueText(raw json.RawMessage) (text string, ok bool) {
	switch kindOf(raw) {
	case jsonScalar:
		return scalarText(raw), true
	case jsonArray:
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			return "", false
		}
		parts := make([]string, 0, len(elems))
		for _, e := range elems {
			switch kindOf(e) {
			case jsonScalar:
				parts = append(parts, scalarText(e))
			case jsonNull:
				continue
			default:
				return "", false
			}
		}
		return strings.Join(parts, ","), true
	}
	return "", false
}

// maxDepth bounds flatten's nesting: each level decodes its object
// again, so a deeply nested line would cost depth times its length.
// The tools here nest two levels at most.
const maxDepth = 4

// flatten adds obj's values to fields under their names, nested objects'
// values under dotted paths ("id" {"orig_h": ...} is "id.orig_h", as
// Zeek names its columns); nulls, values without a one-string form and
// objects nested deeper than maxDepth are left out.
func flatten(fields map[string]string, prefix string, obj map[string]json.RawMessage, depth int) {
	for k, raw := range obj {
		if kindOf(raw) == jsonObj {
			var sub map[string]json.RawMessage
			if depth < maxDepth && json.Unmarshal(raw, &sub) == nil {
				flatten(fields, prefix+k+".", sub, depth+1)
			}
			continue
		}
		if s, ok := valueText(raw); ok {
			fields[prefix+k] = s
		}
	}
}
