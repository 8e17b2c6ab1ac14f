package scenarios

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Keys of a matrix file, besides a scenario file's own.
const (
	matrixKey     = "matrix"
	expectByKey   = "expect_by"
	expectWhenKey = "expect_when"
)

// MaxMatrixScenarios bounds what one matrix file may expand to, so a
// short file cannot ask for more scenarios than any run could hold.
const MaxMatrixScenarios = 100_000

// wordRE is the form of axis, value and variable names: they become
// part of scenario names, hence of report directories.
var wordRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// refRE finds ${axis} and ${axis.var} references in a scalar.
var refRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// MatrixPoint says where in its matrix an expanded scenario stands.
type MatrixPoint struct {
	// Base is the matrix file's name:.
	Base string
	// Values are the axes' values, in the file's axis order.
	Values []AxisValue
}

// AxisValue is one axis of a matrix and the value a scenario takes on it.
type AxisValue struct {
	Axis, Value string
}

// MatrixName is the stable name of the scenario at base's point values:
// BASE[axis=value,axis=value] in the file's axis order.
func MatrixName(base string, values []AxisValue) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = v.Axis + "=" + v.Value
	}
	return base + "[" + strings.Join(parts, ",") + "]"
}

// MatrixSeed is the seed of the scenario called name in a matrix file
// whose seed: is base (0 when absent): FNV-1a (64 bits) of "base/name",
// the same on every run and every machine, and different for every
// point of the matrix.
func MatrixSeed(base uint64, name string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", base, name)
	return h.Sum64()
}

// axis is one axis of a matrix: its values in file order.
type axis struct {
	name   string
	line   int
	values []axisDef
}

// axisDef is one value of an axis and the variables it sets.
type axisDef struct {
	name string
	line int
	vars map[string]*yaml.Node
	// expect is its expect_by: section (nil when it has none).
	expect *yaml.Node
}

// whenCase is one entry of expect_when:: the values it applies to, by
// axis, and the expectations it adds.
type whenCase struct {
	match  map[string][]string
	expect *yaml.Node
}

// matrix is a matrix file read: its axes, its combination cases and the
// scenario every point starts from (the file without the matrix keys).
type matrix struct {
	axes  []axis
	when  []whenCase
	base  *yaml.Node
	bname string
}

// ParseAll reads a scenario file or a matrix file (one with a matrix:
// key) and returns its scenarios: one, or one per point of the matrix in
// odometer order (the last axis varies fastest). dets is as ParseWith's.
func ParseAll(file string, data []byte, dets *DetectorSet) ([]*Scenario, error) {
	p := &parser{file: file, dets: dets}
	root, err := p.document(data)
	if err != nil {
		return nil, err
	}
	if mappingValue(root, matrixKey) == nil {
		s, err := p.scenario(root)
		if err != nil {
			return nil, err
		}
		return []*Scenario{s}, nil
	}
	m, err := p.matrix(root)
	if err != nil {
		return nil, err
	}
	return p.expandMatrix(m)
}

// matrix reads a matrix file's matrix:, expect_by: and expect_when:.
func (p *parser) matrix(root *yaml.Node) (*matrix, error) {
	if _, err := p.fields(root, "the matrix"); err != nil { // a key twice
		return nil, err
	}
	m := &matrix{base: &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: root.Line, Column: root.Column}}
	var mn, by, when *yaml.Node
	var nameNode *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case matrixKey:
			mn = v
		case expectByKey:
			by = v
		case expectWhenKey:
			when = v
		default:
			if k.Value == "name" {
				nameNode = v
			}
			m.base.Content = append(m.base.Content, k, v)
		}
	}
	if isNull(nameNode) {
		return nil, p.errf(root.Line, "missing name: a matrix needs one, the base of its scenarios' names, e.g. name: tech-matrix")
	}
	if nameNode.Kind != yaml.ScalarNode || !nameRE().MatchString(nameNode.Value) {
		return nil, p.errf(nameNode.Line, "name %s: use only lowercase letters, digits and '-'", describe(nameNode))
	}
	m.bname = nameNode.Value
	var err error
	if m.axes, err = p.axes(mn); err != nil {
		return nil, err
	}
	if err := p.expectBy(by, m.axes); err != nil {
		return nil, err
	}
	if m.when, err = p.expectWhen(when, m.axes); err != nil {
		return nil, err
	}
	return m, nil
}

