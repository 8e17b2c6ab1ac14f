// Command fieldsummary summarises the probes one source sent in a capture,
// field by field, as a Markdown table row set: it is how
// scripts/compare-nmap-modern.sh puts nmap 2.02 (replayed by siglab) and
// today's nmap side by side. Usage: fieldsummary SRC A.pcap B.pcap
package main

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/render"
)

var zeroTime = time.Time{}

// tsValues hides timestamp values, which change on every packet, so the
// option layout shows.
var tsValues = regexp.MustCompile(`timestamp \d+ \d+`)

// probe is one packet's fields as the table shows them.
type probe map[string]string

var fields = []string{"packets", "IP length", "TTL", "DF", "IP ID", "protocol", "flags", "window", "seq", "ack", "source port", "TCP options", "payload", "ICMP"}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: fieldsummary SRC A.pcap B.pcap")
		os.Exit(2)
	}
	src, err := netip.ParseAddr(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "fieldsummary:", err)
		os.Exit(2)
	}
	a, b := summarize(os.Args[2], src), summarize(os.Args[3], netip.Addr{})
	fmt.Println("| field | nmap 2.02 (siglab) | nmap 7.93 (Debian) |")
	fmt.Println("|---|---|---|")
	for _, f := range fields {
		fmt.Printf("| %s | %s | %s |\n", f, a[f], b[f])
	}
}

// summarize collects the probes sent by src (any lab scanner address when
// src is invalid: 198.18.0.0/24 or netns.ScanNSAddr) to the targets.
func summarize(path string, src netip.Addr) map[string]string {
	c, err := capture.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fieldsummary:", err)
		os.Exit(2)
	}
	vals := map[string][]string{}
	n := 0
	for _, p := range c.Packets {
		ip, err := capture.IPv4(c.LinkType, p.Data)
		if err != nil {
			continue
		}
		from := netip.AddrFrom4([4]byte(ip[12:16]))
		if src.IsValid() && from != src || !src.IsValid() && from != netns.ScanNSAddr {
			continue
		}
		if ip[9] == 6 && len(ip) >= 40 && ip[33]&0x04 != 0 {
			continue // the scanner kernel's resets are not probes
		}
		n++
		for k, v := range fieldsOf(ip) {
			vals[k] = append(vals[k], v)
		}
	}
	out := map[string]string{"packets": fmt.Sprint(n)}
	for k, vs := range vals {
		out[k] = describe(vs)
	}
	return out
}

func fieldsOf(ip []byte) probe {
	ihl := int(ip[0]&0x0f) * 4
	l4 := ip[ihl:]
	f := probe{
		"IP length": fmt.Sprint(binary.BigEndian.Uint16(ip[2:])),
		"TTL":       fmt.Sprint(ip[8]),
		"DF":        map[bool]string{true: "set", false: "clear"}[ip[6]&0x40 != 0],
		"IP ID":     fmt.Sprint(binary.BigEndian.Uint16(ip[4:])),
		"protocol":  map[byte]string{1: "ICMP", 6: "TCP", 17: "UDP"}[ip[9]],
	}
	switch {
	case ip[9] == 6 && len(l4) >= 20:
		line := render.Line(zeroTime, ip, render.Options{})
		f["flags"] = fmt.Sprintf("0x%02x", l4[13])
		f["window"] = fmt.Sprint(binary.BigEndian.Uint16(l4[14:]))
		f["seq"] = fmt.Sprint(binary.BigEndian.Uint32(l4[4:]))
		f["ack"] = fmt.Sprint(binary.BigEndian.Uint32(l4[8:]))
		f["source port"] = fmt.Sprint(binary.BigEndian.Uint16(l4))
		opts := "none"
		if i := strings.Index(line, "<"); i >= 0 {
			opts = "`" + tsValues.ReplaceAllString(line[i:], "timestamp … …") + "`"
		}
		f["TCP options"] = opts
		f["payload"] = fmt.Sprint(len(l4) - int(l4[12]>>4)*4)
	case ip[9] == 17 && len(l4) >= 8:
		f["source port"] = fmt.Sprint(binary.BigEndian.Uint16(l4))
		f["payload"] = fmt.Sprint(int(binary.BigEndian.Uint16(l4[4:])) - 8)
	case ip[9] == 1 && len(l4) >= 8:
		f["ICMP"] = fmt.Sprintf("type %d code %d, %d bytes", l4[0], l4[1], len(l4))
	}
	return f
}

// describe sums up a field's values: one value, a short set, or how many
// distinct values there were.
func describe(vs []string) string {
	set := map[string]int{}
	for _, v := range vs {
		set[v]++
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	switch {
	case len(keys) == 1:
		return keys[0] + " (all)"
	case len(keys) <= 4:
		return strings.Join(keys, ", ")
	case len(keys) == len(vs):
		return fmt.Sprintf("%d distinct values (one per packet)", len(keys))
	}
	top := slices.MaxFunc(keys, func(a, b string) int { return set[a] - set[b] })
	return fmt.Sprintf("%d distinct values; most common %s (%d×)", len(keys), top, set[top])
}
