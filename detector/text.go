package detector

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// WriteText writes a readable block per finding: label, scanner and
// targets, time span, counts, attributes and evidence bullets; "no
// findings" when fs is empty.
func WriteText(w io.Writer, fs []Finding) error {
	if len(fs) == 0 {
		_, err := io.WriteString(w, "no findings\n")
		if err != nil {
			return fmt.Errorf("write findings: %w", err)
		}
		return nil
	}
	var b strings.Builder
	for i, f := range fs {
		b.Reset()
		if i > 0 {
			b.WriteByte('\n')
		}
		textBlock(&b, f)
		if _, err := io.WriteString(w, b.String()); err != nil {
			return fmt.Errorf("write %s finding for %s: %w", f.Label, f.Scanner, err)
		}
	}
	return nil
}

func textBlock(b *strings.Builder, f Finding) {
	fmt.Fprintf(b, "%s  %s -> %s\n", f.Label, f.Scanner, targetList(f))
	fmt.Fprintf(b, "  time      %s .. %s (%s)\n", f.First.Format(timeLayout), f.Last.Format(timeLayout), seconds(f.Last.Sub(f.First).Nanoseconds()))
	fmt.Fprintf(b, "  packets   %d to %s\n", f.Packets, plural(f.Ports, "port"))
	if len(f.Attrs) > 0 {
		var kv []string
		for _, k := range slices.Sorted(maps.Keys(f.Attrs)) {
			kv = append(kv, k+"="+f.Attrs[k])
		}
		fmt.Fprintf(b, "  attrs     %s\n", strings.Join(kv, " "))
	}
	if len(f.Evidence) > 0 {
		b.WriteString("  evidence\n")
		for _, e := range f.Evidence {
			fmt.Fprintf(b, "    - %s\n", e)
		}
	}
}

// targetList names up to maxTargetLines targets and counts the rest.
func targetList(f Finding) string {
	if len(f.Targets) == 0 {
		return "(no target)"
	}
	var names []string
	for i, t := range f.Targets {
		if i == maxTargetLines {
			names = append(names, fmt.Sprintf("and %d more", len(f.Targets)-i))
			break
		}
		names = append(names, t.String())
	}
	return strings.Join(names, ", ")
}
