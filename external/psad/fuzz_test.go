package psad

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// FuzzParse feeds psad's analysis output, whole and cut or altered
// anywhere, to Parse: it must return records or an ErrParse error, never
// panic, and every record it returns must carry the source, destination
// and danger level every psad record has.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("testdata/analysis.out"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("SRC:  198.18.0.2, DL: 2, Dsts: 1, Pkts: 5, Total protocols: 1, Unique sigs: 1\n    DST: 198.18.1.2\n        Signature match: \"x\"\n            TCP, Chain: INPUT, Count: 1, DP: 1, FIN, Sid: 621\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := Parse(bytes.NewReader(b))
		if err != nil && !errors.Is(err, ErrParse) {
			t.Fatalf("error %v does not wrap ErrParse", err)
		}
		for _, r := range recs {
			for _, k := range []string{"src", "dst", "danger_level"} {
				if r.Fields[k] == "" {
					t.Fatalf("record %q has no %s", r.Raw, k)
				}
			}
			if r.Label != r.Fields["sid"] {
				t.Fatalf("record %q: label %q is not its sid", r.Raw, r.Label)
			}
		}
	})
}
