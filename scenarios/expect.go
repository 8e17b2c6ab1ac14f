package scenarios

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// outputKey is the expect: key for the nmap output; every other key names
// a detector.
const outputKey = "nmap_output"

// expect reads `expect:`.
func (p *parser) expect(n *yaml.Node) (Expect, error) {
	fs, err := p.fields(n, "expect")
	if err != nil {
		return Expect{}, err
	}
	var e Expect
	for _, f := range fs {
		if f.key == outputKey {
			if e.NmapOutput, err = p.output(f); err != nil {
				return Expect{}, err
			}
			continue
		}
		spec, ok := p.detectors().Lookup(f.key)
		if !ok {
			// Refused here rather than at run time, so a scenario never
			// passes with a section nothing checks.
			return Expect{}, p.errf(f.line, "expect: %q is neither nmap_output nor a known detector (known: %s%s)",
				f.key, strings.Join(p.detectors().Names(), ", "), p.declareHint())
		}
		de, err := p.detector(f, spec)
		if err != nil {
			return Expect{}, err
		}
		if e.Detectors == nil {
			e.Detectors = map[string]DetectorExpect{}
		}
		e.Detectors[f.key] = de
		e.DetectorOrder = append(e.DetectorOrder, f.key)
	}
	return e, nil
}

// output reads `nmap_output: {contains: [...]}`.
func (p *parser) output(f field) (OutputExpect, error) {
	fs, err := p.fields(f.val, outputKey, "contains")
	if err != nil {
		return OutputExpect{}, err
	}
	items, err := p.seq(get(fs, "contains"), "contains")
	if err != nil {
		return OutputExpect{}, err
	}
	oe := OutputExpect{Line: f.line}
	for _, it := range items {
		s, err := p.str(it, "contains")
		if err != nil {
			return OutputExpect{}, err
		}
		if s == "" {
			return OutputExpect{}, p.errf(it.Line, "contains: an empty string matches any output")
		}
		oe.Contains = append(oe.Contains, s)
		oe.Lines = append(oe.Lines, it.Line)
	}
	return oe, nil
}

// declareHint tells how to add a detector when no detectors file is in use.
func (p *parser) declareHint() string {
	if p.detectors().File != "" {
		return "; declared in " + p.detectors().File
	}
	return "; declare others in a detectors.yaml next to the scenarios, or with --detectors FILE"
}

// detector reads one detector's `present:` and `absent:` lists.
func (p *parser) detector(f field, spec DetectorSpec) (DetectorExpect, error) {
	fs, err := p.fields(f.val, f.key, "present", "absent")
	if err != nil {
		return DetectorExpect{}, err
	}
	var de DetectorExpect
	if de.Present, err = p.expectations(get(fs, "present"), spec, "present"); err != nil {
		return DetectorExpect{}, err
	}
	if de.Absent, err = p.expectations(get(fs, "absent"), spec, "absent"); err != nil {
		return DetectorExpect{}, err
	}
	for _, a := range de.Absent {
		for _, pr := range de.Present {
			if a.Label == pr.Label && maps.Equal(a.Attrs, pr.Attrs) {
				return DetectorExpect{}, p.errf(a.Line, "%s is both present (line %d) and absent", a, pr.Line)
			}
		}
	}
	return de, nil
}

