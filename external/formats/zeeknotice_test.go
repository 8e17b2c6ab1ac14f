package formats_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external/formats"
)

// noticeHeader is testdata/notice.log's header, #separator to #types.
func noticeHeader() string {
	lines := strings.Split(readSample("notice.log"), "\n")
	return strings.Join(lines[:8], "\n") + "\n"
}

// The three notices of testdata/notice.log and notice.json; their
// writers differ only in how they print numbers.
var (
	portScan = map[string]string{
		"ts": "914290885.181284", "note": "Scan::Port_Scan",
		"msg": "198.18.0.2 scanned at least 15 unique ports of host 198.18.1.2 in 0m0s", "sub": "remote",
		"src": "198.18.0.2", "dst": "198.18.1.2", "actions": "Notice::ACTION_LOG", "email_dest": "",
		"suppress_for": "3600.000000",
	}
	addressScan = map[string]string{
		"ts": "914290891.570211", "proto": "tcp", "note": "Scan::Address_Scan",
		"msg": "198.18.0.2 scanned at least 25 unique hosts on port 80/tcp in 0m6s", "sub": "remote",
		"src": "198.18.0.2", "p": "80", "actions": "Notice::ACTION_LOG", "email_dest": "",
		"suppress_for": "3600.000000",
	}
	signature = map[string]string{
		"ts": "914290887.523980", "uid": "CHhAvVGS1DHFjwGM9",
		"id.orig_h": "198.18.0.2", "id.orig_p": "37810", "id.resp_h": "198.18.1.2", "id.resp_p": "21",
		"proto": "tcp", "note": "Signatures::Sensitive_Signature", "msg": "198.18.0.2: FTP bounce attempt",
		"sub": "PORT 198,18,1,3,0,25\r\n", "src": "198.18.0.2", "dst": "198.18.1.2", "p": "21",
		"actions": "Notice::ACTION_LOG,Notice::ACTION_EMAIL", "email_dest": "soc@example.org",
		"suppress_for": "3600.000000",
	}
)

// asJSON is a notice as the JSON writer prints its numbers.
func asJSON(f map[string]string, ts string) map[string]string {
	out := map[string]string{}
	for k, v := range f {
		out[k] = v
	}
	out["ts"], out["suppress_for"] = ts, "3600.0"
	return out
}

