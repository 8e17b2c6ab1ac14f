package scenarios

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/siglab/siglab/lazyre"
)

// DetectorsFile is the name of the detectors file Load looks for next to
// scenario files.
const DetectorsFile = "detectors.yaml"

// Placeholders a declared detector's command and output may use.
const (
	PlaceholderPcap   = "{pcap}"   // the run's capture, a pcap file
	PlaceholderOutdir = "{outdir}" // a fresh, empty directory for the detector's output
	PlaceholderRules  = "{rules}"  // the declared rules file, absolute
)

var (
	detectorNameRE = lazyre.New(`^[a-z][a-z0-9_-]*$`)
	placeholderRE  = lazyre.New(`\{[^{}]*\}`)
)

// detectorKeys are the keys of one declared detector.
var detectorKeys = []string{"format", "command", "output", "rules", "install", "native", "vars"}

// LoadDetectors reads a detectors file: the built-in detectors plus the
// engines it declares, each with its output format and either a command
// siglab runs on every run's capture or an output file it reads, and
// the native rule sets it declares, which siglab evaluates itself.
//
//	detectors:
//	  suricata:
//	    format: eve
//	    command: [suricata, -r, "{pcap}", -l, "{outdir}", -S, "{rules}"]
//	    output: "{outdir}/eve.json"
//	    rules: rules/scan.rules
//	    install: apt-get install suricata
//	  local:
//	    native: true
//	    rules: rules/local.rules
//	    vars: suricata.yaml
//	    format: eve
//
// A native set (native: true) takes rules: (required), vars: (a
// suricata.yaml's vars, for .yaml and .yml, else Snort ipvar/portvar
// lines) and format: (eve, the default, or snort-fast), never command:,
// output: or install:. Its rules and vars files are relative to the
// detectors file and parsed here: a fault in them, or a variable an
// enabled rule uses that neither they nor rules.LabVars define, is an
// error naming the rules file's line and column.
//
// Every error is one line, "file:line: what is wrong", wrapping
// ErrInvalid.
func LoadDetectors(path string) (*DetectorSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseDetectors(path, data)
}

// ParseDetectors is LoadDetectors on data read from file (which is named
// in errors, and relative rules and output paths are taken from its
// directory).
func ParseDetectors(file string, data []byte) (*DetectorSet, error) {
	p := &parser{file: file}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := p.decode(dec, &doc, data); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errf(1, "empty detectors file: write detectors: {NAME: {format: eve, output: eve.json}}")
		}
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, p.errf(doc.Line, "empty detectors file: write detectors: {NAME: {format: eve, output: eve.json}}")
	}
	var extra yaml.Node
	if err := p.decode(dec, &extra, data); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, p.errf(extra.Line, "a second YAML document: one detectors file holds one")
	}
	root := doc.Content[0]
	if err := p.noAliases(root); err != nil {
		return nil, err
	}
	top, err := p.fields(root, "detectors file", "detectors")
	if err != nil {
		return nil, err
	}
	entries, err := p.fields(get(top, "detectors"), "detectors")
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, p.errf(root.Line, "detectors: declares no detector")
	}
	set := withBuiltin()
	set.File = file
	for _, e := range entries {
		spec, err := p.declared(e, set)
		if err != nil {
			return nil, err
		}
		set.specs[spec.Name] = spec
	}
	return set, nil
}

// declared reads one detector of a detectors file.
func (p *parser) declared(e field, set *DetectorSet) (DetectorSpec, error) {
	switch _, builtin := set.Lookup(e.key); {
	case !detectorNameRE().MatchString(e.key):
		return DetectorSpec{}, p.errf(e.line, "detector name %q: use lower-case letters, digits, - and _", e.key)
	case e.key == DetectorRules:
		// The suite's own rule files for its scenarios' rules:
		// sections, in place of the classic set: native only.
		fs, err := p.fields(e.val, e.key, detectorKeys...)
		if err != nil {
			return DetectorSpec{}, err
		}
		if native, err := p.boolean(get(fs, "native"), "native"); err != nil || !native {
			return DetectorSpec{}, p.errf(e.line, "detector %q is the rule lab's: declare it only with native: true and your rules files, or give yours another name", e.key)
		}
	case builtin:
		return DetectorSpec{}, p.errf(e.line, "detector %q is built in: give yours another name", e.key)
	case e.key == outputKey:
		return DetectorSpec{}, p.errf(e.line, "%q is the key of nmap's output checks: give the detector another name", e.key)
	}
	fs, err := p.fields(e.val, e.key, detectorKeys...)
	if err != nil {
		return DetectorSpec{}, err
	}
	spec := DetectorSpec{Name: e.key, File: p.file, Line: e.line}
	native, err := p.boolean(get(fs, "native"), "native")
	if err != nil {
		return DetectorSpec{}, err
	}
	if native {
		if err := p.declaredNative(e, fs, &spec); err != nil {
			return DetectorSpec{}, err
		}
		return spec, nil
	}
	for _, f := range fs {
		if f.key == "vars" {
			return DetectorSpec{}, p.errf(f.line, "vars: is for a rule set siglab evaluates itself: add native: true, or give the variables to %s's own configuration", e.key)
		}
	}
	if err := p.declaredFormat(e, fs, &spec); err != nil {
		return DetectorSpec{}, err
	}
	if spec.Install, err = p.str(get(fs, "install"), "install"); err != nil {
		return DetectorSpec{}, err
	}
	if err := p.declaredRules(fs, &spec); err != nil {
		return DetectorSpec{}, err
	}
	if err := p.declaredCommand(e, fs, &spec); err != nil {
		return DetectorSpec{}, err
	}
	return spec, nil
}

