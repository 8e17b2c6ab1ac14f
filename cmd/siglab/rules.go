package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/rulelab"
	"github.com/siglab/siglab/rules"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

type rulesCmd struct {
	Check rulesCheckCmd `cmd:"" help:"Evaluate Snort/Suricata rules natively on captures or scenarios and say, rule by rule, which fired and why the others stayed silent."`
	Table rulesTableCmd `cmd:"" help:"Write the reference table (Markdown): each classic rule against each nmap 2.02 technique of the catalogue and against other tools' captures."`
}

type rulesCheckCmd struct {
	Classic bool     `help:"Add the built-in classic scan rules (the default when no .rules file is given)."`
	Vars    string   `help:"Variables merged over the lab's defaults: a suricata.yaml (.yaml, .yml) or Snort ipvar/portvar/var lines." placeholder:"FILE" type:"existingfile"`
	Explain *int     `help:"Print the full reasoning for the rule with this sid on each capture instead of the table." placeholder:"SID"`
	Format  string   `enum:"table,eve,fast" default:"table" help:"Output: table (a verdict per rule and capture), eve (Suricata eve.json alerts) or fast (alert_fast lines), the alerts of every capture in order."`
	Why     bool     `default:"true" negatable:"" help:"Run the why pass, which finds for each silent rule the packets that came nearest (--why=false skips it)."`
	Args    []string `arg:"" name:"RULES|CAPTURE|SCENARIO" help:"Rules files (.rules), captures (pcap, pcapng: any other existing file) and scenarios (names or .yaml files, generated offline)."`
}

// checkInput is one capture to check: a file's or a scenario's.
type checkInput struct {
	name string
	file string              // a capture file, or
	scen *scenarios.Scenario // a scenario to generate
}

func (c *rulesCheckCmd) Run(e *env) error {
	var ruleFiles, scenArgs []string
	var inputs []checkInput
	for _, a := range c.Args {
		st, err := os.Stat(a)
		switch {
		case strings.EqualFold(filepath.Ext(a), ".rules"):
			ruleFiles = append(ruleFiles, a)
		case err == nil && !st.IsDir() && !isYAML(a):
			inputs = append(inputs, checkInput{name: a, file: a})
		default: // a scenario name, file or directory
			inputs = append(inputs, checkInput{}) // filled in below, in place
			scenArgs = append(scenArgs, a)
		}
	}
	if len(inputs) == 0 {
		return usageErr("rules check: no capture or scenario to check")
	}
	// Resolve every scenario before any work, so that a typo fails at once.
	var scens [][]*scenarios.Scenario
	for _, a := range scenArgs {
		ss, err := scenarios.ResolveAll(a)
		if err != nil {
			return usageErr("%v", err)
		}
		for _, s := range ss {
			if err := verifier.CheckGenerate(s); err != nil {
				return usageErr("%v", err)
			}
		}
		scens = append(scens, ss)
	}
	inputs = expandScenarios(inputs, scens)

	set, err := c.ruleSet(ruleFiles)
	if err != nil {
		return err
	}
	vars, err := c.vars()
	if err != nil {
		return err
	}
	eng, err := rulelab.Compile(set, vars)
	if err != nil {
		return usageErr("%v", err)
	}
	if c.Explain != nil && !hasSID(set, *c.Explain) {
		return usageErr("--explain: no rule has sid %d", *c.Explain)
	}

	why := c.Why && c.Format == "table" || c.Explain != nil
	reps := make([]*rulelab.Report, len(inputs))
	for i, in := range inputs {
		cp, err := in.capture(e)
		if err != nil {
			return err
		}
		reps[i] = eng.Evaluate(cp, why)
	}

	switch {
	case c.Explain != nil:
		return writeExplain(e.stdout, inputs, reps, *c.Explain)
	case c.Format == "eve":
		for _, r := range reps {
			if err := rulelab.WriteEVE(e.stdout, r); err != nil {
				return err
			}
		}
		return nil
	case c.Format == "fast":
		for _, r := range reps {
			if err := rulelab.WriteFast(e.stdout, r); err != nil {
				return err
			}
		}
		return nil
	}
	return writeRulesTable(e.stdout, inputs, reps, c.Why)
}

func isYAML(path string) bool {
	x := strings.ToLower(filepath.Ext(path))
	return x == ".yaml" || x == ".yml"
}

// expandScenarios replaces each scenario placeholder of inputs with the
// scenarios its argument resolved to.
func expandScenarios(inputs []checkInput, scens [][]*scenarios.Scenario) []checkInput {
	var out []checkInput
	k := 0
	for _, in := range inputs {
		if in.name != "" {
			out = append(out, in)
			continue
		}
		for _, s := range scens[k] {
			out = append(out, checkInput{name: s.Name, scen: s})
		}
		k++
	}
	return out
}

