package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	engines "github.com/siglab/siglab/external/formats"
	"github.com/siglab/siglab/rules"
)

// nativeFormats are the output formats a native rule set may give; the
// first is the default.
var nativeFormats = []string{engines.EVE, engines.SnortFast}

// RuleSet reads a native detector's rules (Native): rules.Classic() when
// Rules is "", else the file Rules. The returned Set's Vars are the ones
// its rules resolve against: rules.LabVars(), then the Vars file's, then
// the rules file's own ipvar/portvar/var lines, a later definition
// winning. Every variable an enabled rule uses is checked to resolve.
//
// Errors are the rules package's ("file:line:col: ...", wrapping
// rules.ErrSyntax or rules.ErrUndefined) or the file system's; a vars
// file that holds rules is an error too. Every call reads and parses
// the files afresh; the Set is the caller's.
func (d DetectorSpec) RuleSet() (*rules.Set, error) {
	if !d.Native {
		return nil, fmt.Errorf("detector %s is not a native rule set", d.Name)
	}
	set, err := readRules(d.Rules)
	if err != nil {
		return nil, err
	}
	vars, err := ReadVars(d.Vars)
	if err != nil {
		return nil, err
	}
	set.Vars = rules.LabVars().Merge(vars).Merge(set.Vars)
	if err := resolveAll(set); err != nil {
		return nil, err
	}
	return set, nil
}

// readRules parses the rules file path, or the classic set for "".
func readRules(path string) (*rules.Set, error) {
	if path == "" {
		return rules.Classic(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return rules.Parse(path, data)
}

// ReadVars parses a vars file, for a native set's vars: and for
// `siglab rules check --vars`: a suricata.yaml (.yaml, .yml) or Snort
// ipvar/portvar/var lines (any other name); "" gives none.
func ReadVars(path string) (*rules.Vars, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return rules.ParseSuricataVars(path, data)
	}
	set, err := rules.Parse(path, data)
	if err != nil {
		return nil, err
	}
	for _, r := range set.Rules {
		if !r.Disabled {
			return nil, fmt.Errorf("%s: a vars file holds only ipvar, portvar and var lines, not rules: give them under rules:", r.At)
		}
	}
	return set.Vars, nil
}

// resolveAll checks that every enabled rule's variables resolve against
// set.Vars. Disabled rules are not evaluated, so theirs may be missing.
func resolveAll(set *rules.Set) error {
	for _, r := range set.Rules {
		if r.Disabled {
			continue
		}
		if _, err := set.Vars.Resolve(r); err != nil {
			return err
		}
	}
	return nil
}

// sidsOf returns the set's sids (enabled and disabled rules), sorted,
// each once.
func sidsOf(set *rules.Set) []int {
	var out []int
	for _, r := range set.Rules {
		if r.SID != 0 {
			out = append(out, r.SID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// rulesName is how errors name a native detector's rules file.
func (d DetectorSpec) rulesName() string {
	if d.Rules == "" {
		return rules.ClassicFile
	}
	return d.Rules
}

// sid refuses, in a native detector's section, a key value that is not
// the sid of one of its rules, so that a typo fails at load time rather
// than as a check that can never pass (or never fail).
func (p *parser) sid(det DetectorSpec, e Expectation) error {
	if !det.Native || e.Label == "" {
		return nil
	}
	n, err := strconv.Atoi(e.Label)
	if err != nil || n <= 0 {
		return p.errf(e.Line, "%s: %s %q is not a sid (a whole number above 0)", det.Name, det.Format.Key, e.Label)
	}
	if _, ok := slices.BinarySearch(det.sids(), n); !ok {
		return p.errf(e.Line, "%s: sid %d is in no rule of %s", det.Name, n, det.rulesName())
	}
	return nil
}

// declaredNative reads a native rule set: `native: true`, `rules:`
// (required), optional `vars:` and `format:` (eve or snort-fast, eve
// when omitted); no command, output or install, as siglab evaluates
// the rules itself. The rules and vars files are parsed here, so a
// fault in them stops the load with its own file:line:col.
func (p *parser) declaredNative(e field, fs []field, spec *DetectorSpec) error {
	spec.Native = true
	for _, k := range []string{"command", "output", "install"} {
		for _, f := range fs {
			if f.key == k {
				return p.errf(f.line, "detector %s is native: siglab evaluates its rules itself, so it takes no %s:", e.key, k)
			}
		}
	}
	name := nativeFormats[0]
	if n := get(fs, "format"); !isNull(n) {
		var err error
		if name, err = p.str(n, "format"); err != nil {
			return err
		}
		if !slices.Contains(nativeFormats, name) {
			return p.errf(n.Line, "native detector %s: format %q (a native rule set reports as %s)", e.key, name, strings.Join(nativeFormats, " or "))
		}
	}
	spec.Format = formats()[name]
	rn := get(fs, "rules")
	if isNull(rn) {
		return p.errf(e.line, "native detector %s has no rules: give a rules file, e.g. rules: scan.rules", e.key)
	}
	if err := p.declaredRules(fs, spec); err != nil {
		return err
	}
	if spec.Rules == "" {
		return p.errf(rn.Line, "native detector %s: rules: is empty", e.key)
	}
	set, err := readRules(spec.Rules)
	if err != nil {
		return p.errf(rn.Line, "native detector %s: %s", e.key, err)
	}
	vars, err := p.declaredVars(e, fs, spec)
	if err != nil {
		return err
	}
	set.Vars = rules.LabVars().Merge(vars).Merge(set.Vars)
	if err := resolveAll(set); err != nil {
		return p.errf(rn.Line, "native detector %s: %s (define it with ipvar/portvar in the rules file or in a vars: file)", e.key, err)
	}
	sids := sidsOf(set)
	spec.sids = func() []int { return sids }
	return nil
}

// declaredVars reads `vars:`, a file that must exist, relative to the
// detectors file, and parses it.
func (p *parser) declaredVars(e field, fs []field, spec *DetectorSpec) (*rules.Vars, error) {
	n := get(fs, "vars")
	path, err := p.str(n, "vars")
	if err != nil || path == "" {
		return nil, err
	}
	path = p.relative(path)
	if st, err := os.Stat(path); err != nil || st.IsDir() {
		return nil, p.errf(n.Line, "vars file %s does not exist or is a directory", path)
	}
	vars, err := ReadVars(path)
	if err != nil {
		return nil, p.errf(n.Line, "native detector %s: %s", e.key, err)
	}
	spec.Vars = path
	return vars, nil
}
