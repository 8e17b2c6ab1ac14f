package scenarios

import (
	"maps"
	"slices"
	"sync"

	"github.com/siglab/siglab/external"
	engines "github.com/siglab/siglab/external/formats"
	"github.com/siglab/siglab/rules"
)

// Detector names siglab knows without a detectors file.
const (
	DetectorReference = "reference"
	DetectorP0f       = "p0f"
	DetectorScanlogd  = "scanlogd"
	DetectorPsad      = "psad"
	// DetectorRules is siglab's native rule lab with the classic set
	// (rules.Classic()), reporting as eve: its sections name
	// signature_id values, each the sid of one of the set's rules.
	DetectorRules = "rules"
)

// DetectorSpec says how a scenario's section for one detector is read and
// how siglab gets that detector's output.
type DetectorSpec struct {
	Name string
	// Labels is the vocabulary of a detector whose expectations name
	// labels (the reference detector, p0f's mod= values); nil for one
	// whose expectations name fields of Format.
	Labels []string
	// Format reads the detector's output (zero for the reference
	// detector); Format.Name is the detectors file's `format:`.
	Format external.Format
	// Builtin detectors are run by siglab itself (reference, p0f,
	// scanlogd, psad, rules); the others come from a detectors file.
	Builtin bool
	// Native rule sets are evaluated by siglab itself (the rule lab):
	// no Command, no Output; Rules is the set ("" with Builtin: the
	// classic set, rules.Classic()) and RuleSet reads it.
	Native bool
	// Command is the argv template run on a run's capture, with
	// {pcap}, {outdir} and {rules} standing for the capture file, a
	// fresh output directory and Rules; nil when siglab reads Output as
	// it is.
	Command []string
	// Output is the file the detector writes (template, usually under
	// {outdir}); "" with a Command means its standard output.
	Output string
	// Rules is the rules file, absolute ("" when none is declared).
	Rules string
	// Vars is a native set's variables file, absolute ("" for none): a
	// suricata.yaml's vars (.yaml, .yml) or Snort ipvar/portvar lines.
	Vars string
	// Install says how to install the detector, for the failure of a
	// check when its command is missing.
	Install string
	// File and Line are where the detectors file declares it.
	File string
	Line int

	// sids are a native set's rules' sids, sorted: the values its
	// expectations' key field may take. A function: the built-in rule
	// lab's come from parsing the classic set, which only a scenario
	// naming one of its sids needs (#19).
	sids func() []int
}

// LabelBased reports whether expectations name labels rather than fields.
func (d DetectorSpec) LabelBased() bool { return d.Labels != nil }

// DetectorSet is the set of detectors a scenario's expect: may name: the
// built-in ones and those a detectors file declares.
type DetectorSet struct {
	specs map[string]DetectorSpec
	// File is the detectors file ("" for the built-in set).
	File string
}

// Builtin is the set without a detectors file. It is one value, never
// changed, shared by every scenario read without a detectors file.
func Builtin() *DetectorSet { return builtinSet() }

// builtinSet is made on first use: a command that reads no scenario
// (siglab --help, detect) does not pay for it (#19).
var builtinSet = sync.OnceValue(newBuiltin)

// classicSids are the built-in rule lab's sids, parsed on first use.
var classicSids = sync.OnceValue(func() []int { return sidsOf(rules.Classic()) })

// withBuiltin is a fresh set holding the built-in detectors, for a
// detectors file to add to.
func withBuiltin() *DetectorSet {
	d := &DetectorSet{specs: maps.Clone(builtinSet().specs)}
	return d
}

func newBuiltin() *DetectorSet {
	d := &DetectorSet{specs: map[string]DetectorSpec{
		DetectorReference: {Name: DetectorReference, Labels: labels(), Builtin: true},
		DetectorP0f:       {Name: DetectorP0f, Labels: p0fLabels, Builtin: true, Install: "apt-get install p0f"},
	}}
	for _, name := range []string{DetectorScanlogd, DetectorPsad} {
		// The daemons siglab runs itself: their sections name fields of
		// their own output format.
		if f, ok := formats()[name]; ok {
			d.specs[name] = DetectorSpec{Name: name, Format: f, Builtin: true, Install: "apt-get install " + name}
		}
	}
	// The rule lab: siglab evaluates the classic set itself.
	d.specs[DetectorRules] = DetectorSpec{Name: DetectorRules, Format: formats()[engines.EVE], Builtin: true, Native: true,
		sids: classicSids}
	return d
}

// Lookup returns the detector called name.
func (d *DetectorSet) Lookup(name string) (DetectorSpec, bool) {
	s, ok := d.specs[name]
	return s, ok
}

// Names returns the detectors' names, sorted.
func (d *DetectorSet) Names() []string { return slices.Sorted(maps.Keys(d.specs)) }

// Declared returns the detectors the file declares, by name.
func (d *DetectorSet) Declared() []DetectorSpec {
	var out []DetectorSpec
	for _, n := range d.Names() {
		if s := d.specs[n]; !s.Builtin {
			out = append(out, s)
		}
	}
	return out
}

// Detectors returns the detector names a scenario's expect: may use
// without a detectors file, sorted.
func Detectors() []string { return Builtin().Names() }

// DetectorLabels returns det's labels, or nil for an unknown detector or
// one whose expectations name fields.
func DetectorLabels(det string) []string {
	s, _ := Builtin().Lookup(det)
	return slices.Clone(s.Labels)
}

// KnownDetectorLabel reports whether l is one of det's labels.
func KnownDetectorLabel(det, l string) bool { return slices.Contains(DetectorLabels(det), l) }

// Formats returns the names of the output formats a detectors file may
// give, sorted.
func Formats() []string { return slices.Sorted(maps.Keys(formats())) }
