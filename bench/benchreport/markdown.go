package main

import (
	"fmt"
	"strings"
)

// markdown is bench/results.md: the targets first, then one table per
// comparison, then the notes.
func markdown(r *raw, res results) string {
	var b strings.Builder
	m := res.Machine
	fmt.Fprintf(&b, "Measured %s on %s (%d CPUs, %s RAM, Linux %s, %s); medians of each tool's runs (at most %d), tools alternated. Every goal is a ratio to a tool measured in the same run; absolute figures are for information.\n\n",
		res.Date, m.CPU, m.NProc, m.Memory, m.Kernel, m.Go, runs(r))
	b.WriteString("| target | goal | measured | verdict |\n|---|---|---|---|\n")
	for _, t := range res.Targets {
		fmt.Fprintf(&b, "| %s | %s | %s | **%s** |\n", t.Name, t.Goal, orDash(t.Measured), t.Verdict)
	}
	for _, t := range tables {
		writeTable(&b, r, t)
	}
	if len(res.Notes) > 0 {
		b.WriteString("\nNotes:\n\n")
		for _, n := range res.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}

// runs is the most runs any quantity has.
func runs(r *raw) int {
	n := 0
	for _, vs := range r.values {
		n = max(n, len(vs))
	}
	return n
}

func writeTable(b *strings.Builder, r *raw, t table) {
	fmt.Fprintf(b, "\n**%s**\n\n| tool |", t.title)
	for _, c := range t.cols {
		fmt.Fprintf(b, " %s |", c.head)
	}
	switch {
	case t.ratioHead != "":
		fmt.Fprintf(b, " %s |", t.ratioHead)
	case t.ratioMetric != "":
		fmt.Fprintf(b, " %s ÷ tool |", t.tools[0].id)
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(t.cols)))
	if t.ratioMetric != "" {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, tl := range t.tools {
		fmt.Fprintf(b, "| %s |", tl.name)
		for _, c := range t.cols {
			fmt.Fprintf(b, " %s |", valueCell(r, key{t.section, t.subject, tl.id, c.metric}, c))
		}
		if t.ratioMetric != "" {
			q := ratio(r, t, tl.id)
			switch {
			case tl.id == t.refTool():
				b.WriteString(" — |")
			case q == nil:
				b.WriteString(" n/a |")
			default:
				fmt.Fprintf(b, " %.2f |", *q)
			}
		}
		b.WriteString("\n")
	}
}

// valueCell is one median, "3/3" for exact columns, "n/a" when absent.
func valueCell(r *raw, k key, c column) string {
	vs := r.values[k]
	if len(vs) == 0 {
		return "n/a"
	}
	if c.exact {
		ok := 0
		for _, v := range vs {
			if v == 1 {
				ok++
			}
		}
		return fmt.Sprintf("%d/%d runs", ok, len(vs))
	}
	m, _ := median(vs)
	if c.scale != 0 {
		m /= c.scale
	}
	return cell(m)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