// axes reads matrix:: a mapping of axes, each a mapping of values, each
// a mapping of variables (or empty).
func (p *parser) axes(n *yaml.Node) ([]axis, error) {
	fs, err := p.fields(n, "matrix")
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, p.errf(n.Line, "matrix: give at least one axis, e.g. matrix: {technique: {syn: {flags: -sS}}}")
	}
	total := 1
	out := make([]axis, 0, len(fs))
	for _, f := range fs {
		if !wordRE.MatchString(f.key) {
			return nil, p.errf(f.line, "matrix: axis name %q: use lowercase letters, digits, '-' and '_'", f.key)
		}
		a := axis{name: f.key, line: f.line}
		vs, err := p.fields(f.val, "axis "+f.key)
		if err != nil {
			return nil, err
		}
		if len(vs) == 0 {
			return nil, p.errf(f.line, "matrix: axis %s has no values", f.key)
		}
		for _, v := range vs {
			d, err := p.axisValue(f.key, v)
			if err != nil {
				return nil, err
			}
			a.values = append(a.values, d)
		}
		total *= len(a.values)
		if total > MaxMatrixScenarios {
			return nil, p.errf(f.line, "matrix: more than %d scenarios by axis %s: split the file", MaxMatrixScenarios, f.key)
		}
		out = append(out, a)
	}
	return out, nil
}

// axisValue reads one value of axis ax and its variables.
func (p *parser) axisValue(ax string, v field) (axisDef, error) {
	if !wordRE.MatchString(v.key) {
		return axisDef{}, p.errf(v.line, "matrix: value %q of axis %s: use lowercase letters, digits, '-' and '_'", v.key, ax)
	}
	d := axisDef{name: v.key, line: v.line, vars: map[string]*yaml.Node{}}
	vars, err := p.fields(v.val, "value "+ax+"="+v.key)
	if err != nil {
		return axisDef{}, err
	}
	for _, x := range vars {
		if !wordRE.MatchString(x.key) {
			return axisDef{}, p.errf(x.line, "matrix: variable %q of %s=%s: use lowercase letters, digits, '-' and '_'", x.key, ax, v.key)
		}
		d.vars[x.key] = x.val
	}
	return d, nil
}

// expectBy reads expect_by:: per axis, per value, an expect: section
// added to every scenario with that value.
func (p *parser) expectBy(n *yaml.Node, axes []axis) error {
	fs, err := p.fields(n, expectByKey)
	if err != nil {
		return err
	}
	for _, f := range fs {
		a := findAxis(axes, f.key)
		if a == nil {
			return p.errf(f.line, "%s: %q is not an axis of the matrix (axes: %s)", expectByKey, f.key, axisNames(axes))
		}
		vs, err := p.fields(f.val, expectByKey+" "+f.key)
		if err != nil {
			return err
		}
		for _, v := range vs {
			i := slices.IndexFunc(a.values, func(d axisDef) bool { return d.name == v.key })
			if i < 0 {
				return p.errf(v.line, "%s: %q is not a value of axis %s (values: %s)", expectByKey, v.key, a.name, valueNames(a))
			}
			if v.val.Kind != yaml.MappingNode {
				return p.errf(v.line, "%s %s=%s must be an expect: section (a mapping of detectors), not %s", expectByKey, a.name, v.key, kindName(v.val))
			}
			a.values[i].expect = v.val
		}
	}
	return nil
}

// expectWhen reads expect_when:: a list of {when: {axis: value or
// [values]}, expect: {...}}, the expectations of combinations.
func (p *parser) expectWhen(n *yaml.Node, axes []axis) ([]whenCase, error) {
	items, err := p.seq(n, expectWhenKey)
	if err != nil {
		return nil, err
	}
	out := make([]whenCase, 0, len(items))
	for _, it := range items {
		fs, err := p.fields(it, expectWhenKey+" entry", "when", "expect")
		if err != nil {
			return nil, err
		}
		wn, en := get(fs, "when"), get(fs, "expect")
		if isNull(wn) || isNull(en) {
			return nil, p.errf(it.Line, "%s entry needs both when: {axis: value} and expect: {...}", expectWhenKey)
		}
		if en.Kind != yaml.MappingNode {
			return nil, p.errf(en.Line, "%s: expect must be a mapping of detectors, not %s", expectWhenKey, kindName(en))
		}
		wc, err := p.when(wn, axes)
		if err != nil {
			return nil, err
		}
		wc.expect = en
		out = append(out, wc)
	}
	return out, nil
}

