package detector

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/siglab/siglab/wire"
)

const labelNmap20x = "tool.nmap-2.0x"

// analyzeNmap20x recognises nmap 2.0x (1998-99) by what its packet
// builders kept constant, technique by technique, and reports one finding
// with the evidence of every technique that matched:
//   - SYN scan: no TCP options (40-byte SYNs), ack 0, a window of
//     1024*((TTL%4)+1) shared by every probe of the process, and one ISN
//     per target host on every first try, usually from one source port;
//   - FIN, Xmas, Null and Maimon (FIN|ACK) scans: the same, with seq
//     and ack 0;
//   - UDP scan: empty datagrams from one source port, one TTL;
//   - ping: ACKs with ack 0 and seq ≡ 3 mod 8, echo requests of 8 bytes
//     with one identifier and little-endian sequence numbers;
//   - OS detection: the first-generation battery (T1-T7 option block).
//
// Today's nmap sends an MSS option on its SYNs, a random seq on FIN probes
// and a new TTL on every packet, so none of these rules match it.
func analyzeNmap20x(a *analysis) {
	if !a.src.addr.is4() {
		return // nmap 2.0x spoke IPv4 only: its templates on IPv6 are another tool's
	}
	var t toolEvidence
	nmap20xSYN(a, &t)
	for _, k := range []probeKind{kindFIN, kindXmas, kindNull, kindMaimon} {
		nmap20xStealth(a, &t, k)
	}
	nmap20xUDP(a, &t)
	nmap20xPing(a, &t)
	nmap20xOS(a, &t)
	if !t.fired {
		return
	}
	f := t.finding(labelNmap20x, a.scanner)
	f.Attrs = map[string]string{"version": "2.0x"}
	if t.window != 0 {
		f.Attrs["window"] = strconv.Itoa(int(t.window))
	}
	if t.ttl != 0 {
		f.Attrs["ttl"] = strconv.Itoa(int(t.ttl))
	}
	a.out = append(a.out, f)
}

// windows20x are the windows nmap 2.0x's send_tcp_raw could pick.
func window20x(w uint16) bool { return w == 1024 || w == 2048 || w == 3072 || w == 4096 }

// nmap20xSYN is the SYN scan rule.
func nmap20xSYN(a *analysis, t *toolEvidence) {
	if a.syn == nil {
		return
	}
	g := a.isnGroups()
	if g.probes() < a.cfg.MinScanPorts || !nmap20xShape(g.all) {
		nmap20xSYNProcesses(a, t)
		return
	}
	t.fire(g.all...)
	w := g.all[0].window
	loTTL, hiTTL := ttlRange(g.all)
	t.setWT(w, hiTTL)
	t.add("no TCP options (40-byte SYNs)",
		fmt.Sprintf("window %d on every probe", w),
		"ack 0 on every probe")
	t.add(g.isnLines()...)
	t.add(sportLine(g.all))
	if all(g.all, func(f *flow) bool { return f.has(fragmented) }) && w == 2048 {
		t.add(fmt.Sprintf("TTL %d at the sensor; window 2048 is the one nmap 2.0x's -f path (send_small_fragz) fixes", hiTTL))
	} else {
		t.add(ttlLine(loTTL, hiTTL, w))
	}
	fragLine(a, t)
}

// nmap20xSYNProcesses supports the other rules when the SYNs have nmap
// 2.0x's shape but no shared ISN: several processes probing a port or
// two each, as in the FAQ's "exploits plus" script. Such SYNs alone are
// not enough to name the tool.
func nmap20xSYNProcesses(a *analysis, t *toolEvidence) {
	var fs []*flow
	for _, run := range a.syn.byTarget {
		fs = append(fs, run...)
	}
	if !nmap20xProbes(fs) {
		return
	}
	t.include(fs...)
	t.add(fmt.Sprintf("%s without options, with ack 0 and window %s: nmap 2.0x's SYN probe, from %s and %s (one per process)",
		plural(len(fs), "SYN"), windowList(fs), plural(distinct(fs, func(f *flow) uint16 { return f.sport }), "source port"), plural(distinct(fs, func(f *flow) uint32 { return f.seq }), "ISN")))
}

