package formats

import (
	"errors"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/lazyre"
)

// snortFastFields are the alert_fast fields, in line order. Where a part
// is the same thing as an eve field it has eve's name (timestamp,
// in_iface, proto, src_ip, src_port, dest_ip, dest_port; gid and rev are
// named alike in both); the rest keep Snort's own words: sid, msg,
// classification, priority, and action for the [Drop] or [WDrop] mark.
var snortFastFields = []string{
	"timestamp", "action", "gid", "sid", "rev", "in_iface", "msg",
	"classification", "priority", "proto", "src_ip", "src_port", "dest_ip", "dest_port",
}

func snortFastFormat() external.Format {
	return external.Format{
		Name:   SnortFast,
		Key:    "sid",
		Fields: append([]string(nil), snortFastFields...),
		Parse:  func(r io.Reader) ([]external.Record, error) { return parseLines(r, parseSnortFast) },
	}
}

// fastHead is an alert_fast line up to its message (Snort 2.9
// spo_alert_fast.c AlertFast): the timestamp as util.c ts_print writes it
// ("%02d/%02d-%02d:%02d:%02d.%06u ", with -y "%02d/%02d/%02d-..." month,
// day, year) and its trailing space, " [Drop]" or " [WDrop]" when the
// packet was or would have been dropped inline, " [**] ", then
// "[gid:sid:rev] ". The spacing is exact: it is what tells Snort 2's
// lines from Snort 3's alert_fast (one space after the timestamp, the
// message in quotes), which this format does not read.
var fastHead = lazyre.New(`^(\d{2}/\d{2}(?:/\d{2})?-\d{2}:\d{2}:\d{2}\.\d{6}) (?: \[(Drop|WDrop)\])? \[\*\*\] \[(\d{1,10}):(\d{1,10}):(\d{1,10})\] `)

// Snort's obfuscated addresses (-O, util.c ObfuscateIpToText without an
// obfuscation network), which stand where an address would.
const (
	obfuscated4 = "xxx.xxx.xxx.xxx"
	obfuscated6 = "x:x:x:x::x:x:x:x"
)

// parseSnortFast reads one alert_fast line:
//
//	MM/DD-HH:MM:SS.uuuuuu  [**] [gid:sid:rev] msg [**] [Classification: c] [Priority: n] {PROTO} src:sport -> dst:dport
//
// After the rule number comes " <iface> " when Snort runs with -I, then
// the message and " [**] " (just "[**] " for an event without one). The
// rest is written only for an IP packet (log_text.c LogPriorityData,
// then the protocol name and LogIpAddrs): the classification when the
// rule has one, the priority, the protocol as getprotobynumber names it
// in capitals ("TCP", "IPV6-ICMP", "PROTO:255" for a number without a
// name, as sfPortscan's pseudo-packets carry), and the addresses, with
// ports only for TCP and UDP that are not fragments. alert_fast writes
// no references ([Xref => ...] is alert_full's).
func parseSnortFast(line string) (external.Record, bool, error) {
	m := fastHead().FindStringSubmatchIndex(line)
	if m == nil {
		return external.Record{}, false, syntaxf("not an alert_fast line (timestamp, [**], [gid:sid:rev]): %s", excerpt(line))
	}
	sub := func(i int) string { return line[m[2*i]:m[2*i+1]] }
	f := map[string]string{"timestamp": sub(1), "gid": sub(3), "sid": sub(4), "rev": sub(5)}
	if m[4] >= 0 {
		f["action"] = sub(2)
	}
	rest := line[m[1]:]

	// -I: "[gid:sid:rev] " then " <iface> ", hence the second space.
	if strings.HasPrefix(rest, " <") {
		name, after, ok := strings.Cut(rest[2:], "> ")
		if !ok || name == "" {
			return external.Record{}, false, syntaxf("unclosed <interface> after the rule number: %s", excerpt(line))
		}
		f["in_iface"], rest = name, after
	}

	var tail string
	switch {
	case strings.HasPrefix(rest, "[**] ") || rest == "[**]":
		tail = strings.TrimPrefix(strings.TrimPrefix(rest, "[**]"), " ") // no message
	default:
		// The message is the rule's own text; the tail is Snort's, so the
		// last " [**] " ends the message.
		i := strings.LastIndex(rest, " [**] ")
		if i < 0 {
			if !strings.HasSuffix(rest, " [**]") { // a non-IP event, its trailing space trimmed
				return external.Record{}, false, syntaxf("no [**] after the message: %s", excerpt(line))
			}
			i = len(rest) - len(" [**]")
			f["msg"], tail = rest[:i], ""
			break
		}
		f["msg"], tail = rest[:i], rest[i+len(" [**] "):]
	}
	if err := parseFastTail(tail, f); err != nil {
		return external.Record{}, false, syntaxf("%v: %s", err, excerpt(line))
	}
	return external.Record{Label: f["sid"], Fields: f}, true, nil
}

