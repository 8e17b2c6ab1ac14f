package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// row is one scenario of `siglab run`'s verdict table.
type row struct {
	Scenario string `json:"scenario"`
	Packets  int    `json:"packets"`
	Checks   string `json:"checks"`
	Verdict  string `json:"verdict"`
	Dropped  uint64 `json:"dropped"`
}

// droppedRE is the verdict table's reason line for an inconclusive run.
var droppedRE = regexp.MustCompile(`^  (\S+): inconclusive: the sensor dropped (\d+) packets$`)

// parseTable reads `siglab run`'s output: the header, one row per
// scenario (SCENARIO MODE PACKETS CHECKS TIME VERDICT), reason lines
// (the drops of inconclusive runs are taken from them), the summary.
func parseTable(out string) ([]row, error) {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 2 || strings.Join(strings.Fields(lines[0]), " ") != "SCENARIO MODE PACKETS CHECKS TIME VERDICT" {
		return nil, fmt.Errorf("siglab run printed no verdict table: %q", firstLine(out))
	}
	var rows []row
	byName := map[string]int{}
	for _, line := range lines[1:] {
		if m := droppedRE.FindStringSubmatch(line); m != nil {
			i, ok := byName[m[1]]
			if !ok {
				return nil, fmt.Errorf("drops of %s, which has no row", m[1])
			}
			rows[i].Dropped, _ = strconv.ParseUint(m[2], 10, 64)
			continue
		}
		f := strings.Fields(line)
		if strings.HasPrefix(line, " ") || len(f) != 6 || (f[1] != "live" && f[1] != "offline") {
			continue // another reason line, or the summary ("0 passed, 0 failed, 1 inconclusive" has six words too)
		}
		n, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("verdict table row %q: packets %q", line, f[2])
		}
		byName[f[0]] = len(rows)
		rows = append(rows, row{Scenario: f[0], Packets: n, Checks: f[3], Verdict: f[5]})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("siglab run's verdict table has no rows")
	}
	return rows, nil
}

// verdicts maps each row's scenario to its verdict.
func verdicts(rows []row) map[string]string {
	m := make(map[string]string, len(rows))
	for _, r := range rows {
		m[r.Scenario] = r.Verdict
	}
	return m
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
