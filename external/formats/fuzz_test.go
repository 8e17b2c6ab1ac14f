package formats_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/siglab/siglab/external/formats"
)

// fuzzSamples are the testdata files of each builtin format, in
// formats.Builtin() order: the seed corpus.
var fuzzSamples = [][]string{
	{"eve.json", "siglab-detect.eve.json"},
	{"alert_fast.txt"},
	{"alert_json.txt"},
	{"notice.log", "notice.json"},
}

// FuzzParse runs one builtin format, chosen by the first byte, over the
// rest. Whatever the input: no panic; either no error or a *LineError
// for a line that exists, wrapping ErrSyntax or ErrTruncated; every
// Record carries its key as Label, non-empty, and one line as Raw; the
// same input gives the same Records.
func FuzzParse(f *testing.F) {
	all := formats.Builtin()
	if len(all) != len(fuzzSamples) {
		f.Fatalf("%d builtin formats, %d sample lists", len(all), len(fuzzSamples))
	}
	// One seed per record line, small so that the fuzzer's minimizing
	// of each new input stays quick; a TSV row carries its header.
	for i, files := range fuzzSamples {
		for _, file := range files {
			b, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				f.Fatal(err)
			}
			var header []byte
			for _, line := range bytes.SplitAfter(b, []byte("\n")) {
				if bytes.HasPrefix(line, []byte("#")) {
					header = append(header, line...)
					continue
				}
				if len(line) == 0 {
					continue
				}
				seed := append(append([]byte{byte(i)}, header...), line...)
				f.Add(seed)
				f.Add(seed[:len(seed)-len(line)/2]) // cut mid-line
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		format := all[int(data[0])%len(all)]
		input := data[1:]
		recs, err := format.Parse(bytes.NewReader(input))
		lines := bytes.Count(input, []byte("\n")) + 1
		if err != nil {
			var le *formats.LineError
			if !errors.As(err, &le) || le.Line < 1 || le.Line > lines {
				t.Fatalf("%s: error %v is not a LineError for one of %d lines", format.Name, err, lines)
			}
			if !errors.Is(err, formats.ErrSyntax) && !errors.Is(err, formats.ErrTruncated) {
				t.Fatalf("%s: error %v wraps neither ErrSyntax nor ErrTruncated", format.Name, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("%s: error on more than one line: %q", format.Name, err)
			}
		}
		if len(recs) > lines {
			t.Fatalf("%s: %d records from %d lines", format.Name, len(recs), lines)
		}
		for _, r := range recs {
			if r.Label == "" || r.Label != r.Fields[format.Key] {
				t.Fatalf("%s: label %q, key %s %q in %q", format.Name, r.Label, format.Key, r.Fields[format.Key], r.Raw)
			}
			if strings.ContainsRune(r.Raw, '\n') || strings.TrimSpace(r.Raw) == "" {
				t.Fatalf("%s: Raw %q is not one line", format.Name, r.Raw)
			}
		}
		again, err2 := format.Parse(bytes.NewReader(input))
		if !reflect.DeepEqual(recs, again) || (err == nil) != (err2 == nil) {
			t.Fatalf("%s: two readings differ", format.Name)
		}
	})
}