// capture reads the input's file or generates its scenario offline.
func (in checkInput) capture(e *env) (*capture.Capture, error) {
	if in.scen == nil {
		cp, err := capture.ReadFile(in.file)
		if err != nil && !strings.Contains(err.Error(), in.file) {
			return nil, usageErr("%s: %v", in.file, err)
		} else if err != nil {
			return nil, usageErr("%v", err)
		}
		return cp, nil
	}
	res, err := verifier.Generate(e.ctx, in.scen)
	if err != nil {
		return nil, usageErr("%s: %v", in.name, err)
	}
	return res.Capture, nil
}

// ruleSet is the classic set (asked for, or when no file is given) and
// every rules file, in order, their variables merged (later files win).
func (c *rulesCheckCmd) ruleSet(files []string) (*rules.Set, error) {
	set := &rules.Set{Vars: &rules.Vars{}}
	add := func(s *rules.Set) {
		set.Rules = append(set.Rules, s.Rules...)
		if s.Vars != nil {
			set.Vars = set.Vars.Merge(s.Vars)
		}
	}
	if c.Classic || len(files) == 0 {
		add(rules.Classic())
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		s, err := rules.Parse(f, data)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		add(s)
	}
	return set, nil
}

// vars reads --vars (nil without it) as a native set's vars: file is
// read.
func (c *rulesCheckCmd) vars() (*rules.Vars, error) {
	v, err := scenarios.ReadVars(c.Vars)
	if err != nil {
		return nil, usageErr("--vars: %v", err)
	}
	return v, nil
}

func hasSID(set *rules.Set, sid int) bool {
	for _, r := range set.Rules {
		if r.SID == sid {
			return true
		}
	}
	return false
}

func writeExplain(w io.Writer, inputs []checkInput, reps []*rulelab.Report, sid int) error {
	for i, rep := range reps {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s (%d packets):\n", inputs[i].name, rep.Packets)
		for j := range rep.Results {
			r := &rep.Results[j]
			if r.Rule.SID != sid {
				continue
			}
			for _, l := range r.Explain() {
				fmt.Fprintln(w, "  "+l)
			}
		}
	}
	return nil
}

// verdict is a rule's status on one capture in a word or two.
func verdict(r *rulelab.Result) string {
	if r.Status == rulelab.Fired {
		return fmt.Sprintf("fired %d", r.Count)
	}
	return r.Status.String()
}

// shorten cuts s to n characters, marking the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-3]) + "..."
}

const msgWidth = 40

// writeRulesTable prints one row per rule: with one capture SID, MSG,
// VERDICT, COUNT and WHY; with several SID, MSG and a verdict column per
// capture, the whys below, capture by capture.
func writeRulesTable(w io.Writer, inputs []checkInput, reps []*rulelab.Report, why bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(reps) == 1 {
		rep := reps[0]
		fmt.Fprintf(w, "%s: %d packets, %s, %d fired\n\n", inputs[0].name, rep.Packets, count(len(rep.Results), "rule"), fired(rep))
		head := "SID\tMSG\tVERDICT\tCOUNT"
		if why {
			head += "\tWHY"
		}
		fmt.Fprintln(tw, head)
		for i := range rep.Results {
			r := &rep.Results[i]
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d", r.Rule.SID, shorten(r.Rule.Msg, msgWidth), r.Status, r.Count)
			if why {
				fmt.Fprintf(tw, "\t%s", r.Why())
			}
			fmt.Fprintln(tw)
		}
		return tw.Flush()
	}

	for i, rep := range reps {
		fmt.Fprintf(w, "[%d] %s: %d packets, %d fired\n", i+1, inputs[i].name, rep.Packets, fired(rep))
	}
	fmt.Fprintln(w)
	head := "SID\tMSG"
	for i := range reps {
		head += fmt.Sprintf("\t[%d]", i+1)
	}
	fmt.Fprintln(tw, head)
	for j := range reps[0].Results {
		r := &reps[0].Results[j]
		fmt.Fprintf(tw, "%d\t%s", r.Rule.SID, shorten(r.Rule.Msg, msgWidth))
		for _, rep := range reps {
			fmt.Fprintf(tw, "\t%s", verdict(&rep.Results[j]))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !why {
		return nil
	}
	for i, rep := range reps {
		fmt.Fprintf(w, "\n[%d] %s:\n", i+1, inputs[i].name)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for j := range rep.Results {
			r := &rep.Results[j]
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", r.Rule.SID, verdict(r), r.Why())
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func fired(rep *rulelab.Report) int {
	n := 0
	for i := range rep.Results {
		if rep.Results[i].Status == rulelab.Fired {
			n++
		}
	}
	return n
}

// count is "1 rule", "2 rules".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
