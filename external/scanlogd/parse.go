package scanlogd

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/siglab/siglab/external"
)

// Fields are a scan record's fields, named after scanlogd's man page
// ("saddr[:sport] to daddr [and others,] ports port[, port...], ...,
// flags[, TOS TOS][, TTL TTL] @HH:MM:SS"), in that order:
//
//   - source: the scanner's address (saddr); the Key.
//   - source_port: its port when it stayed the same on every counted
//     packet, else empty.
//   - target: the address of the first packet (daddr).
//   - others: "yes" when later packets went to other addresses of the
//     same machine (" and others,"), else "no".
//   - ports: the port list as written ("1, 2, 3"), in the order scanlogd
//     counted them; port_count how many it lists.
//   - flags: the TCP flags of the scan's packets, fsrpauxy: uppercase for
//     a bit always set, lowercase for one always clear, '?' for a bit
//     that changed (fSrpauxy: SYN only).
//   - tos, ttl: when they stayed the same, as written (TOS in hex), else
//     empty.
//   - time: when the scan started, HH:MM:SS in the daemon's local time.
//   - truncated: whether scanlogd cut the port list to fit its 120-byte
//     line. scanlogd ends every list with "..." (the port that crossed
//     the threshold is never listed), so the dots tell nothing; the
//     weight does: an uncut list weighs 18 to 20 (the threshold less one
//     port), so "yes" when the listed ports weigh less, "no" when they
//     weigh enough and one more port would still have fit, and "maybe"
//     when a cut that kept 18 or 19 cannot be ruled out.
var Fields = []string{"source", "source_port", "target", "others", "ports", "port_count",
	"flags", "tos", "ttl", "time", "truncated"}

// Key is the field a bare expectation names: the scanner's address, the
// one thing every scanlogd line is about (scanlogd keeps one entry per
// source, whatever its targets).
const Key = "source"

// Format reads scanlogd's lines as syslog delivers them.
var Format = external.Format{Name: "scanlogd", Key: Key, Fields: Fields, Parse: Parse}

// Parse reads scanlogd's log lines in any of the forms syslog gives
// them: as the daemon sends them to /dev/log ("<25>Dec 22 01:41:25
// scanlogd: ..."), as rsyslog writes them to /var/log/syslog (with a
// host name, and a traditional or RFC 3339 time stamp), in RFC 5424, or
// the bare message. It returns a Record per scan line. Lines of other
// programs are skipped, and so is scanlogd's flood notice (FloodLine); a
// line tagged scanlogd, or shaped like a scan line, that does not parse
// is an error naming its line number, returned with the records before it.
func Parse(r io.Reader) ([]external.Record, error) {
	var out []external.Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		rec, ok, err := ParseLine(sc.Text())
		if err != nil {
			return out, fmt.Errorf("line %d: %w", n, err)
		}
		if ok {
			out = append(out, rec)
		}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("read scanlogd log: %w", err)
	}
	return out, nil
}

// ParseLine reads one line (see Parse): ok is false for a line that is
// not a scan record, err set for a broken one.
func ParseLine(line string) (rec external.Record, ok bool, err error) {
	line = strings.TrimRight(line, "\r\n")
	msg, tagged := message(line)
	if tagged && msg == FloodLine {
		return external.Record{}, false, nil
	}
	f, err := parseMessage(msg)
	if err != nil {
		if tagged || looksLikeScan(msg) {
			return external.Record{}, false, fmt.Errorf("%w: %w: %q", ErrBadLine, err, line)
		}
		return external.Record{}, false, nil
	}
	return external.Record{Label: f["source"], Fields: f, Raw: line}, true, nil
}

// looksLikeScan reports whether an untagged line has the shape of a scan
// message, so that a mangled one is an error and not skipped.
func looksLikeScan(msg string) bool {
	return strings.Contains(msg, " to ") && strings.Contains(msg, " ports ") && strings.Contains(msg, "..., ")
}

// ident is scanlogd's syslog tag (SYSLOG_IDENT).
const ident = "scanlogd"

