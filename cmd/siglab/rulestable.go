package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/rulelab"
	"github.com/siglab/siglab/rules"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// rulesTableCmd writes the rule lab's reference table for the field:
// each classic rule against each nmap 2.02 technique of the catalogue
// (generated offline) and against other tools' captures given with
// --capture (scripts/rules-table.sh captures today's nmap live).
type rulesTableCmd struct {
	Capture []string `help:"Another tool's capture as a row: LABEL=FILE (repeatable), e.g. \"nmap 7.93 -sA=ack.pcap\"." placeholder:"LABEL=FILE"`
	Out     string   `help:"Write the Markdown to this file (atomically) instead of standard output." placeholder:"FILE"`
}

// tableRow is one row: a technique and its capture.
type tableRow struct {
	label string // the table's row heading
	short string // the row in the near misses: the scenario's name, or the label
	cap   *capture.Capture
}

// tablePrefixes pick the catalogue's nmap 2.02 techniques: the
// technique scenarios, the FAQ's figures and campaigns (not the benign
// traffic, nor the threshold pairs, which repeat a SYN scan).
var tablePrefixes = []string{"tech-", "fig", "exploits-", "faq-"}

func (c *rulesTableCmd) Run(e *env) error {
	var rows []tableRow
	all, err := scenarios.Catalogue()
	if err != nil {
		return err
	}
	for _, s := range all {
		if s.LiveOnly || !hasAnyPrefix(s.Name, tablePrefixes) {
			continue
		}
		res, err := verifier.Generate(e.ctx, s)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		rows = append(rows, tableRow{label: "nmap 2.02 " + scanLine(s) + " (" + s.Name + ")", short: s.Name, cap: res.Capture})
	}
	for _, arg := range c.Capture {
		label, file, ok := strings.Cut(arg, "=")
		if !ok || label == "" || file == "" {
			return usageErr("--capture %q: want LABEL=FILE", arg)
		}
		cp, err := capture.ReadFile(file)
		if err != nil {
			return usageErr("--capture %s: %v", file, err)
		}
		rows = append(rows, tableRow{label: label, short: label, cap: cp})
	}
	set, shipped := tableSet()
	eng, err := rulelab.Compile(set, nil)
	if err != nil {
		return err
	}
	reps := make([]*rulelab.Report, len(rows))
	for i, r := range rows {
		reps[i] = eng.Evaluate(r.cap, true)
	}
	var md bytes.Buffer
	writeReferenceTable(&md, set, shipped, rows, reps)
	if c.Out == "" {
		_, err := e.stdout.Write(md.Bytes())
		return err
	}
	return capture.WriteFileAtomic(c.Out, func(w io.Writer) error {
		_, err := w.Write(md.Bytes())
		return err
	})
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// scanLine is the scenario's nmap command lines, joined.
func scanLine(s *scenarios.Scenario) string {
	var lines []string
	for _, r := range s.Scan {
		lines = append(lines, r.Nmap)
	}
	if len(lines) > 2 {
		lines = append(lines[:2], "...")
	}
	return strings.Join(lines, "; ")
}

// tableSet is the classic set with its commented-out rules enabled: the
// table says what each would do, and marks (shipped, by sid) the ones
// the file ships disabled.
func tableSet() (set *rules.Set, shipped map[int]bool) {
	set, shipped = rules.Classic(), map[int]bool{}
	for _, r := range set.Rules {
		shipped[r.SID], r.Disabled = r.Disabled, false
	}
	return set, shipped
}

func writeReferenceTable(w io.Writer, set *rules.Set, shipped map[int]bool, rows []tableRow, reps []*rulelab.Report) {
	fmt.Fprintf(w, "# The classic nmap rules against nmap 2.02 and today's nmap\n\n")
	fmt.Fprintf(w, "Generated %s by `make rules-table` (`siglab rules table`): the rule lab evaluated the classic rules (rules/classic.rules) on each technique's capture. nmap 2.02's rows are the catalogue's scenarios generated offline; the other rows were captured live from today's tools in siglab test networks when this file was made.\n\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(w, "A cell is the number of alerts a rule raised (after its threshold), or `·` and the option that stopped the packets that came nearest. † marks rules their file ships commented out; they are evaluated here as if enabled.\n\n")
	fmt.Fprintf(w, "| technique |")
	for _, r := range set.Rules {
		mark := ""
		if shipped[r.SID] {
			mark = "†"
		}
		fmt.Fprintf(w, " %d%s |", r.SID, mark)
	}
	fmt.Fprintf(w, "\n|---|")
	for range set.Rules {
		fmt.Fprintf(w, "---|")
	}
	fmt.Fprintln(w)
	for i, row := range rows {
		fmt.Fprintf(w, "| %s |", mdEscape(row.label))
		for _, res := range reps[i].Results {
			fmt.Fprintf(w, " %s |", tableCell(&res))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\n## The rules\n\n")
	for _, r := range set.Rules {
		mark := ""
		if shipped[r.SID] {
			mark = " (shipped commented out)"
		}
		fmt.Fprintf(w, "- **%d** %s%s: `%s`\n", r.SID, mdEscape(r.Msg), mark, optionsText(r))
	}
	fmt.Fprintf(w, "\n## Near misses\n\nSilent cells where packets of the rule's kind (its protocol and flags) came and one of its values stopped them, or its rate did, with the values seen: the ones a rule writer asks about.\n\n")
	for i, row := range rows {
		for _, res := range reps[i].Results {
			if nearMiss(&res) {
				fmt.Fprintf(w, "- %s × %d: %s\n", mdEscape(row.short), res.Rule.SID, mdEscape(res.Why()))
			}
		}
	}
}

// nearMiss says whether a silent rule's why is worth a line: its rate
// held back matching packets, or the nearest packets failed a value
// option (window, ack, seq, id, dsize, content, fragbits...) rather than
// the protocol, addresses, ports or flags that say what kind of packet
// the rule is about.
func nearMiss(r *rulelab.Result) bool {
	if r.Status != rulelab.Silent {
		return false
	}
	if r.Matched > 0 {
		return true
	}
	if r.Near == nil {
		return false
	}
	switch r.Near.Keyword {
	case "", "protocol", "source", "destination", "source port", "destination port", "addresses", "flags", "ip_proto", "itype":
		return false
	}
	return true
}

// tableCell is a rule's verdict on a row, compact.
func tableCell(r *rulelab.Result) string {
	switch r.Status {
	case rulelab.Fired:
		return fmt.Sprintf("**%d**", r.Count)
	case rulelab.NotEvaluated:
		return "n/e"
	}
	if r.Matched > 0 {
		return "· rate"
	}
	if r.Near != nil && r.Near.Keyword != "" {
		return "· " + r.Near.Keyword
	}
	return "·"
}

// optionsText is the rule's options without the metadata ones.
func optionsText(r *rules.Rule) string {
	var parts []string
	for _, o := range r.Options {
		switch o.Keyword {
		case "msg", "sid", "rev", "classtype", "reference", "metadata", "gid", "priority":
			continue
		}
		if o.Value == "" {
			parts = append(parts, o.Keyword+";")
		} else {
			parts = append(parts, o.Keyword+":"+o.Value+";")
		}
	}
	return r.Proto + " " + strings.Join(parts, " ")
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
