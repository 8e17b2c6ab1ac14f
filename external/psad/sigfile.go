package psad

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/siglab/siglab/lazyre"
)

// signature is one rule of psad's signatures file, read as psad 2.4.6's
// import_signatures reads it: only the keywords psad evaluates.
type signature struct {
	sid, msg      string
	proto         string // tcp, udp, icmp, ip
	dl            int    // psad_dl (2 when absent)
	src, dst      []netip.Prefix
	sp, dp        intRange
	flags         *string // psad's rendering: "URG PSH FIN"; "" for flags:0
	ranges        map[string]intRange
	ipProto, opts bool // keywords psad never matches on log lines (ip_proto; ipopts without --log-ip-options)
	sameip        bool
}

// intRange is build_sig_int_range's result: s..e, or outside it when neg.
type intRange struct {
	s, e int64
	neg  bool
}

func (r intRange) match(v int64) bool {
	v = max(v, 0)
	in := v >= r.s && v <= r.e
	return in != r.neg
}

// The keywords psad reads as integer ranges, with its bounds for "any".
var rangeKeywords = map[string][2]int64{
	"psad_dsize": {1, 1514}, "psad_ip_len": {1, 65536}, "dsize": {1, 1514}, "ttl": {1, 255}, "id": {1, 65535},
	"seq": {1, 4294967296}, "ack": {1, 4294967296}, "window": {1, 65535},
	"itype": {1, 255}, "icode": {1, 255}, "icmp_seq": {1, 255}, "icmp_id": {1, 255},
}

// protoKeywords are the range keywords psad reads only for one protocol.
var protoKeywords = map[string]string{"seq": "tcp", "ack": "tcp", "window": "tcp",
	"itype": "icmp", "icode": "icmp", "icmp_seq": "icmp", "icmp_id": "icmp"}

var (
	ruleRe   = lazyre.New(`^(.*?)\s+\((.*)\)`)
	headerRe = lazyre.New(`^\s*alert\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)`)
	ipv4Re   = lazyre.New(`\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?:/\d+)?`)
)

// readSignatures reads a signatures file; vars are psad.conf's values
// for $NAME references (HOME_NET, HTTP_PORTS...). Rules psad would die
// on are errors; rules it would skip are skipped.
func readSignatures(r io.Reader, vars map[string]string) ([]signature, error) {
	var sigs []signature
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if strings.TrimSpace(l) == "" || strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		m := ruleRe().FindStringSubmatch(l)
		if m == nil {
			return nil, fmt.Errorf("signatures line %d: not a rule", n)
		}
		h := headerRe().FindStringSubmatch(m[1])
		if h == nil {
			return nil, fmt.Errorf("signatures line %d: not a rule header", n)
		}
		opts := m[2]
		s := signature{proto: strings.ToLower(h[1]), dl: 2, ranges: map[string]intRange{}}
		src, dst, sp, dp := h[2], h[5], h[3], h[6]
		if h[4] == "<-" {
			src, dst = dst, src
		}
		s.src, s.dst = expandNets(src, vars), expandNets(dst, vars)
		var err error
		if s.sp, err = parseRange(sp, 1, 65535, vars); err != nil {
			return nil, fmt.Errorf("signatures line %d: %w", n, err)
		}
		if s.dp, err = parseRange(dp, 1, 65535, vars); err != nil {
			return nil, fmt.Errorf("signatures line %d: %w", n, err)
		}
		s.sid = option(opts, "sid")
		if s.sid == "" {
			s.sid = option(opts, "psad_id") // derived from several Snort rules
		}
		if mm := regexp.MustCompile(`msg:\s*"(.+?)"\s*;`).FindStringSubmatch(opts); mm != nil {
			s.msg = mm[1]
		}
		if v := option(opts, "psad_dl"); v != "" {
			s.dl, _ = strconv.Atoi(v)
		}
		for k, b := range rangeKeywords {
			if p, ok := protoKeywords[k]; ok && p != s.proto {
				continue
			}
			if v := option(opts, k); v != "" {
				if s.ranges[k], err = parseRange(v, b[0], b[1], vars); err != nil {
					return nil, fmt.Errorf("signatures line %d: %s: %w", n, k, err)
				}
			}
		}
		s.ipProto = s.proto == "ip" && option(opts, "ip_proto") != ""
		s.opts = option(opts, "ipopts") != ""
		s.sameip = regexp.MustCompile(`[\s;]sameip;`).MatchString(opts)
		if s.proto == "tcp" {
			if f, ok := optionOK(opts, "flags"); ok {
				r := psadFlags(f, regexp.MustCompile(`(?i)[\s;]flow:\s*established\s*;`).MatchString(opts))
				s.flags = &r
			}
		}
		sigs = append(sigs, s)
	}
	return sigs, sc.Err()
}

