package rules

import (
	"slices"
	"strconv"
	"strings"
)

// Evaluated is every keyword the rule lab's evaluation will support:
// the header-only and payload-size checks a 1998 scanner's packets can
// trip, content with its position modifiers, the rate keywords, and
// the metadata keywords that match nothing. A rule with any other
// keyword is marked NotEvaluated instead of being half evaluated.
var Evaluated = []string{
	"flags", "fragbits", "dsize", "ack", "seq", "window", "id", "ttl", "tos",
	"ip_proto", "itype", "icode", "icmp_id", "icmp_seq", "flow",
	"content", "nocase", "depth", "offset", "distance", "within",
	"threshold", "detection_filter", "sameip", "fragoffset",
	"msg", "sid", "rev", "gid", "classtype", "priority", "reference", "metadata",
}

// IsEvaluated says whether keyword is in Evaluated.
func IsEvaluated(keyword string) bool { return slices.Contains(Evaluated, keyword) }

// parseOptions reads "kw:value; kw; ... )" (t starts after the "(").
func parseOptions(r *Rule, t text) error {
	i := 0
	for {
		for i < len(t.s) && (t.s[i] == ' ' || t.s[i] == '\t') {
			i++
		}
		if i >= len(t.s) {
			return errAt(t.at(i), "missing ) at the end of the rule")
		}
		if t.s[i] == ')' {
			if rest := strings.TrimSpace(t.s[i+1:]); rest != "" {
				return errAt(t.at(i+1), "text after the rule's closing )")
			}
			break
		}
		kwStart := i
		for i < len(t.s) && t.s[i] != ':' && t.s[i] != ';' && t.s[i] != ')' {
			i++
		}
		kw := strings.TrimSpace(t.s[kwStart:i])
		if kw == "" || strings.ContainsAny(kw, " \t\"") {
			return errAt(t.at(kwStart), "bad option keyword %q", kw)
		}
		o := Option{Keyword: kw, At: t.at(kwStart)}
		valAt := i + 1
		if i < len(t.s) && t.s[i] == ':' {
			i++
			vs := i
			quote := -1
			for ; i < len(t.s); i++ {
				c := t.s[i]
				if c == '\\' {
					i++
					continue
				}
				if c == '"' {
					if quote < 0 {
						quote = i
					} else {
						quote = -1
					}
					continue
				}
				if quote < 0 && c == ';' {
					break
				}
			}
			if quote >= 0 {
				return errAt(t.at(quote), "unterminated %s string", kw)
			}
			if i >= len(t.s) {
				// Snort 3 lets the last option go without its ";".
				j := strings.LastIndexByte(t.s[vs:], ')')
				if j < 0 {
					return errAt(t.at(i), "missing ; after option %s", kw)
				}
				i = vs + j
				o.Value = strings.TrimSpace(t.s[vs:i])
			} else {
				o.Value = strings.TrimSpace(t.s[vs:i])
				i++ // the ";"
			}
			for valAt = vs; valAt < len(t.s) && (t.s[valAt] == ' ' || t.s[valAt] == '\t'); valAt++ {
			}
		} else if i < len(t.s) && t.s[i] == ';' {
			i++
		}
		r.Options = append(r.Options, o)
		if err := r.apply(o, t.at(valAt)); err != nil {
			return err
		}
	}
	for k := range r.Options {
		if !IsEvaluated(r.Options[k].Keyword) {
			r.NotEvaluated = &r.Options[k]
			break
		}
	}
	return nil
}

// apply reads the options siglab understands into the Rule's fields.
func (r *Rule) apply(o Option, at Pos) error {
	var err error
	v := o.Value
	switch o.Keyword {
	case "msg":
		r.Msg, err = unquote(v, at)
	case "classtype":
		r.Classtype = v
	case "sid":
		r.SID, err = number(v, at, o.Keyword)
	case "rev":
		r.Rev, err = number(v, at, o.Keyword)
	case "gid":
		r.GID, err = number(v, at, o.Keyword)
	case "priority":
		r.Priority, err = number(v, at, o.Keyword)
	case "content":
		err = r.content(v, at)
	case "nocase", "depth", "offset", "distance", "within":
		if len(r.Contents) == 0 {
			return errAt(o.At, "%s without a content before it", o.Keyword)
		}
		err = modifier(&r.Contents[len(r.Contents)-1], o.Keyword, v, at)
	case "flags":
		r.Flags, err = parseFlags(v, at)
	case "fragbits":
		r.Fragbits, err = parseFragbits(v, at)
	case "dsize":
		r.Dsize, err = parseDsize(v, at)
	case "threshold":
		r.Threshold, err = parseThreshold(v, at, true)
	case "detection_filter":
		r.DetectionFilter, err = parseThreshold(v, at, false)
	}
	return err
}