// when reads one when: mapping of axes to a value or a list of values.
func (p *parser) when(n *yaml.Node, axes []axis) (whenCase, error) {
	fs, err := p.fields(n, "when")
	if err != nil {
		return whenCase{}, err
	}
	if len(fs) == 0 {
		return whenCase{}, p.errf(n.Line, "when: name at least one axis value")
	}
	wc := whenCase{match: map[string][]string{}}
	for _, f := range fs {
		a := findAxis(axes, f.key)
		if a == nil {
			return whenCase{}, p.errf(f.line, "when: %q is not an axis of the matrix (axes: %s)", f.key, axisNames(axes))
		}
		vals := []*yaml.Node{f.val}
		if f.val.Kind == yaml.SequenceNode {
			vals = f.val.Content
		}
		if len(vals) == 0 {
			return whenCase{}, p.errf(f.line, "when: %s: an empty list matches nothing", f.key)
		}
		for _, v := range vals {
			if v.Kind != yaml.ScalarNode || !slices.ContainsFunc(a.values, func(d axisDef) bool { return d.name == v.Value }) {
				return whenCase{}, p.errf(v.Line, "when: %s is not a value of axis %s (values: %s)", describe(v), a.name, valueNames(a))
			}
			wc.match[a.name] = append(wc.match[a.name], v.Value)
		}
	}
	return wc, nil
}

// expandMatrix builds and parses the scenario of every point.
func (p *parser) expandMatrix(m *matrix) ([]*Scenario, error) {
	idx := make([]int, len(m.axes))
	var out []*Scenario
	for {
		s, err := p.point(m, idx)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		// The odometer: the last axis turns fastest.
		i := len(idx) - 1
		for ; i >= 0; i-- {
			if idx[i]++; idx[i] < len(m.axes[i].values) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return out, nil
		}
	}
}

// point parses the scenario at the values idx of m's axes.
func (p *parser) point(m *matrix, idx []int) (*Scenario, error) {
	pt := &MatrixPoint{Base: m.bname}
	defs := make(map[string]axisDef, len(m.axes))
	for i, a := range m.axes {
		d := a.values[idx[i]]
		defs[a.name] = d
		pt.Values = append(pt.Values, AxisValue{Axis: a.name, Value: d.name})
	}
	name := MatrixName(m.bname, pt.Values)
	root := copyNode(m.base)
	exp := mappingValue(root, "expect")
	if exp == nil || isNull(exp) {
		line := root.Line
		if exp != nil {
			line = exp.Line
		}
		exp = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line}
		setMappingValue(root, "expect", exp)
	}
	for _, a := range m.axes {
		if e := defs[a.name].expect; e != nil {
			if err := p.mergeNode(exp, e); err != nil {
				return nil, inPoint(err, name)
			}
		}
	}
	for _, w := range m.when {
		if w.matches(defs) {
			if err := p.mergeNode(exp, w.expect); err != nil {
				return nil, inPoint(err, name)
			}
		}
	}
	if err := p.substitute(root, defs, m.axes); err != nil {
		return nil, inPoint(err, name)
	}
	s, err := p.scenario(root)
	if err != nil {
		return nil, inPoint(err, name)
	}
	s.Name, s.Seed, s.Matrix = name, MatrixSeed(s.Seed, name), pt
	return s, nil
}

// matches reports whether the point defs is one the case names.
func (w whenCase) matches(defs map[string]axisDef) bool {
	for ax, vals := range w.match {
		if !slices.Contains(vals, defs[ax].name) {
			return false
		}
	}
	return true
}

// inPoint names the matrix point an error of its scenario is about.
func inPoint(err error, name string) error {
	if e, ok := err.(*Error); ok {
		return &Error{File: e.File, Line: e.Line, Msg: e.Msg + " (in " + name + ")"}
	}
	return err
}