// option is the value of a rule option key, "" when absent; psad's
// pattern wants a space or a ";" before the key, so "sid" is not found
// in "psad_id".
func option(opts, key string) string {
	v, _ := optionOK(opts, key)
	return v
}

func optionOK(opts, key string) (string, bool) {
	m := regexp.MustCompile(`(?i)[\s;]` + regexp.QuoteMeta(key) + `:\s*(.*?)\s*;`).FindStringSubmatch(" " + opts)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// psadFlags renders a flags: value the way psad's import does, in the
// kernel's order. Its "NULL" needs an N, so flags:0 becomes "", which no
// logged packet's flags ever equal: psad 2.4.6's "SCAN NULL" (sid 623)
// cannot match.
func psadFlags(f string, established bool) string {
	var out []string
	for _, c := range []struct {
		letter, name string
	}{{"U", "URG"}, {"A", "ACK"}, {"P", "PSH"}, {"R", "RST"}, {"S", "SYN"}, {"F", "FIN"}} {
		if strings.Contains(f, c.letter) || c.letter == "A" && established {
			out = append(out, c.name)
		}
	}
	if strings.Contains(f, "N") {
		return "NULL"
	}
	return strings.Join(out, " ")
}

// expandNets reads a rule's address: any (also after expanding a
// variable that is any), or the IPv4 addresses and networks in it.
func expandNets(s string, vars map[string]string) []netip.Prefix {
	if v, ok := strings.CutPrefix(s, "$"); ok {
		s = vars[v]
	}
	if s == "any" || s == "" || strings.Contains(strings.ToUpper(s), "NOT_USED") {
		return []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}
	}
	var out []netip.Prefix
	for _, a := range ipv4Re().FindAllString(s, -1) {
		if !strings.Contains(a, "/") {
			a += "/32"
		}
		if p, err := netip.ParsePrefix(a); err == nil {
			out = append(out, p.Masked())
		}
	}
	return out
}

// parseRange is build_sig_int_range: "any", "N", "N:M", "N:", ":M",
// "<N", "<=N", ">N", ">=N", each perhaps negated with "!".
func parseRange(v string, lo, hi int64, vars map[string]string) (intRange, error) {
	if i := strings.Index(v, "$"); i >= 0 {
		name := strings.TrimRight(v[i+1:], " ;")
		v = v[:i] + vars[name]
	}
	r := intRange{s: lo, e: hi, neg: strings.Contains(v, "!")}
	v = strings.TrimSpace(strings.ReplaceAll(v, "!", ""))
	if v == "any" {
		return r, nil
	}
	num := func(s string) (int64, error) { return strconv.ParseInt(strings.TrimSpace(s), 10, 64) }
	var err error
	switch {
	case strings.HasPrefix(v, "<="):
		r.e, err = num(v[2:])
	case strings.HasPrefix(v, "<"):
		r.e, err = num(v[1:])
		r.e--
	case strings.HasPrefix(v, ">="):
		r.s, err = num(v[2:])
	case strings.HasPrefix(v, ">"):
		r.s, err = num(v[1:])
		r.s++
	case strings.HasPrefix(v, ":"):
		r.e, err = num(v[1:])
	case strings.HasSuffix(v, ":"):
		r.s, err = num(strings.TrimSuffix(v, ":"))
	case strings.Contains(v, ":"):
		a, b, _ := strings.Cut(v, ":")
		if r.s, err = num(a); err == nil {
			r.e, err = num(b)
		}
	default:
		r.s, err = num(v)
		r.e = r.s
	}
	if err != nil {
		return r, fmt.Errorf("unrecognized value %q", v)
	}
	return r, nil
}