func number(v string, at Pos, kw string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0, errAt(at, "bad %s %q", kw, v)
	}
	return n, nil
}

// unquote strips a msg's quotes and its \" \; \\ escapes.
func unquote(v string, at Pos) (string, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", errAt(at, "want a quoted string, got %q", v)
	}
	var b strings.Builder
	s := v[1 : len(v)-1]
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}

// content reads `[!]"bytes|41 42|\""` and, Snort 3 style, any
// ", depth 16, nocase" modifiers after the string.
func (r *Rule) content(v string, at Pos) error {
	c := Content{}
	s := v
	if strings.HasPrefix(s, "!") {
		c.Negated = true
		s = strings.TrimSpace(s[1:])
	}
	if !strings.HasPrefix(s, "\"") {
		return errAt(at, "content wants a quoted string, got %q", v)
	}
	inHex := false
	var hex []byte
	i := 1
	closed := false
	for ; i < len(s); i++ {
		ch := s[i]
		if inHex {
			switch {
			case ch == '|':
				if len(hex)%2 != 0 {
					return errAt(at, "odd number of hex digits in content %q", v)
				}
				for k := 0; k < len(hex); k += 2 {
					n, _ := strconv.ParseUint(string(hex[k:k+2]), 16, 8)
					c.Bytes = append(c.Bytes, byte(n))
				}
				hex, inHex = hex[:0], false
			case ch == ' ':
			case ch == '"':
				return errAt(at, "unterminated |hex| in content")
			case strings.IndexByte("0123456789abcdefABCDEF", ch) >= 0:
				hex = append(hex, ch)
			default:
				return errAt(at, "bad hex digit %q in content", string(ch))
			}
			continue
		}
		switch ch {
		case '|':
			inHex = true
		case '\\':
			if i+1 >= len(s) || strings.IndexByte("\"\\;:", s[i+1]) < 0 {
				return errAt(at, "bad escape in content %q", v)
			}
			i++
			c.Bytes = append(c.Bytes, s[i])
		case '"':
			closed = true
		default:
			c.Bytes = append(c.Bytes, ch)
		}
		if closed {
			break
		}
	}
	if !closed {
		return errAt(at, "unterminated content string")
	}
	if inHex {
		return errAt(at, "unterminated |hex| in content")
	}
	r.Contents = append(r.Contents, c)
	rest := strings.TrimSpace(s[i+1:])
	if rest == "" {
		return nil
	}
	if rest[0] != ',' {
		return errAt(at, "text after the content string: %q", rest)
	}
	for m := range strings.SplitSeq(rest[1:], ",") {
		kw, val, _ := strings.Cut(strings.TrimSpace(m), " ")
		if err := modifier(&r.Contents[len(r.Contents)-1], kw, strings.TrimSpace(val), at); err != nil {
			return err
		}
	}
	return nil
}

