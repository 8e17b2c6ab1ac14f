package verifier

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	engines "github.com/siglab/siglab/external/formats"
	"github.com/siglab/siglab/rulelab"
	"github.com/siglab/siglab/scenarios"
)

// nativeRules runs a native rule set (the built-in rules detector, or a
// detectors file's `native: true` set) on the run's capture with the
// rule lab's engine. Its log is what Suricata (eve) or Snort (fast)
// would have written, read back with the same format's parser as a
// declared engine's output is, then the verdict and why of every rule;
// Why holds the one-line whys of the rules the scenario's section names
// that did not fire, for a miss.
func nativeRules(spec scenarios.DetectorSpec, sect scenarios.DetectorExpect, c *capture.Capture) (log []byte, fs []detector.Finding, why []string, err error) {
	set, err := spec.RuleSet()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", spec.Name, err)
	}
	e, err := rulelab.Compile(set, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", spec.Name, err)
	}
	rep := e.Evaluate(c, true)
	var out bytes.Buffer
	write := rulelab.WriteEVE
	if spec.Format.Name == engines.SnortFast {
		write = rulelab.WriteFast
	}
	if err := write(&out, rep); err != nil {
		return nil, nil, nil, err
	}
	fs, err = parseEngine(spec, out.Bytes())
	named := sectionSIDs(sect)
	out.WriteString("\n# siglab rule lab: every rule's verdict on this capture\n")
	for i := range rep.Results {
		r := &rep.Results[i]
		line := fmt.Sprintf("sid %d %s: %s", r.Rule.SID, r.Status, r.Why())
		fmt.Fprintf(&out, "# %s\n", line)
		if r.Status != rulelab.Fired && (len(named) == 0 || named[r.Rule.SID]) {
			why = append(why, line)
		}
	}
	return out.Bytes(), fs, why, err
}

// sectionSIDs are the sids a scenario's section for a native set
// names, present or absent.
func sectionSIDs(sect scenarios.DetectorExpect) map[int]bool {
	m := map[int]bool{}
	for _, es := range [][]scenarios.Expectation{sect.Present, sect.Absent} {
		for _, e := range es {
			if n, err := strconv.Atoi(e.Label); err == nil {
				m[n] = true
			}
		}
	}
	return m
}