// parseFastTail reads what follows the message's " [**] ":
// "[Classification: c] [Priority: n] {PROTO} addresses", each part
// optional in that order.
func parseFastTail(tail string, f map[string]string) error {
	if rest, ok := strings.CutPrefix(tail, "[Classification: "); ok {
		c, after, ok := strings.Cut(rest, "] ")
		if !ok {
			return errors.New("unclosed [Classification: ...]")
		}
		f["classification"], tail = c, after
	}
	if rest, ok := strings.CutPrefix(tail, "[Priority: "); ok {
		p, after, ok := strings.Cut(rest, "] ")
		if !ok || !isDigits(p) {
			return errors.New("[Priority: n] without a number")
		}
		f["priority"], tail = p, after
	}
	if tail == "" {
		return nil // not an IP packet: Snort writes no protocol or addresses
	}
	rest, ok := strings.CutPrefix(tail, "{")
	if !ok {
		return errors.New("unexpected text after [**] (want [Classification: ...], [Priority: n] or {PROTO})")
	}
	proto, addrs, ok := strings.Cut(rest, "} ")
	if !ok || proto == "" {
		return errors.New("unclosed {PROTO}")
	}
	f["proto"] = proto
	src, dst, ok := strings.Cut(addrs, " -> ")
	if !ok {
		return errors.New("no \"src -> dst\" after {PROTO}")
	}
	return fastAddrs(proto, src, dst, f)
}

// fastAddrs reads LogIpAddrs's two ends: "addr:port" for TCP and UDP
// (the address printed by inet_ntoax, IPv6 without brackets, hence the
// last colon), "addr" for other protocols and for fragments, which have
// no ports to print. An IPv6 TCP or UDP fragment whose last group could
// be a port is read as address and port: Snort's text does not tell
// them apart.
func fastAddrs(proto, src, dst string, f map[string]string) error {
	if proto == "TCP" || proto == "UDP" {
		sa, sp, sok := splitAddrPort(src)
		da, dp, dok := splitAddrPort(dst)
		if sok && dok {
			f["src_ip"], f["src_port"], f["dest_ip"], f["dest_port"] = sa, sp, da, dp
			return nil
		}
		if sok != dok {
			return errors.New("a port on one end of \"src -> dst\" only")
		}
	}
	if !fastAddr(src) || !fastAddr(dst) {
		return errors.New("\"src -> dst\" is not two addresses")
	}
	f["src_ip"], f["dest_ip"] = src, dst
	return nil
}

// splitAddrPort splits "addr:port" at the last colon.
func splitAddrPort(s string) (addr, port string, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", "", false
	}
	addr, port = s[:i], s[i+1:]
	if !fastAddr(addr) || !isDigits(port) {
		return "", "", false
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || strconv.FormatUint(n, 10) != port {
		return "", "", false // not how %d prints a port
	}
	return addr, port, true
}

// fastAddr reports whether s is an address as Snort prints one.
func fastAddr(s string) bool {
	if s == obfuscated4 || s == obfuscated6 {
		return true
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}