// expectations reads det's list (list is "present" or "absent") of bare
// labels and {label: X, attr: v} maps.
func (p *parser) expectations(n *yaml.Node, det DetectorSpec, list string) ([]Expectation, error) {
	what := det.Name + "." + list
	items, err := p.seq(n, what)
	if err != nil {
		return nil, err
	}
	var out []Expectation
	for _, it := range items {
		e, err := p.expectation(it, det, what)
		if err == nil && !det.LabelBased() {
			e.Key = det.Format.Key
			err = p.fieldExpectation(e, det, list == "absent")
		}
		if err == nil {
			err = p.sid(det, e)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// expectation reads one item of det's list what. For a detector whose
// expectations name fields, a bare value and `label:` both stand for its
// format's key field, and an entry may leave the label out.
func (p *parser) expectation(n *yaml.Node, det DetectorSpec, what string) (Expectation, error) {
	e := Expectation{Line: n.Line}
	if n.Kind == yaml.ScalarNode {
		e.Label = n.Value
		return e, p.label(det, n.Line, e.Label)
	}
	fs, err := p.fields(n, what+" entry")
	if err != nil {
		return Expectation{}, err
	}
	labelKey := "label"
	ln := get(fs, labelKey)
	if !det.LabelBased() && isNull(ln) {
		labelKey = det.Format.Key
		ln = get(fs, labelKey)
	}
	switch {
	case isNull(ln) && det.LabelBased():
		return Expectation{}, p.errf(n.Line, "%s entry without label: write {label: osdetect, outcome: fingerprinted}", what)
	case !isNull(ln):
		if e.Label, err = p.str(ln, labelKey); err != nil {
			return Expectation{}, err
		}
		if err := p.label(det, ln.Line, e.Label); err != nil {
			return Expectation{}, err
		}
	}
	for _, f := range fs {
		if f.key == labelKey {
			continue
		}
		if isNull(f.val) || f.val.Kind != yaml.ScalarNode {
			return Expectation{}, p.errf(f.line, "attribute %s needs a single value", f.key)
		}
		if e.Attrs == nil {
			e.Attrs = map[string]string{}
		}
		e.Attrs[f.key] = f.val.Value
	}
	return e, nil
}

// label refuses labels outside det's vocabulary (the contract's for the
// reference detector, p0f's mod= values). Detectors whose expectations
// name fields take any value of their key field: signature ids and
// note names are the user's.
func (p *parser) label(det DetectorSpec, line int, l string) error {
	if !det.LabelBased() {
		if l == "" {
			return p.errf(line, "%s: an empty %s matches nothing", det.Name, det.Format.Key)
		}
		return nil
	}
	vocab := det.Labels
	if slices.Contains(vocab, l) {
		return nil
	}
	if near := nearestLabel(vocab, l); near != "" {
		return p.errf(line, "unknown %s label %q (did you mean %s?)", det.Name, l, near)
	}
	return p.errf(line, "unknown %s label %q (known: %s)", det.Name, l, strings.Join(vocab, ", "))
}

// CountKey is the attribute that asks, in a section of a detector whose
// expectations name fields, for exactly that many matching records.
const CountKey = "count"

// fieldExpectation checks an expectation's attributes against det's
// format: each names one of its fields, or count (present only, a whole
// number); an entry must say something.
func (p *parser) fieldExpectation(e Expectation, det DetectorSpec, absent bool) error {
	if e.Label == "" && len(e.Attrs) == 0 {
		return p.errf(e.Line, "%s entry names no field: write {%s: ...}", det.Name, det.Format.Key)
	}
	for _, k := range slices.Sorted(maps.Keys(e.Attrs)) {
		switch {
		case k == CountKey && absent:
			return p.errf(e.Line, "%s: count in an absent entry: write {count: 0} under present, or drop it", det.Name)
		case k == CountKey:
			if n, err := strconv.Atoi(e.Attrs[k]); err != nil || n < 0 {
				return p.errf(e.Line, "%s: count must be a whole number of records, not %q", det.Name, e.Attrs[k])
			}
		case !det.Format.HasField(k):
			msg := fmt.Sprintf("unknown %s field %q (format %s has: %s)", det.Name, k, det.Format.Name, strings.Join(det.Format.Fields, ", "))
			if near := nearestLabel(det.Format.Fields, k); near != "" {
				msg = fmt.Sprintf("unknown %s field %q (did you mean %s?)", det.Name, k, near)
			}
			return p.errf(e.Line, "%s", msg)
		}
	}
	return nil
}

// String renders the expectation as a scenario file would write it:
// `scan.tcp-syn` or `{label: osdetect, generation: nmap-1}`, attributes
// sorted by name.
func (e Expectation) String() string {
	if len(e.Attrs) == 0 {
		return e.Label
	}
	var b strings.Builder
	b.WriteByte('{')
	sep := ""
	if e.Label != "" {
		key := e.Key
		if key == "" {
			key = "label"
		}
		b.WriteString(key + ": " + flowScalar(e.Label))
		sep = ", "
	}
	for _, k := range slices.Sorted(maps.Keys(e.Attrs)) {
		b.WriteString(sep)
		sep = ", "
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(flowScalar(e.Attrs[k]))
	}
	b.WriteByte('}')
	return b.String()
}

// flowScalar quotes a value that would not read back as the same plain
// scalar inside a flow mapping.
func flowScalar(v string) string {
	if v == "" || strings.ContainsAny(v, ",:{}[]#&*!|>'\"%@`\n\t") || strings.TrimSpace(v) != v {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`).Replace(v) + `"`
	}
	return v
}

// count is the number of checks the section asks for.
func (e Expect) count() int {
	n := len(e.NmapOutput.Contains)
	for _, d := range e.Detectors {
		n += len(d.Present) + len(d.Absent)
	}
	return n
}