// nmap20xStealth is the FIN/Xmas/Null rule: seq 0 and ack 0 (send_tcp_raw
// draws a sequence number only for SYNs), no options, one window and one
// TTL for the process.
func nmap20xStealth(a *analysis, t *toolEvidence, k probeKind) {
	fs := a.stealth[k]
	if len(fs) == 0 || !all(fs, func(f *flow) bool {
		return f.seq == 0 && f.ack == 0 && f.optClass == optNone && f.ipLen == 40 && f.window == fs[0].window && f.ttl == fs[0].ttl && !f.has(ttlChanged)
	}) || !window20x(fs[0].window) || fs[0].ttl > maxSenderTTL {
		return
	}
	t.fire(fs...)
	name := map[probeKind]string{kindFIN: "FIN", kindXmas: "FIN|PSH|URG", kindNull: "flagless", kindMaimon: "FIN|ACK"}[k]
	t.setWT(fs[0].window, fs[0].ttl)
	t.add(fmt.Sprintf("%s probes with seq 0 and ack 0 and no options: nmap 2.0x draws a sequence number only for SYNs", name),
		fmt.Sprintf("window %d on every probe", fs[0].window),
		ttlLine(fs[0].ttl, fs[0].ttl, fs[0].window))
	fragLine(a, t)
}

// nmap20xUDP is the UDP scan rule: empty datagrams from the run's base
// port (retries from the next), one TTL for all.
func nmap20xUDP(a *analysis, t *toolEvidence) {
	fs := a.udp
	if len(fs) == 0 || !all(fs, func(f *flow) bool {
		return f.payLen == 0 && f.ipLen == 28 && f.ttl == fs[0].ttl && !f.has(ttlChanged)
	}) || fs[0].ttl > maxSenderTTL {
		return
	}
	sport, n := modal(fs, func(f *flow) uint16 { return f.sport })
	if 10*n < 9*len(fs) {
		return
	}
	t.fire(fs...)
	t.setWT(0, fs[0].ttl)
	t.add(fmt.Sprintf("empty datagrams (IP length 28) from source port %d on %d of %d first tries", sport, n, len(fs)),
		fmt.Sprintf("TTL %d on every datagram: one per process, where today's nmap draws one per packet", fs[0].ttl))
	if ps := modernUDPPorts(fs); ps != "" {
		t.add("empty datagrams even to " + ps + ", where today's nmap sends a protocol payload")
	}
}

// nmap20xPing is the massping rule: ACKs with ack 0 and seq ≡ 3 mod 8
// ((rand<<19)+((host*5+try)<<3)+3) from M+20+try, and echo requests of 8
// bytes sharing one identifier, whose sequence numbers host*5+try are
// written in the sender's little-endian order.
func nmap20xPing(a *analysis, t *toolEvidence) {
	var pings []*flow
	for _, f := range a.flowsOf(kindACK) {
		if f.ack == 0 && f.seq&7 == 3 && f.optClass == optNone && window20x(f.window) {
			pings = append(pings, f)
		}
	}
	if len(pings) > 0 {
		t.add(fmt.Sprintf("TCP ACK ping to port %d of %s with ack 0 and seq ≡ 3 mod 8 (low bits 011), from %s: nmap 2.0x's massping",
			pings[0].port, plural(len(targetsOf(pings)), "host"), sportsText(pings)))
		t.include(pings...)
		if len(pings) >= 2 {
			t.fire()
			t.setWT(pings[0].window, pings[0].ttl)
		}
	}
	echo := a.flowsOf(kindEcho)
	if len(echo) < 2 || !all(echo, func(f *flow) bool { return f.payLen == 0 && f.sport == echo[0].sport }) {
		return
	}
	for _, f := range echo {
		if seq := uint16(f.seq); seq != 0 && seq&0xff == 0 {
			t.fire(echo...)
			t.add(fmt.Sprintf("ICMP echo requests of 8 bytes with one identifier (%d) to %s, sequence numbers in little-endian byte order (%d is %d byte-swapped: host*5+try)",
				f.sport, plural(len(echo), "host"), seq, bswap16(seq)))
			return
		}
	}
}