// message strips what syslog put before scanlogd's message: a "<pri>"
// prefix, an RFC 5424 header, or a time stamp and host name up to the
// tag "scanlogd:" or "scanlogd[pid]:". tagged says a tag was found.
func message(line string) (msg string, tagged bool) {
	rest := line
	if strings.HasPrefix(rest, "<") {
		if i := strings.IndexByte(rest, '>'); i > 1 && digits(rest[1:i]) {
			rest = rest[i+1:]
		}
	}
	// RFC 5424: "1 TIMESTAMP HOST APP PROCID MSGID SD MSG".
	if h, ok := strings.CutPrefix(rest, "1 "); ok {
		f := strings.SplitN(h, " ", 6)
		if len(f) == 6 && f[2] == ident && f[5] != "" {
			if m, ok := strings.CutPrefix(f[5], "- "); ok {
				return strings.TrimPrefix(m, "\ufeff"), true
			}
		}
	}
	for from := 0; from < len(rest); {
		i := strings.Index(rest[from:], ident)
		if i < 0 {
			break
		}
		i += from
		from = i + len(ident)
		if i > 0 && rest[i-1] != ' ' {
			continue
		}
		after := rest[i+len(ident):]
		if strings.HasPrefix(after, "[") {
			j := strings.Index(after, "]")
			if j < 2 || !digits(after[1:j]) {
				continue
			}
			after = after[j+1:]
		}
		if m, ok := strings.CutPrefix(after, ": "); ok {
			return m, true
		}
	}
	return rest, false
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseMessage reads scanlogd's message (do_log in scanlogd.c) into its
// fields.
func parseMessage(msg string) (map[string]string, error) {
	src, rest, ok := strings.Cut(msg, " to ")
	if !ok {
		return nil, fmt.Errorf("no \" to \"")
	}
	f := map[string]string{}
	addr, port, hasPort := strings.Cut(src, ":")
	if err := canonAddr(addr); err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	f["source"] = addr
	if hasPort {
		if err := canonUint(port, 65535); err != nil {
			return nil, fmt.Errorf("source port: %w", err)
		}
	}
	f["source_port"] = port
	dst, rest, ok := strings.Cut(rest, " ports ")
	if !ok {
		return nil, fmt.Errorf("no \" ports \"")
	}
	dst, others := strings.CutSuffix(dst, " and others,")
	if err := canonAddr(dst); err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	f["target"], f["others"] = dst, yesNo(others)
	list, rest, ok := strings.Cut(rest, "..., ")
	if !ok {
		return nil, fmt.Errorf("no \"..., \" after the ports")
	}
	ports, err := parsePorts(list)
	if err != nil {
		return nil, err
	}
	f["ports"] = strings.TrimSuffix(list, ", ")
	f["port_count"] = strconv.Itoa(len(ports))
	i := strings.LastIndex(rest, " @")
	if i < 0 {
		return nil, fmt.Errorf("no \" @\" time")
	}
	if !clock(rest[i+2:]) {
		return nil, fmt.Errorf("time %q is not HH:MM:SS", rest[i+2:])
	}
	f["time"] = rest[i+2:]
	parts := strings.Split(rest[:i], ", ")
	if !flagsOK(parts[0]) {
		return nil, fmt.Errorf("flags %q are not fsrpauxy", parts[0])
	}
	f["flags"] = parts[0]
	parts = parts[1:]
	f["tos"], f["ttl"] = "", ""
	if len(parts) > 0 && strings.HasPrefix(parts[0], "TOS ") {
		t := parts[0][4:]
		if len(t) != 2 || strings.Trim(t, "0123456789abcdef") != "" {
			return nil, fmt.Errorf("TOS %q is not two hex digits", t)
		}
		f["tos"], parts = t, parts[1:]
	}
	if len(parts) > 0 && strings.HasPrefix(parts[0], "TTL ") {
		if err := canonUint(parts[0][4:], 255); err != nil {
			return nil, fmt.Errorf("TTL: %w", err)
		}
		f["ttl"], parts = parts[0][4:], parts[1:]
	}
	if len(parts) > 0 {
		return nil, fmt.Errorf("unexpected %q after the flags", strings.Join(parts, ", "))
	}
	f["truncated"] = truncated(ports, len(msg))
	return f, nil
}

// parsePorts reads "1, 2, 3, " (each port followed by ", ", as scanlogd
// writes them).
func parsePorts(list string) ([]uint16, error) {
	if list == "" {
		return nil, nil
	}
	body, ok := strings.CutSuffix(list, ", ")
	if !ok {
		return nil, fmt.Errorf("port list %q does not end in \", \"", list)
	}
	var out []uint16
	for _, p := range strings.Split(body, ", ") {
		if err := canonUint(p, 65535); err != nil {
			return nil, fmt.Errorf("port: %w", err)
		}
		n, _ := strconv.Atoi(p)
		out = append(out, uint16(n))
	}
	return out, nil
}

// truncated tells from the listed ports' weight and the message's length
// whether scanlogd cut the list (see Fields).
func truncated(ports []uint16, msgLen int) string {
	w := 0
	for _, p := range ports {
		w += weight(p)
	}
	switch {
	case w < Threshold-WeightPrivileged:
		return "yes"
	case w >= Threshold-WeightHigh:
		return "no" // the whole list weighs at most 20
	case msgLen+len("1024, ") > MaxLine:
		// A cut list of 18 or 19 lost high ports only (a privileged one
		// would have crossed 21), each at least 6 bytes long.
		return "maybe"
	default:
		return "no"
	}
}

// canonAddr accepts a dotted-quad IPv4 address as inet_ntoa writes it.
func canonAddr(s string) error {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return err
	}
	if !a.Is4() || a.String() != s {
		return fmt.Errorf("%q is not a dotted-quad IPv4 address", s)
	}
	return nil
}

// canonUint accepts a decimal number as %u writes it, up to max.
func canonUint(s string, max uint64) error {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > max || strconv.FormatUint(n, 10) != s {
		return fmt.Errorf("%q is not a number up to %d", s, max)
	}
	return nil
}

// clock accepts HH:MM:SS (strftime's %X in the C locale, scanlogd's).
func clock(s string) bool {
	return len(s) == 8 && s[2] == ':' && s[5] == ':' && digits(s[:2]) && digits(s[3:5]) && digits(s[6:])
}

// flagsOK accepts scanlogd's flag string: for each bit of "fsrpauxy"
// (FIN, SYN, RST, PSH, ACK, URG and the two reserved bits), its letter
// in lower or upper case, or '?'.
func flagsOK(s string) bool {
	const letters = "fsrpauxy"
	if len(s) != len(letters) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != letters[i] && c != letters[i]-'a'+'A' && c != '?' {
			return false
		}
	}
	return true
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