var _ = Describe("zeek-notice", func() {
	DescribeTable("reads each row of testdata/notice.log under its header",
		func(n int, want map[string]string) {
			row := sampleLine("notice.log", n)
			recs, err := parse(formats.ZeekNotice, noticeHeader()+row+"\n")
			Expect(err).NotTo(HaveOccurred())
			Expect(recs).To(HaveLen(1))
			Expect(recs[0].Fields).To(Equal(want))
			Expect(recs[0].Label).To(Equal(want["note"]))
			Expect(recs[0].Raw).To(Equal(row))
		},
		Entry("9: Scan::Port_Scan, unset columns absent, empty set empty", 9, portScan),
		Entry("10: Scan::Address_Scan, p and proto set", 10, addressScan),
		Entry("11: a signature notice: connection, escaped CR LF, a two-element set", 11, signature),
	)

	DescribeTable("reads each line of testdata/notice.json",
		func(n int, want map[string]string) {
			r := parseOne(formats.ZeekNotice, sampleLine("notice.json", n))
			Expect(r.Fields).To(Equal(want))
		},
		Entry("1: Scan::Port_Scan", 1, asJSON(portScan, "914290885.181284")),
		Entry("2: Scan::Address_Scan", 2, asJSON(addressScan, "914290891.570211")),
		Entry("3: the signature notice", 3, asJSON(signature, "914290887.52398")),
	)

	DescribeTable("reads a whole log, either form, told apart by its first line",
		func(file string) {
			recs, err := parse(formats.ZeekNotice, readSample(file))
			Expect(err).NotTo(HaveOccurred())
			Expect(labels(recs)).To(Equal([]string{"Scan::Port_Scan", "Scan::Address_Scan", "Signatures::Sensitive_Signature"}))
		},
		Entry("TSV with its header and #close", "notice.log"),
		Entry("JSON", "notice.json"),
	)

	DescribeTable("follows the header's separators and markers",
		func(log string, want map[string]string) {
			recs, err := parse(formats.ZeekNotice, log)
			Expect(err).NotTo(HaveOccurred())
			Expect(recs).To(HaveLen(1))
			Expect(recs[0].Fields).To(Equal(want))
		},
		Entry("its own separator, set separator and markers",
			"#separator \\x7c\n#set_separator|;\n#empty_field|EMPTY\n#unset_field|NONE\n#path|notice\n#fields|ts|note|actions|msg|sub|email_dest\n#types|time|enum|set[enum]|string|string|set[string]\n"+
				"1.000000|Scan::Port_Scan|Notice::ACTION_LOG;Notice::ACTION_EMAIL|a\\x7cb|NONE|EMPTY\n",
			map[string]string{"ts": "1.000000", "note": "Scan::Port_Scan", "actions": "Notice::ACTION_LOG,Notice::ACTION_EMAIL", "msg": "a|b", "email_dest": ""}),
		Entry("a string that is itself \"-\" or \"(empty)\", escaped by the writer",
			"#separator \\x09\n#fields\tnote\tmsg\tsub\n#types\tenum\tstring\tstring\nScan::Port_Scan\t\\x2d\t\\x28empty)\n",
			map[string]string{"note": "Scan::Port_Scan", "msg": "-", "sub": "(empty)"}),
		Entry("escaped tab, backslash and a set separator inside an element",
			"#separator \\x09\n#set_separator\t,\n#fields\tnote\tmsg\temail_dest\n#types\tenum\tstring\tset[string]\nScan::Port_Scan\ta\\x09b\\x5cc\tx\\x2cy,z\n",
			map[string]string{"note": "Scan::Port_Scan", "msg": "a\tb\\c", "email_dest": "x,y,z"}),
		Entry("\\x that is not an escape stands as written",
			"#separator \\x09\n#fields\tnote\tmsg\n#types\tenum\tstring\nScan::Port_Scan\tC:\\xyz\\x4\n",
			map[string]string{"note": "Scan::Port_Scan", "msg": `C:\xyz\x4`}),
		Entry("no #types: values unescaped, nothing split",
			"#separator \\x09\n#fields\tnote\tactions\nScan::Port_Scan\tNotice::ACTION_LOG,Notice::ACTION_EMAIL\n",
			map[string]string{"note": "Scan::Port_Scan", "actions": "Notice::ACTION_LOG,Notice::ACTION_EMAIL"}),
		Entry("no #separator line: the writer's default tab",
			"#fields\tnote\tmsg\n#types\tenum\tstring\nScan::Port_Scan\tm\n",
			map[string]string{"note": "Scan::Port_Scan", "msg": "m"}),
	)

	It("reads logs appended to each other, each under its own header", func() {
		log := readSample("notice.log") +
			"#separator \\x09\n#fields\tnote\tts\n#types\tenum\ttime\nScan::Address_Scan\t914290900.000000\n"
		recs, err := parse(formats.ZeekNotice, log)
		Expect(err).NotTo(HaveOccurred())
		Expect(labels(recs)).To(Equal([]string{"Scan::Port_Scan", "Scan::Address_Scan", "Signatures::Sensitive_Signature", "Scan::Address_Scan"}))
		Expect(recs[3].Fields).To(Equal(map[string]string{"note": "Scan::Address_Scan", "ts": "914290900.000000"}))
	})

	DescribeTable("reads the JSON writer's other forms",
		func(line string, want map[string]string) {
			Expect(parseOne(formats.ZeekNotice, line).Fields).To(Equal(want))
		},
		Entry("ISO 8601 timestamps (LogAscii::json_timestamps)", `{"ts":"1998-12-22T01:41:25.181284Z","note":"Scan::Port_Scan"}`,
			map[string]string{"ts": "1998-12-22T01:41:25.181284Z", "note": "Scan::Port_Scan"}),
		Entry("unset fields written as null (json_include_unset_fields)", `{"ts":914290885.181284,"uid":null,"note":"Scan::Port_Scan","p":null}`,
			map[string]string{"ts": "914290885.181284", "note": "Scan::Port_Scan"}),
		Entry("nested records, as a shipper may rewrite them", `{"id":{"orig_h":"198.18.0.2","orig_p":37810},"note":"Scan::Port_Scan","dropped":false}`,
			map[string]string{"id.orig_h": "198.18.0.2", "id.orig_p": "37810", "note": "Scan::Port_Scan", "dropped": "false"}),
	)

	DescribeTable("rejects a broken log, naming the line, with the notices before it",
		func(log, want string, line int, before []string) {
			recs, err := parse(formats.ZeekNotice, log)
			Expect(err).To(MatchError(formats.ErrSyntax))
			var le *formats.LineError
			Expect(err).To(BeAssignableToTypeOf(le))
			Expect(err.(*formats.LineError).Line).To(Equal(line))
			Expect(err).To(MatchError(ContainSubstring(want)))
			Expect(err.Error()).NotTo(ContainSubstring("\n"))
			Expect(labels(recs)).To(Equal(before))
		},
		Entry("a row with a column missing",
			noticeHeader()+sampleLine("notice.log", 9)+"\n"+"914290885.181284\t-\tScan::Port_Scan\n",
			"3 columns, #fields names 26", 10, []string{"Scan::Port_Scan"}),
		Entry("a row before any #fields", "914290885.181284\tScan::Port_Scan\n", "before the #fields header", 1, []string{}),
		Entry("#fields without a note column: another log",
			"#separator \\x09\n#path\tconn\n#fields\tts\tuid\n", "no note column", 3, []string{}),
		Entry("#types that does not match #fields", "#separator \\x09\n#fields\tts\tnote\n#types\ttime\n", "#types names 1 columns, #fields 2", 3, []string{}),
		Entry("an empty #separator", "#separator \n", "empty #separator", 1, []string{}),
		Entry("an unset note", noticeHeader()+strings.Replace(sampleLine("notice.log", 9), "Scan::Port_Scan", "-", 1)+"\n", "note is unset", 9, []string{}),
		Entry("a header line in a JSON log", sampleLine("notice.json", 1)+"\n#close\t1998-12-22-01-42-33\n", "invalid JSON", 2, []string{"Scan::Port_Scan"}),
		Entry("a JSON notice without note", `{"ts":914290885.181284,"msg":"m"}`+"\n", "no note", 1, []string{}),
		Entry("a JSON line that is not an object", sampleLine("notice.json", 1)+"\n[1]\n", "not a JSON object", 2, []string{"Scan::Port_Scan"}),
	)

	It("reports a row cut mid-write (no newline) as truncated", func() {
		row := sampleLine("notice.log", 10)
		recs, err := parse(formats.ZeekNotice, noticeHeader()+sampleLine("notice.log", 9)+"\n"+row[:40])
		Expect(err).To(MatchError(formats.ErrTruncated))
		Expect(err).To(MatchError(HavePrefix("line 10: ")))
		Expect(labels(recs)).To(Equal([]string{"Scan::Port_Scan"}))
	})

	It("takes a log still open (no #close) as it is", func() {
		recs, err := parse(formats.ZeekNotice, noticeHeader()+sampleLine("notice.log", 9)+"\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(recs).To(HaveLen(1))
	})
})