// nmap20xOS is the OS detection rule: the first-generation battery.
func nmap20xOS(a *analysis, t *toolEvidence) {
	for _, ot := range a.os {
		if ot.gen != 1 {
			continue
		}
		t.fire()
		for _, at := range ot.attempts {
			t.attempt(at)
			t.setWT(at.window, at.ttl)
		}
		at := ot.attempts[0]
		t.add("OS detection with nmap 2.0x's first-generation battery: T1-T7 with the option block WS 10, NOP, MSS 265, timestamp 0x3F3F3F3F/0, EOL, EOL")
		if window20x(at.window) {
			t.add(fmt.Sprintf("window %d on the OS probes; %s", at.window, ttlLine(at.ttl, at.ttl, at.window)))
		}
		if at.tests&testPU != 0 && at.puByte >= 'A' && at.puByte <= '|' {
			t.add(fmt.Sprintf("PU datagram of 300 %q bytes: nmap 2.0x's per-run pattern byte ('A'..'|')", rune(at.puByte)))
		}
	}
}

// fragLine adds what -f's fragments look like, when the probes came so.
func fragLine(a *analysis, t *toolEvidence) {
	fr := a.src.frags
	if fr.tiny > 0 && fr.minFirst == 16 && fr.maxN == 2 {
		t.add("each probe split into 16 + 4 TCP bytes (IP lengths 36 and 24): nmap 2.0x's -f; today's nmap cuts 8-byte fragments")
	}
}

// modernUDPPorts names the probed ports to which today's nmap sends a
// protocol payload (nmap-payloads), "" when none was probed.
func modernUDPPorts(fs []*flow) string {
	var ps []string
	for _, p := range []uint16{7, 53, 67, 69, 111, 123, 137, 161} {
		if slices.ContainsFunc(fs, func(f *flow) bool { return f.port == p }) {
			ps = append(ps, strconv.Itoa(int(p)))
		}
	}
	switch len(ps) {
	case 0:
		return ""
	case 1:
		return "port " + ps[0]
	}
	return "ports " + strings.Join(ps, ", ")
}

// sportsText: "source port 55020" or "source ports 55020..55022".
func sportsText(fs []*flow) string {
	if lo, hi := sportSpan(fs); lo != hi {
		return fmt.Sprintf("source ports %d..%d", lo, hi)
	}
	return fmt.Sprintf("source port %d", fs[0].sport)
}

func sportSpan(fs []*flow) (lo, hi uint16) {
	lo, hi = fs[0].sport, fs[0].sport
	for _, f := range fs {
		lo, hi = min(lo, f.sport), max(hi, f.sport)
	}
	return lo, hi
}

// isnGroup is, for one target, the first-try probes sharing its most
// common ISN, and how many probes went to that target in all.
type isnGroup struct {
	flows []*flow
	of    int
}

type isnGroupSet struct {
	targets []isnGroup
	all     []*flow
}

func (g isnGroupSet) probes() int { return len(g.all) }

// isnGroups finds, per target, the ISN repeated across the probes. A
// target counts when at least two probes, and more than half of all its
// probes, carry it: nmap 2.0x draws one ISN per host, and its OS-detection
// probes (other ISNs, other flags) are the minority.
func isnGroups(byTarget [][]*flow) isnGroupSet {
	var gs isnGroupSet
	total := 0
	for _, run := range byTarget {
		total += len(run)
	}
	gs.all = make([]*flow, 0, total)
	for _, run := range byTarget {
		seq, n := majorityISN(run)
		if n < 2 || 2*n <= len(run) {
			continue
		}
		start := len(gs.all)
		for _, f := range run {
			if f.flags == wire.FlagSYN && f.seq == seq {
				gs.all = append(gs.all, f)
			}
		}
		gs.targets = append(gs.targets, isnGroup{flows: gs.all[start:len(gs.all):len(gs.all)], of: len(run)})
	}
	return gs
}

// majorityISN returns the ISN that more than half of run's probes carry
// as plain SYNs, and how many carry it (0 when none does). It is Boyer
// and Moore's majority vote: probes other than plain SYNs vote against
// every ISN; no map, no allocation, one pass plus the count.
func majorityISN(run []*flow) (seq uint32, n int) {
	votes, valid := 0, false
	for _, f := range run {
		plain := f.flags == wire.FlagSYN
		switch {
		case votes == 0:
			seq, valid, votes = f.seq, plain, 1
		case valid && plain && f.seq == seq:
			votes++
		default:
			votes--
		}
	}
	if !valid {
		return 0, 0
	}
	return seq, count(run, func(f *flow) bool { return f.flags == wire.FlagSYN && f.seq == seq })
}

