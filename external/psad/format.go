package psad

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/lazyre"
)

// Format reads what `psad -A --analysis-write-data --no-daemon` prints
// (Analyze's output) into Records of two kinds, both carrying the
// scanning source, the destination and the source's danger level:
//
//   - a signature match of the "IP Status Detail" section, one per source,
//     destination and signature: sid, msg, proto, packets (psad's
//     Count), dp (the last matching packet's destination port), flags
//     (TCP) and chain;
//   - a scan line of the per-destination alert, one per TCP flag set
//     ("TCP flags: [URG PSH FIN: 212 packets, Nmap: -sX]"), one for UDP
//     and one for ICMP: proto, port_range (TCP and UDP, "1-1024" or
//     "80"), flags (TCP, as the kernel orders them, "NULL" for none),
//     packets and scan_type, the nmap option psad names ("-sT or -sS",
//     "-sF", "-sX", "-sN", "-O", "-sU"; "" when it names none).
//
// The key is sid, psad's word for the Snort rule a signature came from,
// so `present: [1228]` asks for "SCAN nmap XMAS"; scan lines have no sid
// and are named by their fields: `{danger_level: 2, flags: "URG PSH
// FIN"}`. A source psad saw but gave no danger level (fewer than
// DANGER_LEVEL1 counted packets and no signature) appears in neither
// section and so gives no Record.
var Format = external.Format{
	Name:   "psad",
	Key:    "sid",
	Fields: []string{"src", "dst", "danger_level", "proto", "port_range", "flags", "scan_type", "packets", "sid", "msg", "dp", "chain"},
	Parse:  Parse,
}

// ErrParse is wrapped by Parse's error for a line of psad's output that
// starts like a record but does not read as one.
var ErrParse = errors.New("psad output")

// The lines Parse reads; psad prints them with printf formats that pad
// the alert's labels to 22 columns.
var (
	srcLine     = lazyre.New(`^SRC:\s+(\S+), DL: (\d+), Dsts: \d+, Pkts: \d+, Total protocols: \d+, Unique sigs: \d+`)
	dstLine     = lazyre.New(`^    DST: (\S+?)(?:,| |$)`)
	sigLine     = lazyre.New(`^\s+Signature match: "(.*)"$`)
	sigDetail   = lazyre.New(`^\s+(TCP|UDP|UDPLITE|ICMP|ICMP6|IP), Chain: (\S+), Count: (\d+)(?:, DP: (\d+))?(?:, ([A-Z ]+|NULL))?, Sid: (\d+)$`)
	dlLine      = lazyre.New(`^\s+Danger level: \[(\d)\] \(out of 5\)`)
	tcpPorts    = lazyre.New(`^\s+Scanned TCP ports: \[(\d+(?:-\d+)?): (\d+) packets\]$`)
	tcpFlags    = lazyre.New(`^\s+(?:TCP flags: )?\[([A-Z ]+): (\d+) packets(?:, (?:Nmap: (.+)|(.+)))?\]$`)
	udpPorts    = lazyre.New(`^\s+Scanned UDP ports: \[(\d+(?:-\d+)?): (\d+) packets, Nmap: (.+)\]$`)
	icmpPackets = lazyre.New(`^\s+icmp packets: \[(\d+)\]$`)
	srcAlert    = lazyre.New(`^\s+Source: (\S+)$`)
	dstAlert    = lazyre.New(`^\s+Destination: (\S+)$`)
)

// alertRule is the line that opens and closes each alert.
const alertRule = "=-=-=-=-=-=-=-=-=-=-=-= "

// Parse reads Analyze's output. Lines outside the two sections (the
// summary counters, psad's progress lines) are skipped; a line that
// begins a record but breaks off gives an error naming its line number,
// with the records before it.
func Parse(r io.Reader) ([]external.Record, error) {
	p := parser{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		p.n++
		if err := p.line(strings.TrimRight(sc.Text(), "\r")); err != nil {
			return p.recs, err
		}
	}
	if err := sc.Err(); err != nil {
		return p.recs, fmt.Errorf("%w: line %d: %w", ErrParse, p.n+1, err)
	}
	if p.sigMsg != "" {
		return p.recs, p.errf("signature %q without its detail line", p.sigMsg)
	}
	if p.alert != nil {
		return p.recs, p.errf("alert without its closing line")
	}
	return p.recs, nil
}

type parser struct {
	n    int
	recs []external.Record
	// the status section: the source and destination being listed
	src, dl, dst string
	sigMsg, raw  string
	// an open alert, whose source and destination come at its end
	alert *alert
}

type alert struct {
	dl, src, dst string
	tcpRange     string
	inFlags      bool // the last line was a "TCP flags:" line or its continuation
	recs         []external.Record
}

func (p *parser) errf(format string, a ...any) error {
	return fmt.Errorf("%w: line %d: %s", ErrParse, p.n, fmt.Sprintf(format, a...))
}

