package scenarios_test

import (
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/siglab/siglab/scenarios"
)

// placeholder is any {...} in an argument.
var placeholder = regexp.MustCompile(`\{[^{}]*\}`)

// FuzzParseDetectors: any detectors file either parses into engines that
// can run (a format, a command or an output file, no built-in name
// taken) or is refused with one line wrapping ErrInvalid; never a panic.
func FuzzParseDetectors(f *testing.F) {
	// A native set needs rules that exist: the classic set's file and
	// the rules package's suricata.yaml, by absolute path.
	classic, err := filepath.Abs("../rules/classic.rules")
	if err != nil {
		f.Fatal(err)
	}
	suricata, err := filepath.Abs("../rules/testdata/suricata.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"detectors:\n  lab:\n    native: true\n    rules: " + classic + "\n    vars: " + suricata + "\n    format: snort-fast\n",
		"detectors:\n  lab: {native: true, rules: local.rules}\n",
		"detectors:\n  ids:\n    format: eve\n    command: [suricata, -r, \"{pcap}\", -l, \"{outdir}\"]\n    output: \"{outdir}/eve.json\"\n",
		"detectors:\n  zeek: {format: zeek-notice, output: notice.log}\n",
		"detectors:\n  snort: {format: snort-fast, command: [snort, -r, \"{pcap}\"], install: apt-get install snort}\n",
		"detectors:\n  mine: {format: p0f, output: \"{outdir}/x\"}\n",
		"detectors: {}\n", "", "---\n---\n", "detectors:\n  p0f: {format: p0f, output: x}\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		d, err := scenarios.ParseDetectors("/tmp/siglab-fuzz/detectors.yaml", []byte(src))
		if err != nil {
			if !errors.Is(err, scenarios.ErrInvalid) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q is not a one-line ErrInvalid", err)
			}
			return
		}
		for _, spec := range d.Declared() {
			switch {
			case spec.Builtin:
				t.Fatalf("declared %s marked built in", spec.Name)
			case spec.Format.Name == "":
				t.Fatalf("declared %s without a format", spec.Name)
			case spec.Native && (spec.Rules == "" || spec.Command != nil || spec.Output != ""):
				t.Fatalf("declared native %s with rules %q, command %q, output %q", spec.Name, spec.Rules, spec.Command, spec.Output)
			case !spec.Native && spec.Command == nil && spec.Output == "":
				t.Fatalf("declared %s with nothing to run or read", spec.Name)
			case len(spec.Command) > 0 && placeholder.MatchString(spec.Command[0]):
				t.Fatalf("declared %s starts with a placeholder: %q", spec.Name, spec.Command[0])
			}
		}
		for _, name := range []string{"reference", "p0f", "scanlogd", "psad", "rules"} {
			if s, ok := d.Lookup(name); !ok || !s.Builtin {
				t.Fatalf("built-in %s lost or replaced", name)
			}
		}
	})
}
