package rules

import (
	"net/netip"
	"strconv"
	"strings"
)

// actions are the first words of a rule across Snort 2, Snort 3 and
// Suricata; a commented-out line counts as a disabled rule only when it
// starts with one of these and parses.
var actions = map[string]bool{
	"alert": true, "log": true, "pass": true, "drop": true, "reject": true,
	"sdrop": true, "activate": true, "dynamic": true, "block": true,
	"react": true, "rewrite": true, "rejectsrc": true, "rejectdst": true, "rejectboth": true,
}

// directives are Snort 2 configuration lines a rules file may carry;
// they are not rules, so they are skipped rather than reported.
var directives = map[string]bool{
	"config": true, "include": true, "preprocessor": true, "output": true,
	"dynamicpreprocessor": true, "dynamicengine": true, "dynamicdetection": true,
	"event_filter": true, "suppress": true, "rate_filter": true, "threshold": true,
}

// text is a logical line: the bytes and where each came from, so that a
// fault inside a continued rule still names its physical line.
type text struct {
	s   string
	pos []Pos
	end Pos // just past the last byte, for faults at the end
}

func (t text) at(i int) Pos {
	if i >= len(t.pos) {
		return t.end
	}
	return t.pos[i]
}

func (t text) slice(i, j int) text { return text{t.s[i:j], t.pos[i:j], t.at(j)} }

// textAt is s as written from at onwards on one line.
func textAt(s string, at Pos) text {
	t := text{s: s, end: Pos{at.File, at.Line, at.Col + len(s)}}
	for c := range len(s) {
		t.pos = append(t.pos, Pos{at.File, at.Line, at.Col + c})
	}
	return t
}

// Parse reads a rules file: rules, commented-out rules (kept, Disabled)
// and Snort's ipvar/portvar/var lines. It keeps every good rule and
// returns, as Errors, every fault; the Set is never nil.
func Parse(file string, data []byte) (*Set, error) {
	set := &Set{Vars: &Vars{}}
	var errs Errors
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		var t text
		for {
			l := strings.TrimSuffix(lines[i], "\r")
			// A comment does not continue, as in Snort 2's parser: a
			// "# see C:\" must not swallow the rule below it.
			comment := t.s == "" && strings.HasPrefix(strings.TrimLeft(l, " \t"), "#")
			cont := strings.HasSuffix(l, "\\") && i+1 < len(lines) && !comment
			if cont {
				l = l[:len(l)-1]
			}
			for c := range len(l) {
				t.pos = append(t.pos, Pos{file, i + 1, c + 1})
			}
			t.s += l
			t.end = Pos{file, i + 1, len(l) + 1}
			if !cont {
				break
			}
			i++
		}
		// Leading blanks are not part of the rule.
		k := 0
		for k < len(t.s) && (t.s[k] == ' ' || t.s[k] == '\t') {
			k++
		}
		t = t.slice(k, len(t.s))
		if t.s == "" {
			continue
		}
		if t.s[0] == '#' {
			j := 0
			for j < len(t.s) && (t.s[j] == '#' || t.s[j] == ' ' || t.s[j] == '\t') {
				j++
			}
			body := t.slice(j, len(t.s))
			if !actions[firstWord(body.s)] {
				continue // a comment
			}
			r, err := parseRule(body)
			if err != nil {
				continue // prose that starts with "alert", not a rule
			}
			r.Disabled = true
			set.Rules = append(set.Rules, r)
			continue
		}
		w := firstWord(t.s)
		switch {
		case w == "ipvar" || w == "portvar" || w == "var":
			if err := set.Vars.define(w, t); err != nil {
				errs = append(errs, err)
			}
		case directives[w]:
		case actions[w]:
			r, err := parseRule(t)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			set.Rules = append(set.Rules, r)
		default:
			errs = append(errs, errAt(t.at(0), "not a rule: unknown action %q", w))
		}
	}
	if len(errs) > 0 {
		return set, errs
	}
	return set, nil
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t("); i >= 0 {
		return s[:i]
	}
	return s
}

