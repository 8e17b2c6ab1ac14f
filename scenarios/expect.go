package scenarios

import (
	"maps"
	"slices"
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
		if _, ok := vocabularies[f.key]; !ok {
			// Refused here rather than at run time, so a scenario never
			// passes with a section nothing checks.
			return Expect{}, p.errf(f.line, "expect: %q is neither nmap_output nor a known detector (known: %s)",
				f.key, strings.Join(Detectors(), ", "))
		}
		de, err := p.detector(f)
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

// detector reads one detector's `present:` and `absent:` lists.
func (p *parser) detector(f field) (DetectorExpect, error) {
	fs, err := p.fields(f.val, f.key, "present", "absent")
	if err != nil {
		return DetectorExpect{}, err
	}
	var de DetectorExpect
	if de.Present, err = p.expectations(get(fs, "present"), f.key, "present"); err != nil {
		return DetectorExpect{}, err
	}
	if de.Absent, err = p.expectations(get(fs, "absent"), f.key, "absent"); err != nil {
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
func (p *parser) expectations(n *yaml.Node, det, list string) ([]Expectation, error) {
	what := det + "." + list
	items, err := p.seq(n, what)
	if err != nil {
		return nil, err
	}
	var out []Expectation
	for _, it := range items {
		e, err := p.expectation(it, det, what)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// expectation reads one item of det's list what.
func (p *parser) expectation(n *yaml.Node, det, what string) (Expectation, error) {
	e := Expectation{Line: n.Line}
	if n.Kind == yaml.ScalarNode {
		e.Label = n.Value
		return e, p.label(det, n.Line, e.Label)
	}
	fs, err := p.fields(n, what+" entry")
	if err != nil {
		return Expectation{}, err
	}
	ln := get(fs, "label")
	if isNull(ln) {
		return Expectation{}, p.errf(n.Line, "%s entry without label: write {label: osdetect, outcome: fingerprinted}", what)
	}
	if e.Label, err = p.str(ln, "label"); err != nil {
		return Expectation{}, err
	}
	if err := p.label(det, ln.Line, e.Label); err != nil {
		return Expectation{}, err
	}
	for _, f := range fs {
		if f.key == "label" {
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
// reference detector, the tool's own for external ones).
func (p *parser) label(det string, line int, l string) error {
	vocab := vocabularies[det]
	if slices.Contains(vocab, l) {
		return nil
	}
	if near := nearestLabel(vocab, l); near != "" {
		return p.errf(line, "unknown %s label %q (did you mean %s?)", det, l, near)
	}
	return p.errf(line, "unknown %s label %q (known: %s)", det, l, strings.Join(vocab, ", "))
}

// String renders the expectation as a scenario file would write it:
// `scan.tcp-syn` or `{label: osdetect, generation: nmap-1}`, attributes
// sorted by name.
func (e Expectation) String() string {
	if len(e.Attrs) == 0 {
		return e.Label
	}
	var b strings.Builder
	b.WriteString("{label: ")
	b.WriteString(e.Label)
	for _, k := range slices.Sorted(maps.Keys(e.Attrs)) {
		b.WriteString(", ")
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