// declaredFormat reads `format:`.
func (p *parser) declaredFormat(e field, fs []field, spec *DetectorSpec) error {
	n := get(fs, "format")
	if isNull(n) {
		return p.errf(e.line, "detector %s has no format (one of: %s)", e.key, strings.Join(formatNames(), ", "))
	}
	name, err := p.str(n, "format")
	if err != nil {
		return err
	}
	if name == formatP0f {
		spec.Labels, spec.Format.Name = p0fLabels, formatP0f
		return nil
	}
	f, ok := formats()[name]
	if !ok {
		return p.errf(n.Line, "unknown format %q (known: %s)", name, strings.Join(formatNames(), ", "))
	}
	spec.Format = f
	return nil
}

// formatNames are the formats a detectors file may give, sorted.
func formatNames() []string {
	names := append(Formats(), formatP0f)
	slices.Sort(names)
	return names
}

// declaredRules reads `rules:`, a file that must exist, relative to the
// detectors file.
func (p *parser) declaredRules(fs []field, spec *DetectorSpec) error {
	n := get(fs, "rules")
	rules, err := p.str(n, "rules")
	if err != nil || rules == "" {
		return err
	}
	rules = p.relative(rules)
	if st, err := os.Stat(rules); err != nil || st.IsDir() {
		return p.errf(n.Line, "rules file %s does not exist or is a directory", rules)
	}
	spec.Rules = rules
	return nil
}

// declaredCommand reads `command:` and `output:`: a command with its
// output file (or its standard output), or an output file alone.
func (p *parser) declaredCommand(e field, fs []field, spec *DetectorSpec) error {
	cn, on := get(fs, "command"), get(fs, "output")
	items, err := p.seq(cn, "command")
	if err != nil {
		return err
	}
	for i, it := range items {
		arg, err := p.str(it, "command argument")
		if err != nil {
			return err
		}
		if i == 0 && (arg == "" || placeholderRE().MatchString(arg)) {
			return p.errf(it.Line, "command must start with the program to run, not %q", arg)
		}
		if err := p.placeholders(it.Line, arg, spec); err != nil {
			return err
		}
		spec.Command = append(spec.Command, arg)
	}
	if spec.Output, err = p.str(on, "output"); err != nil {
		return err
	}
	if err := p.placeholders(lineOf(on, e.line), spec.Output, spec); err != nil {
		return err
	}
	switch {
	case spec.Command == nil && spec.Output == "":
		return p.errf(e.line, "detector %s has neither a command nor an output file to read", e.key)
	case spec.Command == nil && placeholderRE().MatchString(spec.Output):
		return p.errf(on.Line, "output %q uses a placeholder but no command writes it", spec.Output)
	case spec.Command == nil || !strings.HasPrefix(spec.Output, PlaceholderOutdir):
		if spec.Output != "" {
			spec.Output = p.relative(spec.Output)
		}
	}
	return nil
}

// placeholders refuses any {...} but the three a command may use, and
// {rules} without a rules file.
func (p *parser) placeholders(line int, s string, spec *DetectorSpec) error {
	for _, ph := range placeholderRE().FindAllString(s, -1) {
		switch ph {
		case PlaceholderPcap, PlaceholderOutdir:
		case PlaceholderRules:
			if spec.Rules == "" {
				return p.errf(line, "%s used but the detector declares no rules file", ph)
			}
		default:
			return p.errf(line, "unknown placeholder %s (known: %s, %s, %s)", ph, PlaceholderPcap, PlaceholderOutdir, PlaceholderRules)
		}
	}
	return nil
}

// relative resolves path against the detectors file's directory.
func (p *parser) relative(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	abs, err := filepath.Abs(filepath.Join(filepath.Dir(p.file), path))
	if err != nil {
		return filepath.Join(filepath.Dir(p.file), path)
	}
	return abs
}

// lineOf is n's line, or def when n is absent.
func lineOf(n *yaml.Node, def int) int {
	if isNull(n) {
		return def
	}
	return n.Line
}