func (p *parser) line(l string) error {
	if strings.HasPrefix(l, alertRule) {
		if p.alert == nil {
			p.alert = &alert{}
			return nil
		}
		return p.closeAlert()
	}
	if p.alert != nil {
		return p.alertLine(l)
	}
	if p.sigMsg != "" {
		m := sigDetail().FindStringSubmatch(l)
		if m == nil {
			return p.errf("signature %q: detail line %q does not read", p.sigMsg, l)
		}
		p.recs = append(p.recs, external.Record{Label: m[6], Raw: p.raw + " " + strings.TrimSpace(l), Fields: nonEmpty(map[string]string{
			"src": p.src, "dst": p.dst, "danger_level": p.dl, "sid": m[6], "msg": p.sigMsg,
			"proto": strings.ToLower(m[1]), "chain": m[2], "packets": m[3], "dp": m[4], "flags": m[5],
		})})
		p.sigMsg = ""
		return nil
	}
	switch {
	case strings.HasPrefix(l, "SRC:"):
		m := srcLine().FindStringSubmatch(l)
		if m == nil || !isAddr(m[1]) {
			return p.errf("source line %q does not read", l)
		}
		p.src, p.dl, p.dst = m[1], m[2], ""
	case strings.HasPrefix(l, "    DST:"):
		m := dstLine().FindStringSubmatch(l)
		if m == nil || !isAddr(m[1]) || p.src == "" {
			return p.errf("destination line %q does not read", l)
		}
		p.dst = m[1]
	case strings.Contains(l, "Signature match:") && p.dst != "":
		m := sigLine().FindStringSubmatch(l)
		if m == nil {
			return p.errf("signature line %q does not read", l)
		}
		p.sigMsg, p.raw = m[1], strings.TrimSpace(l)
	case strings.HasPrefix(l, "[+] "), strings.HasPrefix(l, "    Total scan "):
		p.src, p.dst = "", "" // the detail section ends
	}
	return nil
}

// alertLine reads one line of an open alert.
func (p *parser) alertLine(l string) error {
	a := p.alert
	scan := func(fields map[string]string) {
		a.recs = append(a.recs, external.Record{Raw: strings.TrimSpace(l), Fields: nonEmpty(fields)})
	}
	flagsLine := strings.Contains(l, "TCP flags:") || a.inFlags && strings.HasPrefix(strings.TrimSpace(l), "[") && !strings.HasPrefix(strings.TrimSpace(l), "[+]")
	a.inFlags = flagsLine
	switch {
	case strings.Contains(l, "Danger level:"):
		m := dlLine().FindStringSubmatch(l)
		if m == nil {
			return p.errf("danger level line %q does not read", l)
		}
		a.dl = m[1]
	case strings.Contains(l, "Scanned TCP ports:"):
		m := tcpPorts().FindStringSubmatch(l)
		if m == nil {
			return p.errf("TCP ports line %q does not read", l)
		}
		a.tcpRange = m[1]
	case flagsLine:
		m := tcpFlags().FindStringSubmatch(l)
		if m == nil || a.tcpRange == "" {
			return p.errf("TCP flags line %q does not read", l)
		}
		scan(map[string]string{"proto": "tcp", "port_range": a.tcpRange, "flags": m[1], "packets": m[2], "scan_type": m[3] + m[4]})
	case strings.Contains(l, "Scanned UDP ports:"):
		m := udpPorts().FindStringSubmatch(l)
		if m == nil {
			return p.errf("UDP ports line %q does not read", l)
		}
		scan(map[string]string{"proto": "udp", "port_range": m[1], "packets": m[2], "scan_type": m[3]})
	case strings.Contains(l, "icmp packets:"):
		m := icmpPackets().FindStringSubmatch(l)
		if m == nil {
			return p.errf("ICMP line %q does not read", l)
		}
		scan(map[string]string{"proto": "icmp", "packets": m[1]})
	case strings.Contains(l, "Source:"):
		m := srcAlert().FindStringSubmatch(l)
		if m == nil || !isAddr(m[1]) {
			return p.errf("alert source line %q does not read", l)
		}
		a.src = m[1]
	case strings.Contains(l, "Destination:"):
		m := dstAlert().FindStringSubmatch(l)
		if m == nil || !isAddr(m[1]) {
			return p.errf("alert destination line %q does not read", l)
		}
		a.dst = m[1]
	}
	return nil
}

// closeAlert ends the open alert: its scan lines become Records.
func (p *parser) closeAlert() error {
	a := p.alert
	p.alert = nil
	if a.src == "" || a.dst == "" || a.dl == "" {
		return p.errf("alert without its danger level, source or destination")
	}
	for _, r := range a.recs {
		r.Fields["src"], r.Fields["dst"], r.Fields["danger_level"] = a.src, a.dst, a.dl
		p.recs = append(p.recs, r)
	}
	return nil
}

func isAddr(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

// nonEmpty drops the fields a line did not have (a UDP match has no
// flags), so a Record holds only what psad said.
func nonEmpty(f map[string]string) map[string]string {
	for k, v := range f {
		if v == "" {
			delete(f, k)
		}
	}
	return f
}
