package verifier

import (
	"bufio"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/siglab/siglab/detector"
)

// P0fRecord is one line of p0f 3's log (`p0f -o FILE`):
//
//	[1998/12/22 01:41:25] mod=syn|cli=198.18.0.2/37813|srv=198.18.1.2/1|subj=cli|os=???|...
type P0fRecord struct {
	// Time is the line's timestamp, read in the local zone as p0f
	// wrote it; zero when it does not parse.
	Time time.Time
	// Mod is the observation kind ("syn", "mtu", "http request", ...),
	// the label a scenario's p0f expectations name.
	Mod            string
	Client, Server netip.AddrPort
	// Fields are the line's other key=value pairs (subj, os, dist,
	// params, raw_sig, link, raw_mtu, app, lang, reason, ...).
	Fields map[string]string
}

// p0fTime is the layout of p0f's "[%Y/%m/%d %H:%M:%S]" prefix.
const p0fTime = "2006/01/02 15:04:05"

// ParseP0fLine reads one log line; ok is false for anything that is not
// a whole p0f record (a header, a truncated line, garbage), which callers
// skip.
func ParseP0fLine(line string) (r P0fRecord, ok bool) {
	line = strings.TrimRight(line, "\r\n")
	if !strings.HasPrefix(line, "[") {
		return P0fRecord{}, false
	}
	stamp, rest, found := strings.Cut(line[1:], "] ")
	if !found {
		return P0fRecord{}, false
	}
	r.Time, _ = time.ParseInLocation(p0fTime, stamp, time.Local)
	r.Fields = map[string]string{}
	last := ""
	for _, part := range strings.Split(rest, "|") {
		k, v, isKV := strings.Cut(part, "=")
		if !isKV || !fieldKey(k) {
			// p0f does not escape '|' in values (an HTTP raw_sig can
			// hold one): the piece belongs to the previous field.
			if last == "" {
				return P0fRecord{}, false
			}
			r.Fields[last] += "|" + part
			continue
		}
		if _, dup := r.Fields[k]; dup {
			return P0fRecord{}, false
		}
		r.Fields[k], last = v, k
	}
	return r.split()
}

// split moves mod, cli and srv out of Fields into their own members; a
// record without all three is not one.
func (r P0fRecord) split() (P0fRecord, bool) {
	var err error
	r.Mod = r.Fields["mod"]
	if r.Client, err = p0fAddr(r.Fields["cli"]); err != nil || r.Mod == "" {
		return P0fRecord{}, false
	}
	if r.Server, err = p0fAddr(r.Fields["srv"]); err != nil {
		return P0fRecord{}, false
	}
	delete(r.Fields, "mod")
	delete(r.Fields, "cli")
	delete(r.Fields, "srv")
	return r, true
}

// fieldKey reports whether k has the form of p0f's keys (lowercase
// letters and underscores: raw_sig, raw_mtu).
func fieldKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}

// p0fAddr reads p0f's "addr/port" (IPv6 addresses are written without
// brackets, hence the last slash).
func p0fAddr(s string) (netip.AddrPort, error) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return netip.AddrPort{}, strconv.ErrSyntax
	}
	a, err := netip.ParseAddr(s[:i])
	if err != nil {
		return netip.AddrPort{}, err
	}
	p, err := strconv.ParseUint(s[i+1:], 10, 16)
	if err != nil {
		return netip.AddrPort{}, err
	}
	return netip.AddrPortFrom(a, uint16(p)), nil
}

// ParseP0fLog reads a whole log, skipping lines that do not parse.
func ParseP0fLog(r io.Reader) ([]P0fRecord, error) {
	var out []P0fRecord
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20) // HTTP signatures make long lines
	for sc.Scan() {
		if rec, ok := ParseP0fLine(sc.Text()); ok {
			out = append(out, rec)
		}
	}
	return out, sc.Err()
}

// Finding is the record as CheckFindings reads it: Label is the mod,
// Scanner the client, and Attrs every field plus client, server,
// client_port and server_port.
func (r P0fRecord) Finding() detector.Finding {
	attrs := make(map[string]string, len(r.Fields)+4)
	for k, v := range r.Fields {
		attrs[k] = v
	}
	attrs["client"] = r.Client.Addr().String()
	attrs["server"] = r.Server.Addr().String()
	attrs["client_port"] = strconv.Itoa(int(r.Client.Port()))
	attrs["server_port"] = strconv.Itoa(int(r.Server.Port()))
	return detector.Finding{Label: r.Mod, Scanner: r.Client.Addr(), Targets: []netip.Addr{r.Server.Addr()},
		First: r.Time, Last: r.Time, Packets: 1, Attrs: attrs}
}

// p0fVerdictKeys are the fields that say what p0f concluded, the ones a
// failure message names; raw signatures, ports and distances would drown
// them.
var p0fVerdictKeys = []string{"subj", "os", "app", "lang", "link", "raw_mtu", "uptime", "reason"}

// describeP0f renders a p0f finding for a failure message:
// "syn (subj=cli, os=???)".
func describeP0f(f detector.Finding) string {
	var kv []string
	for _, k := range p0fVerdictKeys {
		if v, ok := f.Attrs[k]; ok {
			kv = append(kv, k+"="+v)
		}
	}
	if len(kv) == 0 {
		return f.Label
	}
	return f.Label + " (" + strings.Join(kv, ", ") + ")"
}