// fields splits a header at blanks, but not inside [...] lists, which
// Suricata allows to hold blanks after commas.
func fields(t text) []text {
	var out []text
	depth, start := 0, -1
	for i := 0; i <= len(t.s); i++ {
		if i == len(t.s) || (depth == 0 && (t.s[i] == ' ' || t.s[i] == '\t')) {
			if start >= 0 {
				out = append(out, t.slice(start, i))
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
		switch t.s[i] {
		case '[':
			depth++
		case ']':
			depth--
		}
	}
	return out
}

func parseRule(t text) (*Rule, error) {
	r := &Rule{At: t.at(0), Text: t.s}
	open := strings.IndexByte(t.s, '(')
	if open < 0 {
		return nil, errAt(t.at(len(t.s)), "missing ( before the options")
	}
	h := fields(t.slice(0, open))
	r.Action = h[0].s
	if len(h) < 2 {
		return nil, errAt(t.at(open), "missing protocol")
	}
	r.Proto = h[1].s
	for _, f := range h {
		if strings.Count(f.s, "[") != strings.Count(f.s, "]") {
			return nil, errAt(f.at(0), "unterminated list %q", strings.TrimSpace(f.s))
		}
	}
	switch len(h) {
	case 2: // Snort 3 service rule: "alert http ( ... )", any to any
		r.Src, r.Dst = Addr{Any: true, At: h[1].at(0)}, Addr{Any: true, At: h[1].at(0)}
		r.SrcPorts, r.DstPorts = Port{Any: true, At: h[1].at(0)}, Port{Any: true, At: h[1].at(0)}
	case 7:
		var err error
		if r.Src, err = parseAddr(h[2]); err != nil {
			return nil, err
		}
		if r.SrcPorts, err = parsePort(h[3]); err != nil {
			return nil, err
		}
		switch h[4].s {
		case "->":
		case "<>":
			r.Both = true
		case "=>":
			r.Transactional = true
		default:
			return nil, errAt(h[4].at(0), "bad direction %q, want ->, <> or =>", h[4].s)
		}
		if r.Dst, err = parseAddr(h[5]); err != nil {
			return nil, err
		}
		if r.DstPorts, err = parsePort(h[6]); err != nil {
			return nil, err
		}
	default:
		return nil, errAt(h[1].at(0), "header has %d fields, want action proto src sport dir dst dport", len(h))
	}
	if err := parseOptions(r, t.slice(open+1, len(t.s))); err != nil {
		return nil, err
	}
	return r, nil
}

func parseAddr(t text) (Addr, error) {
	a := Addr{At: t.at(0)}
	s := t.s
	if strings.HasPrefix(s, "!") {
		a.Negated = true
		t = t.slice(1, len(t.s))
		s = t.s
	}
	switch {
	case s == "":
		return a, errAt(t.at(0), "missing address")
	case s == "any":
		if a.Negated {
			return a, errAt(a.At, "!any matches nothing")
		}
		a.Any = true
	case s[0] == '$':
		if !validName(s[1:]) {
			return a, errAt(t.at(0), "bad variable name %q", s)
		}
		a.Var = s[1:]
	case s[0] == '[':
		items, err := listItems(t)
		if err != nil {
			return a, err
		}
		for _, it := range items {
			x, err := parseAddr(it)
			if err != nil {
				return a, err
			}
			a.List = append(a.List, x)
		}
	default:
		if p, err := netip.ParsePrefix(s); err == nil {
			a.Prefix = p.Masked()
		} else if ip, err := netip.ParseAddr(s); err == nil {
			a.Prefix = netip.PrefixFrom(ip, ip.BitLen())
		} else {
			return a, errAt(t.at(0), "bad address %q", s)
		}
	}
	return a, nil
}

// listItems splits "[a,b,[c,d]]" into its top-level items.
func listItems(t text) ([]text, error) {
	if !strings.HasSuffix(t.s, "]") || len(t.s) < 2 {
		return nil, errAt(t.at(0), "unterminated list %q", t.s)
	}
	in := t.slice(1, len(t.s)-1)
	var out []text
	depth, start := 0, 0
	for i := 0; i <= len(in.s); i++ {
		if i < len(in.s) {
			switch in.s[i] {
			case '[':
				depth++
			case ']':
				depth--
				if depth < 0 {
					return nil, errAt(in.at(i), "unbalanced ]")
				}
			}
		}
		if i == len(in.s) || (depth == 0 && in.s[i] == ',') {
			it := in.slice(start, i)
			for len(it.s) > 0 && (it.s[0] == ' ' || it.s[0] == '\t') {
				it = it.slice(1, len(it.s))
			}
			it = it.slice(0, len(strings.TrimRight(it.s, " \t")))
			if it.s == "" {
				return nil, errAt(in.at(i), "empty list item")
			}
			out = append(out, it)
			start = i + 1
		}
	}
	if depth != 0 {
		return nil, errAt(t.at(0), "unbalanced [")
	}
	return out, nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func parsePort(t text) (Port, error) {
	p := Port{At: t.at(0)}
	if strings.HasPrefix(t.s, "!") {
		p.Negated = true
		t = t.slice(1, len(t.s))
	}
	s := t.s
	switch {
	case s == "":
		return p, errAt(t.at(0), "missing port")
	case s == "any":
		if p.Negated {
			return p, errAt(p.At, "!any matches nothing")
		}
		p.Any = true
	case s[0] == '$':
		if !validName(s[1:]) {
			return p, errAt(t.at(0), "bad variable name %q", s)
		}
		p.Var = s[1:]
	case s[0] == '[':
		items, err := listItems(t)
		if err != nil {
			return p, err
		}
		for _, it := range items {
			x, err := parsePort(it)
			if err != nil {
				return p, err
			}
			p.List = append(p.List, x)
		}
	default:
		lo, hi, ok := strings.Cut(s, ":")
		if !ok {
			hi = lo
		}
		if lo == "" && hi == "" {
			return p, errAt(t.at(0), "bad port range %q", s)
		}
		p.Lo, p.Hi = 0, 65535
		if lo != "" {
			n, err := strconv.ParseUint(lo, 10, 16)
			if err != nil {
				return p, errAt(t.at(0), "bad port %q", lo)
			}
			p.Lo = uint16(n)
		}
		if hi != "" {
			n, err := strconv.ParseUint(hi, 10, 16)
			if err != nil {
				return p, errAt(t.at(len(lo)+1), "bad port %q", hi)
			}
			p.Hi = uint16(n)
		}
		if p.Lo > p.Hi {
			return p, errAt(t.at(0), "port range %q runs backwards", s)
		}
	}
	return p, nil
}
