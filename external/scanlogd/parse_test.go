package scanlogd_test

import (
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/external/scanlogd"
)

// daemonLog is what the real scanlogd sent to its /dev/log in the specs
// of agree_linux_test.go (one datagram a line), kept as testdata.
func daemonLog() string {
	b, err := os.ReadFile("testdata/daemon.log")
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// parseOne parses a log that must hold exactly one record.
func parseOne(log string) external.Record {
	recs, err := scanlogd.Parse(strings.NewReader(log))
	Expect(err).NotTo(HaveOccurred())
	Expect(recs).To(HaveLen(1))
	return recs[0]
}

const msg = "198.18.0.2:40000 to 198.18.1.2 ports 1, 2, 3, 4, 5, 6, ..., fSrpauxy, TOS 00, TTL 62 @01:36:48"

var _ = Describe("Parse", func() {
	It("reads every line the daemon logged, and skips its flood notice", func() {
		recs, err := scanlogd.Parse(strings.NewReader(daemonLog()))
		Expect(err).NotTo(HaveOccurred())
		Expect(recs).To(HaveLen(strings.Count(daemonLog(), "\n") - 1))
		for _, r := range recs {
			Expect(r.Label).To(Equal(r.Field("source")))
			Expect(r.Raw).To(HavePrefix("<25>"))
			for k := range r.Fields {
				Expect(scanlogd.Format.HasField(k)).To(BeTrue(), "field %s", k)
			}
			Expect(r.Fields).To(HaveLen(len(scanlogd.Fields)))
		}
	})

	DescribeTable("reads the fields of a line as the daemon wrote it",
		func(line string, want map[string]string) {
			Expect(daemonLog()).To(ContainSubstring(line + "\n"))
			r := parseOne(line)
			for k, v := range want {
				Expect(r.Field(k)).To(Equal(v), "field %s", k)
			}
		},
		Entry("a SYN scan", "<25>Dec  7 01:36:48 scanlogd: "+msg, map[string]string{
			"source": "198.18.0.2", "source_port": "40000", "target": "198.18.1.2", "others": "no",
			"ports": "1, 2, 3, 4, 5, 6", "port_count": "6", "flags": "fSrpauxy", "tos": "00", "ttl": "62",
			"time": "01:36:48", "truncated": "no"}),
		Entry("21 high ports: the list cut to fit 120 bytes",
			"<25>Dec  7 01:36:49 scanlogd: 198.18.0.2:40000 to 198.18.1.2 ports 1024, 1025, 1026, 1027, 1028, 1029, 1030, ..., fSrpauxy, TOS 00, TTL 62 @01:36:49",
			map[string]string{"port_count": "7", "truncated": "yes"}),
		Entry("source port, TOS and TTL that changed are left out",
			"<25>Dec  7 01:37:00 scanlogd: 198.18.0.2 to 198.18.1.2 ports 1, 2, 3, 4, 5, 6, ..., fSrpauxy @01:37:00",
			map[string]string{"source": "198.18.0.2", "source_port": "", "tos": "", "ttl": ""}),
		Entry("other targets of the same machine",
			"<25>Dec  7 01:37:01 scanlogd: 198.18.0.2:40000 to 198.18.1.2 and others, ports 1, 2, 3, 4, 5, 6, ..., fSrpauxy, TOS 00, TTL 62 @01:37:01",
			map[string]string{"target": "198.18.1.2", "others": "yes"}),
		Entry("flags that changed (SYN, then the scanner's RST)",
			"<25>Dec  7 01:36:59 scanlogd: 198.18.0.2:40000 to 198.18.1.2 ports 1, 2, 3, 4, 5, 6, ..., f??pauxy, TOS 00, TTL 62 @01:36:59",
			map[string]string{"flags": "f??pauxy"}),
		Entry("an Xmas scan", "<25>Dec  7 01:37:00 scanlogd: 198.18.0.2:40000 to 198.18.1.2 ports 1, 2, 3, 4, 5, 6, ..., FsrPaUxy, TOS 00, TTL 62 @01:37:00",
			map[string]string{"flags": "FsrPaUxy"}),
		Entry("a connect scan from the scanner's kernel",
			"<25>Dec  7 01:37:03 scanlogd: 198.18.0.2 to 198.18.1.2 ports 44, 78, 6, 62, 52, 41, ..., fSrpauxy, TOS 00, TTL 64 @01:37:03",
			map[string]string{"source_port": "", "ports": "44, 78, 6, 62, 52, 41", "ttl": "64"}),
	)

	DescribeTable("reads the line in the forms syslog writes it",
		func(line string) {
			r := parseOne(line + "\n")
			Expect(r.Field("source")).To(Equal("198.18.0.2"))
			Expect(r.Field("time")).To(Equal("01:36:48"))
			Expect(r.Raw).To(Equal(strings.TrimSuffix(line, "\r")))
		},
		Entry("as sent to /dev/log", "<25>Dec  7 01:36:48 scanlogd: "+msg),
		Entry("rsyslog's traditional file format", "Dec  7 01:36:48 labhost scanlogd: "+msg),
		Entry("rsyslog's RFC 3339 format, with a pid", "2026-12-07T01:36:48.123456+00:00 labhost scanlogd[812]: "+msg),
		Entry("journalctl", "Dec 07 01:36:48 labhost scanlogd[812]: "+msg),
		Entry("RFC 5424", "<25>1 2026-12-07T01:36:48.123Z labhost scanlogd - - - "+msg),
		Entry("the bare message", msg),
		Entry("a CRLF line end", msg+"\r"),
	)

	It("skips other programs' lines, blank lines and the flood notice", func() {
		recs, err := scanlogd.Parse(strings.NewReader(strings.Join([]string{
			"Dec  7 01:36:40 labhost kernel: [12.3] eth0: link up",
			"",
			"Dec  7 01:36:41 labhost sshd[77]: Accepted publickey for root from 198.18.0.9 port 22 ssh2",
			"<25>Dec  7 01:37:02 scanlogd: " + scanlogd.FloodLine,
			"<25>Dec  7 01:36:48 scanlogd: " + msg,
		}, "\n")))
		Expect(err).NotTo(HaveOccurred())
		Expect(recs).To(HaveLen(1))
	})

	DescribeTable("says which line is broken, with the records before it",
		func(bad string) {
			recs, err := scanlogd.Parse(strings.NewReader("<25>Dec  7 01:36:48 scanlogd: " + msg + "\n" + bad + "\n"))
			Expect(err).To(MatchError(scanlogd.ErrBadLine))
			Expect(err.Error()).To(HavePrefix("line 2: "))
			Expect(err.Error()).NotTo(ContainSubstring("\n"))
			Expect(recs).To(HaveLen(1))
		},
		Entry("a tagged line that is no scan", "Dec  7 01:36:49 labhost scanlogd: socket: Operation not permitted"),
		Entry("a cut-off scan line", "<25>Dec  7 01:36:48 scanlogd: 198.18.0.2:40000 to 198.18.1.2 ports 1, 2, 3"),
		Entry("flags out of order", strings.Replace(msg, "fSrpauxy", "Sfrpauxy", 1)),
		Entry("a source port too big", strings.Replace(msg, ":40000", ":70000", 1)),
		Entry("an address that is not dotted-quad", strings.Replace(msg, "198.18.0.2:", "198.018.0.2:", 1)),
		Entry("TOS not in hex", strings.Replace(msg, "TOS 00", "TOS 0x", 1)),
		Entry("no time", strings.TrimSuffix(msg, " @01:36:48")),
		Entry("something after the TTL", strings.Replace(msg, "TTL 62", "TTL 62, TTL 61", 1)),
	)

	DescribeTable("tells whether scanlogd cut the port list",
		func(m, want string) {
			Expect(parseOne(m).Field("truncated")).To(Equal(want))
		},
		Entry("7 ports weigh less than 18: cut", "198.18.0.2:40000 to 198.18.1.2 ports 1024, 1025, 1026, 1027, 1028, 1029, 1030, ..., fSrpauxy, TOS 00, TTL 62 @01:36:49", "yes"),
		Entry("weight 18 and room for more: whole", msg, "no"),
		Entry("weight 20: whole, since the whole list weighs at most 20",
			"198.18.0.2:40000 to 198.18.1.2 ports 1, 2, 3, 4, 5, 6, 1024, 1025, ..., fSrpauxy, TOS 00, TTL 62 @01:36:49", "no"),
		Entry("weight 18 on a line with no room for another high port: either",
			"198.18.100.200:6553 to 198.18.100.201 ports 1000, 1001, 1002, 1003, 1004, 1005, ..., f??pauxy, TOS 00, TTL 255 @01:37:00", "maybe"),
	)

	It("is the Format named scanlogd, keyed by the source", func() {
		f := scanlogd.Format
		Expect(f.Name).To(Equal("scanlogd"))
		Expect(f.Key).To(Equal("source"))
		Expect(f.HasField(f.Key)).To(BeTrue())
		recs, err := f.Parse(strings.NewReader(msg))
		Expect(err).NotTo(HaveOccurred())
		Expect(recs[0].Label).To(Equal("198.18.0.2"))
	})
})
