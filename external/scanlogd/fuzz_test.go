package scanlogd_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/siglab/siglab/external/scanlogd"
)

// FuzzParse: any input parses into records or gives one error naming a
// line; never a panic. Every record has every field, its Label is its
// source, its port count is its list's length, and its message written
// back from its fields is the one it was read from.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"<25>Dec  7 01:36:48 scanlogd: 198.18.0.2:40000 to 198.18.1.2 ports 1, 2, 3, 4, 5, 6, ..., fSrpauxy, TOS 00, TTL 62 @01:36:48",
		"<25>Dec  7 01:37:00 scanlogd: 198.18.0.2 to 198.18.1.2 ports 1, 2, 3, 4, 5, 6, ..., f??pauxy @01:37:00",
		"Dec  7 01:37:01 host scanlogd[9]: 198.18.0.2:40000 to 198.18.1.2 and others, ports 1024, ..., fSrpauxy, TTL 62 @01:37:01",
		"<25>1 2026-12-07T01:36:48Z host scanlogd - - - 198.18.0.2:1 to 198.18.1.2 ports 1, ..., FSRPAUXY, TOS ff @00:00:00",
		"<25>Dec  7 01:37:02 scanlogd: More possible port scans follow",
		"scanlogd: x", "<>", "<1>", " to  ports ..., ", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		recs, err := scanlogd.Parse(strings.NewReader(in))
		if err != nil && !strings.HasPrefix(err.Error(), "line ") {
			t.Fatalf("error %q does not name a line", err)
		}
		for _, r := range recs {
			if len(r.Fields) != len(scanlogd.Fields) || r.Label != r.Field("source") || r.Label == "" {
				t.Fatalf("record %+v of %q", r, in)
			}
			n := 0
			if r.Field("ports") != "" {
				n = len(strings.Split(r.Field("ports"), ", "))
			}
			if strconv.Itoa(n) != r.Field("port_count") {
				t.Fatalf("port_count %s for %q", r.Field("port_count"), r.Field("ports"))
			}
			if msg := rewrite(r.Fields); !strings.Contains(r.Raw, msg) {
				t.Fatalf("fields %v write %q, not in %q", r.Fields, msg, r.Raw)
			}
		}
	})
}

// rewrite writes a scan message back from its fields, as scanlogd's
// do_log formats it.
func rewrite(f map[string]string) string {
	var b strings.Builder
	b.WriteString(f["source"])
	if f["source_port"] != "" {
		b.WriteString(":" + f["source_port"])
	}
	b.WriteString(" to " + f["target"])
	if f["others"] == "yes" {
		b.WriteString(" and others,")
	}
	b.WriteString(" ports ")
	if f["ports"] != "" {
		b.WriteString(f["ports"] + ", ")
	}
	b.WriteString("..., " + f["flags"])
	if f["tos"] != "" {
		b.WriteString(", TOS " + f["tos"])
	}
	if f["ttl"] != "" {
		b.WriteString(", TTL " + f["ttl"])
	}
	return b.String() + " @" + f["time"]
}
