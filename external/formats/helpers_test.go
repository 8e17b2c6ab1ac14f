package formats_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/external/formats"
)

// format is the builtin format called name.
func format(name string) external.Format {
	f, ok := formats.Lookup(name)
	Expect(ok).To(BeTrue(), "format %s", name)
	return f
}

// parse runs format name's Parse over input.
func parse(name, input string) ([]external.Record, error) {
	return format(name).Parse(strings.NewReader(input))
}

// readSample is a testdata file's text.
func readSample(file string) string {
	b, err := os.ReadFile(filepath.Join("testdata", file))
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// sampleLine is line n (from 1) of a testdata file, without its newline.
func sampleLine(file string, n int) string {
	lines := strings.Split(strings.TrimSuffix(readSample(file), "\n"), "\n")
	Expect(len(lines)).To(BeNumerically(">=", n), "%s has %d lines", file, len(lines))
	return lines[n-1]
}

// parseOne parses one line (newline added) and returns its one record,
// checking that Raw is the line and Label the key field.
func parseOne(name, line string) external.Record {
	recs, err := parse(name, line+"\n")
	Expect(err).NotTo(HaveOccurred())
	Expect(recs).To(HaveLen(1))
	Expect(recs[0].Raw).To(Equal(line))
	Expect(recs[0].Label).To(Equal(recs[0].Field(format(name).Key)))
	return recs[0]
}

// labels are the records' labels in order.
func labels(recs []external.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Label
	}
	return out
}

// itoa is strconv.Itoa, short for the tables.
func itoa(n int) string { return strconv.Itoa(n) }