func modifier(c *Content, kw, v string, at Pos) error {
	if kw == "nocase" {
		if v != "" {
			return errAt(at, "nocase takes no value")
		}
		c.Nocase = true
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || (kw == "depth" || kw == "within") && n < 1 {
		return errAt(at, "bad %s %q", kw, v)
	}
	switch kw {
	case "depth":
		c.Depth = &n
	case "offset":
		c.Offset = &n
	case "distance":
		c.Distance = &n
	case "within":
		c.Within = &n
	default:
		return errAt(at, "unknown content modifier %q", kw)
	}
	return nil
}

var flagBits = map[byte]uint8{
	'F': FIN, 'S': SYN, 'R': RST, 'P': PSH, 'A': ACK, 'U': URG,
	'E': ECE, 'C': CWR, '2': ECE, '1': CWR,
}

// bitsOf reads letters with an optional modifier before or after them
// (Snort 2 documents "+S", old rules write "S+").
func bitsOf(s string, table map[byte]uint8, at Pos, kw string) (uint8, byte, error) {
	var mod byte
	if s != "" && strings.IndexByte("+*!", s[0]) >= 0 {
		mod, s = s[0], s[1:]
	} else if s != "" && strings.IndexByte("+*!", s[len(s)-1]) >= 0 {
		mod, s = s[len(s)-1], s[:len(s)-1]
	}
	if s == "" {
		return 0, 0, errAt(at, "%s has no bits", kw)
	}
	var b uint8
	for i := 0; i < len(s); i++ {
		bit, ok := table[s[i]]
		if !ok {
			return 0, 0, errAt(at, "bad %s bit %q", kw, string(s[i]))
		}
		if b&bit != 0 {
			return 0, 0, errAt(at, "%s bit %q twice", kw, string(s[i]))
		}
		b |= bit
	}
	return b, mod, nil
}

func parseFlags(v string, at Pos) (*Flags, error) {
	bits, mask, _ := strings.Cut(strings.TrimSpace(v), ",")
	bits, mask = strings.TrimSpace(bits), strings.TrimSpace(mask)
	f := &Flags{}
	if bits == "0" {
		// no flags at all
	} else {
		var err error
		if f.Bits, f.Mod, err = bitsOf(bits, flagBits, at, "flags"); err != nil {
			return nil, err
		}
	}
	if mask != "" {
		m, mod, err := bitsOf(mask, flagBits, at, "flags mask")
		if err != nil {
			return nil, err
		}
		if mod != 0 {
			return nil, errAt(at, "flags mask %q takes no modifier", mask)
		}
		f.Mask = m
	}
	return f, nil
}

var fragBits = map[byte]uint8{'M': MF, 'D': DF, 'R': Reserved}

func parseFragbits(v string, at Pos) (*Fragbits, error) {
	b, mod, err := bitsOf(strings.TrimSpace(v), fragBits, at, "fragbits")
	if err != nil {
		return nil, err
	}
	return &Fragbits{Bits: b, Mod: mod}, nil
}

func parseDsize(v string, at Pos) (*Dsize, error) {
	s := strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	num := func(x string) (int, error) {
		n, err := strconv.Atoi(x)
		if err != nil || n < 0 || n > 65535 {
			return 0, errAt(at, "bad dsize %q", v)
		}
		return n, nil
	}
	d := &Dsize{}
	var err error
	if a, b, ok := strings.Cut(s, "<>"); ok && a != "" {
		d.Op = "<>"
		if d.Min, err = num(a); err != nil {
			return nil, err
		}
		if d.Max, err = num(b); err != nil {
			return nil, err
		}
		if d.Min > d.Max {
			return nil, errAt(at, "dsize range %q runs backwards", v)
		}
		return d, nil
	}
	switch {
	case strings.HasPrefix(s, "<>"):
		return nil, errAt(at, "dsize <> wants a<>b, got %q", v)
	case strings.HasPrefix(s, "<"), strings.HasPrefix(s, ">"), strings.HasPrefix(s, "="), strings.HasPrefix(s, "!"):
		d.Op, s = s[:1], s[1:]
	default:
		d.Op = "="
	}
	if d.Min, err = num(s); err != nil {
		return nil, err
	}
	return d, nil
}

func parseThreshold(v string, at Pos, typed bool) (*Threshold, error) {
	th := &Threshold{}
	kw := "threshold"
	if !typed {
		kw = "detection_filter"
	}
	seen := map[string]bool{}
	for part := range strings.SplitSeq(v, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), " ")
		val = strings.TrimSpace(val)
		if seen[k] {
			return nil, errAt(at, "%s: %s twice", kw, k)
		}
		seen[k] = true
		var err error
		switch k {
		case "type":
			if !typed || val != "limit" && val != "threshold" && val != "both" {
				return nil, errAt(at, "%s: bad type %q", kw, val)
			}
			th.Type = val
		case "track":
			if val != "by_src" && val != "by_dst" && val != "by_rule" && val != "by_both" {
				return nil, errAt(at, "%s: bad track %q", kw, val)
			}
			th.Track = val
		case "count":
			th.Count, err = number(val, at, kw+" count")
		case "seconds":
			th.Seconds, err = number(val, at, kw+" seconds")
		default:
			return nil, errAt(at, "%s: unknown part %q", kw, k)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, need := range []string{"type", "track", "count", "seconds"} {
		if need == "type" && !typed {
			continue
		}
		if !seen[need] {
			return nil, errAt(at, "%s: missing %s", kw, need)
		}
	}
	return th, nil
}
