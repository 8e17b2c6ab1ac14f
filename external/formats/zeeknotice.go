package formats

import (
	"io"
	"slices"
	"strings"

	"github.com/siglab/siglab/external"
)

// zeekNoticeFields are notice.log's columns as Zeek writes them: the
// &log fields of Notice::Info (base/frameworks/notice/main.zeek) in
// record order, conn_id flattened to id.orig_h and so on, then
// remote_location's geo_location, which policy/protocols/ssh/geo-data.zeek
// adds to Notice::Info and the default local.zeek loads.
var zeekNoticeFields = []string{
	"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p",
	"fuid", "file_mime_type", "file_desc", "proto", "note", "msg", "sub",
	"src", "dst", "p", "n", "peer_descr", "actions", "email_dest", "suppress_for",
	"remote_location.country_code", "remote_location.region", "remote_location.city",
	"remote_location.latitude", "remote_location.longitude",
}

func zeekNoticeFormat() external.Format {
	return external.Format{
		Name:   ZeekNotice,
		Key:    "note",
		Fields: append([]string(nil), zeekNoticeFields...),
		Parse:  parseZeekNotice,
	}
}

// parseZeekNotice reads a notice.log in either of Zeek's forms, told
// apart by the first line that is not blank: "{" starts the JSON writer's
// one object per line (LogAscii::use_json), anything else is the ASCII
// writer's tab-separated log with its # header lines.
//
// Both give the same Fields for the same notice where the writers agree:
// an unset field is absent (TSV "-", JSON leaves it out or, with
// LogAscii::json_include_unset_fields, writes null), an empty string or
// set is "" (TSV "(empty)", JSON "" or []), a set's elements are joined
// with ",". Values are otherwise as written, so ts is
// "1024380731.015090" in TSV and 1024380731.01509 in JSON.
func parseZeekNotice(r io.Reader) ([]external.Record, error) {
	z := &zeekReader{}
	return parseLines(r, z.line)
}

// zeekReader is the state of one notice.log: its form, and for TSV the
// header read so far.
type zeekReader struct {
	mode     byte // 0 before the first line, 'j' JSON, 't' TSV
	sep      string
	setSep   string
	empty    string
	unset    string
	fields   []string
	isSet    []bool // per column: a set or vector, joined by setSep
	haveHead bool
}

func (z *zeekReader) line(line string) (external.Record, bool, error) {
	if z.mode == 0 {
		z.mode = 't'
		if strings.HasPrefix(strings.TrimLeft(line, " \t"), "{") {
			z.mode = 'j'
		}
		z.reset()
	}
	if z.mode == 'j' {
		return zeekJSON(line)
	}
	if strings.HasPrefix(line, "#") {
		return external.Record{}, false, z.header(line)
	}
	return z.row(line)
}

// reset sets the ASCII writer's defaults (LogAscii::separator and the
// others), which a log's own header lines then override.
func (z *zeekReader) reset() {
	z.sep, z.setSep, z.empty, z.unset = "\t", ",", "(empty)", "-"
	z.fields, z.isSet, z.haveHead = nil, nil, false
}

// header reads one # line (logging/writers/ascii/Ascii.cc WriteHeader):
//
//	#separator \x09
//	#set_separator	,
//	#empty_field	(empty)
//	#unset_field	-
//	#path	notice
//	#open	2024-06-04-21-07-34
//	#fields	ts	uid	id.orig_h	...
//	#types	time	string	addr	...
//	#close	2024-06-04-21-07-34
//
// #separator comes first and is the one header line split by a space,
// its value escaped; a second #separator starts another log appended to
// the first (cat of rotated logs). Other # lines are ignored, as Zeek's
// own reader ignores them.
func (z *zeekReader) header(line string) error {
	if v, ok := strings.CutPrefix(line, "#separator "); ok {
		z.reset()
		z.sep = zeekUnescape(v)
		if z.sep == "" {
			return syntaxf("empty #separator")
		}
		return nil
	}
	key, value, _ := strings.Cut(line[1:], z.sep)
	switch key {
	case "set_separator":
		z.setSep = zeekUnescape(value)
	case "empty_field":
		z.empty = value
	case "unset_field":
		z.unset = value
	case "fields":
		z.fields = strings.Split(value, z.sep)
		if !slices.Contains(z.fields, "note") {
			return syntaxf("#fields has no note column: not a notice.log")
		}
		z.isSet = make([]bool, len(z.fields))
		z.haveHead = true
	case "types":
		types := strings.Split(value, z.sep)
		if len(types) != len(z.fields) {
			return syntaxf("#types names %d columns, #fields %d", len(types), len(z.fields))
		}
		for i, t := range types {
			z.isSet[i] = strings.HasPrefix(t, "set[") || strings.HasPrefix(t, "vector[") || strings.HasPrefix(t, "table[")
		}
	}
	return nil
}

// row reads one TSV data line against the header (threading/formatters/
// Ascii.cc Describe): the unset and empty markers compared before any
// unescaping, so that a string that is itself "-" (written "\x2d") stays
// a value; a set split on the set separator, each element unescaped.
func (z *zeekReader) row(line string) (external.Record, bool, error) {
	if !z.haveHead {
		return external.Record{}, false, syntaxf("a row before the #fields header line: %s", excerpt(line))
	}
	cols := strings.Split(line, z.sep)
	if len(cols) != len(z.fields) {
		return external.Record{}, false, syntaxf("%d columns, #fields names %d: %s", len(cols), len(z.fields), excerpt(line))
	}
	f := make(map[string]string, len(cols))
	for i, c := range cols {
		switch {
		case c == z.unset:
			continue
		case c == z.empty:
			f[z.fields[i]] = ""
		case z.isSet[i] && z.setSep != "":
			elems := strings.Split(c, z.setSep)
			for j, e := range elems {
				elems[j] = zeekUnescape(e)
			}
			f[z.fields[i]] = strings.Join(elems, ",")
		default:
			f[z.fields[i]] = zeekUnescape(c)
		}
	}
	note, ok := f["note"]
	if !ok || note == "" {
		return external.Record{}, false, syntaxf("note is unset: %s", excerpt(line))
	}
	return external.Record{Label: note, Fields: f}, true, nil
}

// zeekJSON reads one line of the JSON writer (threading/formatters/
// JSON.cc): one object, its columns under their dotted names
// ("id.orig_h"), nested objects flattened to those names too.
func zeekJSON(line string) (external.Record, bool, error) {
	obj, err := jsonObject(line)
	if err != nil {
		return external.Record{}, false, err
	}
	f := map[string]string{}
	flatten(f, "", obj, 0)
	note := f["note"]
	if note == "" {
		return external.Record{}, false, syntaxf("no note: not a notice.log record: %s", excerpt(line))
	}
	return external.Record{Label: note, Fields: f}, true, nil
}

// zeekUnescape undoes the ASCII writer's escaping (Desc.cc AddBytes):
// "\xHH" for a byte that is not printable, a backslash, the separator,
// the set separator inside a set, or the first byte of a value that
// would read as the unset or empty marker. Anything else stands as
// written.
func zeekUnescape(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			hi, ok1 := unhex(s[i+2])
			lo, ok2 := unhex(s[i+3])
			if ok1 && ok2 {
				b.WriteByte(hi<<4 | lo)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
