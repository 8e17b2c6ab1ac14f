package formats_test

import (
	"bytes"
	"errors"
	"io"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/external/formats"
)

// oneSample is a sample line of each format.
var oneSample = map[string]string{
	formats.EVE:        `{"timestamp":"t","event_type":"alert","alert":{"signature_id":2009582}}`,
	formats.SnortFast:  `12/22-01:41:26.402107  [**] [1:1228:7] SCAN nmap XMAS [**] [Classification: Attempted Information Leak] [Priority: 2] {TCP} 198.18.0.2:37807 -> 198.18.1.2:25`,
	formats.Snort3JSON: `{ "rule" : "122:1:1" }`,
	formats.ZeekNotice: `{"note":"Scan::Port_Scan"}`,
}

// failingReader returns data, then err.
type failingReader struct {
	data string
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

var _ = Describe("the format table", func() {
	It("names the builtin formats in order", func() {
		Expect(formats.Names()).To(Equal([]string{"eve", "snort-fast", "snort3-json", "zeek-notice"}))
		Expect(formats.Builtin()).To(HaveLen(len(formats.Names())))
	})

	DescribeTable("looks each format up, its key among its fields",
		func(name, key string, first string) {
			f, ok := formats.Lookup(name)
			Expect(ok).To(BeTrue())
			Expect(f.Name).To(Equal(name))
			Expect(f.Key).To(Equal(key))
			Expect(f.HasField(key)).To(BeTrue())
			Expect(f.Fields[0]).To(Equal(first))
			Expect(f.Parse).NotTo(BeNil())
		},
		Entry("eve", formats.EVE, "signature_id", "timestamp"),
		Entry("snort-fast", formats.SnortFast, "sid", "timestamp"),
		Entry("snort3-json", formats.Snort3JSON, "sid", "timestamp"),
		Entry("zeek-notice", formats.ZeekNotice, "note", "ts"),
	)

	DescribeTable("knows no other name",
		func(name string) {
			_, ok := formats.Lookup(name)
			Expect(ok).To(BeFalse())
		},
		Entry("empty", ""),
		Entry("another case", "EVE"),
		Entry("a format that lives elsewhere", "p0f"),
	)

	It("hands out Fields the caller may change without changing the table", func() {
		f := format(formats.EVE)
		f.Fields[0] = "changed"
		Expect(format(formats.EVE).Fields[0]).To(Equal("timestamp"))
	})

	It("lists other packages' formats beside the builtins with With", func() {
		psad := external.Format{Name: "psad", Key: "sign", Fields: []string{"sign", "src"},
			Parse: func(io.Reader) ([]external.Record, error) { return nil, nil }}
		set, err := formats.With(psad)
		Expect(err).NotTo(HaveOccurred())
		Expect(set.Names()).To(Equal([]string{"eve", "psad", "snort-fast", "snort3-json", "zeek-notice"}))
		f, ok := set.Lookup("psad")
		Expect(ok).To(BeTrue())
		Expect(f.Key).To(Equal("sign"))
		_, ok = set.Lookup(formats.EVE)
		Expect(ok).To(BeTrue())
		Expect(formats.Names()).NotTo(ContainElement("psad"), "With leaves the builtin table alone")
	})

	It("has an empty zero Set", func() {
		var s formats.Set
		Expect(s.Names()).To(BeEmpty())
		_, ok := s.Lookup(formats.EVE)
		Expect(ok).To(BeFalse())
	})

	parseNothing := func(io.Reader) ([]external.Record, error) { return nil, nil }
	DescribeTable("refuses a format that cannot be listed",
		func(f external.Format, want string) {
			_, err := formats.With(f)
			Expect(err).To(MatchError(formats.ErrInvalid))
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("no name", external.Format{Key: "k", Fields: []string{"k"}, Parse: parseNothing}, "no name"),
		Entry("no Parse", external.Format{Name: "x", Key: "k", Fields: []string{"k"}}, "has no Parse"),
		Entry("a key not among its fields", external.Format{Name: "x", Key: "k", Fields: []string{"a"}, Parse: parseNothing}, `key "k" is not among its fields`),
		Entry("a builtin's name", external.Format{Name: "eve", Key: "k", Fields: []string{"k"}, Parse: parseNothing}, `"eve" is listed twice`),
	)
})

var _ = Describe("reading lines, in every format", func() {
	entries := func() []TableEntry {
		var es []TableEntry
		for _, name := range formats.Names() {
			es = append(es, Entry(name, name))
		}
		return es
	}

	DescribeTable("reads nothing from nothing",
		func(name string) {
			recs, err := parse(name, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(recs).To(BeEmpty())
		},
		entries(),
	)

	DescribeTable("skips blank lines and takes CR LF line ends",
		func(name string) {
			line := oneSample[name]
			recs, err := parse(name, "\n  \n"+line+"\r\n\t\r\n"+line+"\n")
			Expect(err).NotTo(HaveOccurred())
			Expect(recs).To(HaveLen(2))
			Expect(recs[0].Raw).To(Equal(line))
			Expect(recs[1].Raw).To(Equal(line))
		},
		entries(),
	)

	DescribeTable("does not count a trailing blank line without a newline as a cut line",
		func(name string) {
			recs, err := parse(name, oneSample[name]+"\n  ")
			Expect(err).NotTo(HaveOccurred())
			Expect(recs).To(HaveLen(1))
		},
		entries(),
	)

	DescribeTable("numbers lines from 1, blank ones included",
		func(name string) {
			_, err := parse(name, oneSample[name]+"\n\n\nnot a record\n")
			Expect(err).To(MatchError(HavePrefix("line 4: ")))
			var le *formats.LineError
			Expect(errors.As(err, &le)).To(BeTrue())
			Expect(le.Line).To(Equal(4))
		},
		entries(),
	)

	DescribeTable("refuses a line past 16 MiB without reading it whole",
		func(name string) {
			long := strings.Repeat("x", 17<<20)
			recs, err := parse(name, oneSample[name]+"\n"+long+"\n")
			Expect(err).To(MatchError(formats.ErrSyntax))
			Expect(err).To(MatchError("line 2: malformed record: line longer than 16 MiB"))
			Expect(recs).To(HaveLen(1))
		},
		entries(),
	)

	DescribeTable("passes a read error on with its line and the records before it",
		func(name string) {
			boom := errors.New("disk on fire")
			recs, err := format(name).Parse(&failingReader{data: oneSample[name] + "\n", err: boom})
			Expect(err).To(MatchError(boom))
			Expect(err).NotTo(MatchError(formats.ErrSyntax))
			Expect(err).To(MatchError("line 2: disk on fire"))
			Expect(recs).To(HaveLen(1))
		},
		entries(),
	)

	DescribeTable("keeps nothing of the input: the records outlive a reused buffer",
		func(name string) {
			buf := []byte(oneSample[name] + "\n")
			recs, err := format(name).Parse(bytes.NewReader(buf))
			Expect(err).NotTo(HaveOccurred())
			for i := range buf {
				buf[i] = 'z'
			}
			Expect(recs[0].Raw).To(Equal(oneSample[name]))
		},
		entries(),
	)
})