// nmap20xShape checks the features send_tcp_raw fixed for every probe
// of one process: no options, ack 0, one window of the four.
func nmap20xShape(fs []*flow) bool {
	return nmap20xProbes(fs) && all(fs, func(f *flow) bool { return f.window == fs[0].window })
}

// windowList names the windows of fs, in increasing order: "1024" or
// "1024 or 4096".
func windowList(fs []*flow) string {
	var ws []string
	for w := uint16(1024); w <= 4096; w += 1024 {
		if slices.ContainsFunc(fs, func(f *flow) bool { return f.window == w }) {
			ws = append(ws, strconv.Itoa(int(w)))
		}
	}
	return strings.Join(ws, " or ")
}

// nmap20xProbes is nmap20xShape for probes of several processes: each
// process draws its own TTL and so its own window (1024 x (TTL%4 + 1)),
// so only the shape of each probe is common.
func nmap20xProbes(fs []*flow) bool {
	return all(fs, func(f *flow) bool {
		return f.optLen == 0 && f.ipLen == 40 && f.ack == 0 && window20x(f.window)
	})
}

func (g isnGroupSet) isnLines() []string {
	var ev []string
	for i, t := range g.targets {
		if i == maxTargetLines {
			ev = append(ev, fmt.Sprintf("one ISN per host on %d more targets", len(g.targets)-i))
			break
		}
		f := t.flows[0]
		if len(t.flows) == t.of {
			ev = append(ev, fmt.Sprintf("all probes carry ISN %d (%s to %s)", f.seq, plural(t.of, "SYN"), netAddr(f.target)))
		} else {
			ev = append(ev, fmt.Sprintf("%d of %d probes to %s carry ISN %d", len(t.flows), t.of, netAddr(f.target), f.seq))
		}
	}
	return ev
}

// sportLine describes the source ports; nmap 2.0x sends every first try
// from its per-run base port.
func sportLine(fs []*flow) string {
	p, n := modal(fs, func(f *flow) uint16 { return f.sport })
	switch {
	case n == len(fs):
		return fmt.Sprintf("fixed source port %d on %s", p, plural(n, "SYN"))
	case 2*n > len(fs):
		return fmt.Sprintf("source port %d on %d of %d SYNs", p, n, len(fs))
	default:
		return fmt.Sprintf("source ports vary (%d on at most %d of %d SYNs)", p, n, len(fs))
	}
}

// firstTries returns the times of the first and last first-try probe.
func firstTries(fs []*flow) (first, last time.Time) {
	lo, hi := fs[0].first, fs[0].first
	for _, f := range fs {
		lo, hi = min(lo, f.first), max(hi, f.first)
	}
	return ts(lo), ts(hi)
}

func ttlRange(fs []*flow) (lo, hi uint8) {
	lo, hi = fs[0].ttl, fs[0].ttl
	for _, f := range fs {
		lo, hi = min(lo, f.ttl), max(hi, f.ttl)
	}
	return lo, hi
}

// nmap 2.0x's sender TTLs: 51..64 in 2.01, 37..59 in 2.05.
const minSenderTTL, maxSenderTTL = 37, 64

// ttlLine relates the TTL seen at the sensor to the window: nmap 2.0x
// sent W = 1024*((TTL%4)+1), so the sender's TTL is fixed mod 4 and the
// hop count is whatever brings the sensor's TTL up to it. The smallest
// fitting sender TTL is given as the example; no hop count is required.
func ttlLine(lo, hi uint8, w uint16) string {
	seen := fmt.Sprintf("TTL %d at the sensor", hi)
	if lo != hi {
		seen = fmt.Sprintf("TTL %d-%d at the sensor", lo, hi)
	}
	k := int(w/1024) - 1
	tie := fmt.Sprintf("nmap 2.0x ties window %d to a sender TTL ≡ %d mod 4", w, k)
	s := max(int(hi), minSenderTTL)
	for s%4 != k {
		s++
	}
	if s > maxSenderTTL {
		return fmt.Sprintf("%s; %s, but no sender TTL nmap 2.0x picks (%d..%d) fits", seen, tie, minSenderTTL, maxSenderTTL)
	}
	return fmt.Sprintf("%s; %s (e.g. %d at %s)", seen, tie, s, plural(s-int(hi), "hop"))
}