// mergeNode adds src (a table's expect: section) into dst: mappings
// merge key by key, lists add up; a single value set on both sides is
// refused, since neither may silently win.
func (p *parser) mergeNode(dst, src *yaml.Node) error {
	switch {
	case dst.Kind == yaml.MappingNode && src.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(src.Content); i += 2 {
			k, v := src.Content[i], src.Content[i+1]
			d := mappingValue(dst, k.Value)
			if d == nil || isNull(d) {
				setMappingValue(dst, k.Value, copyNode(v))
				continue
			}
			if err := p.mergeNode(d, v); err != nil {
				return err
			}
		}
		return nil
	case dst.Kind == yaml.SequenceNode && src.Kind == yaml.SequenceNode:
		for _, c := range src.Content {
			dst.Content = append(dst.Content, copyNode(c))
		}
		return nil
	case isNull(src):
		return nil
	}
	return p.errf(src.Line, "cannot add this (%s) to line %d's %s: mappings merge and lists add up, other values cannot be set twice",
		kindName(src), dst.Line, kindName(dst))
}

// substitute replaces ${axis} (the value's name) and ${axis.var} (its
// variable) in every value of n: a scalar that is only a reference
// becomes the variable's node (a list of ports, a mapping), a reference
// inside longer text the variable's text.
func (p *parser) substitute(n *yaml.Node, defs map[string]axisDef, axes []axis) error {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			if err := p.substituteAt(n, i, defs, axes); err != nil {
				return err
			}
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for i := range n.Content {
			if err := p.substituteAt(n, i, defs, axes); err != nil {
				return err
			}
		}
	}
	return nil
}

// substituteAt substitutes the child n.Content[i].
func (p *parser) substituteAt(n *yaml.Node, i int, defs map[string]axisDef, axes []axis) error {
	c := n.Content[i]
	if c.Kind != yaml.ScalarNode {
		return p.substitute(c, defs, axes)
	}
	if !strings.Contains(c.Value, "${") {
		return nil
	}
	if m := refRE.FindStringSubmatch(c.Value); m != nil && m[0] == c.Value {
		v, err := p.lookupVar(c, m[1], defs, axes)
		if err != nil {
			return err
		}
		n.Content[i] = copyNode(v)
		return nil
	}
	var err error
	text := refRE.ReplaceAllStringFunc(c.Value, func(ref string) string {
		v, e := p.lookupVar(c, ref[2:len(ref)-1], defs, axes)
		switch {
		case e != nil:
			err = e
		case v.Kind != yaml.ScalarNode:
			err = p.errf(c.Line, "%s is %s: only a value on its own can be replaced by one; inside text use single values", ref, kindName(v))
		default:
			return v.Value
		}
		return ""
	})
	if err != nil {
		return err
	}
	nc := *c
	nc.Value, nc.Tag = text, "" // the tag follows the new text, as if written so
	n.Content[i] = &nc
	return nil
}

// lookupVar resolves the reference ref ("axis" or "axis.var") found in
// scalar at.
func (p *parser) lookupVar(at *yaml.Node, ref string, defs map[string]axisDef, axes []axis) (*yaml.Node, error) {
	ax, v, hasVar := strings.Cut(ref, ".")
	d, ok := defs[ax]
	if !ok {
		return nil, p.errf(at.Line, "${%s}: %q is not an axis of the matrix (axes: %s)", ref, ax, axisNames(axes))
	}
	if !hasVar {
		return &yaml.Node{Kind: yaml.ScalarNode, Value: d.name, Line: at.Line, Column: at.Column}, nil
	}
	n, ok := d.vars[v]
	if !ok {
		return nil, p.errf(at.Line, "${%s}: value %s=%s (line %d) sets no variable %q", ref, ax, d.name, d.line, v)
	}
	return n, nil
}

// copyNode copies n deeply, so one point's changes never reach another.
func copyNode(n *yaml.Node) *yaml.Node {
	c := *n
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, x := range n.Content {
			c.Content[i] = copyNode(x)
		}
	}
	return &c
}

// mappingValue is key's value in mapping n, nil when it has none.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// setMappingValue sets key's value in mapping n, adding the key if new.
func setMappingValue(n *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == key {
			n.Content[i+1] = v
			return
		}
	}
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: v.Line, Column: v.Column}
	n.Content = append(n.Content, k, v)
}

func findAxis(axes []axis, name string) *axis {
	for i := range axes {
		if axes[i].name == name {
			return &axes[i]
		}
	}
	return nil
}

func axisNames(axes []axis) string {
	names := make([]string, len(axes))
	for i, a := range axes {
		names[i] = a.name
	}
	return strings.Join(names, ", ")
}

func valueNames(a *axis) string {
	names := make([]string, len(a.values))
	for i, v := range a.values {
		names[i] = v.name
	}
	return strings.Join(names, ", ")
}
