package detector

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

const labelOSDetect = "osdetect"

// Outcomes of OS detection against one target, as the wire shows them.
const (
	outcomeFingerprinted = "fingerprinted" // one attempt, open-port tests included: nmap matched at once
	outcomeNoOpenPort    = "no-open-port"  // only closed-port tests: nmap knew no open port
	outcomeRetried       = "retried"       // several attempts with open-port tests: no match at first
)

// osTarget is what one source's OS detection did to one target.
type osTarget struct {
	target   ipAddr
	gen      uint8
	attempts []osAttempt
	outcome  string
}

// analyzeOSDetect reports OS fingerprinting, one finding per target:
// the generation of the battery (nmap 2.0x's T1-T7+PU, or today's), the
// outcome and the number of attempts, each attempt being one sequence
// base (nmap draws a new one per attempt, and 2.0x a new closed port).
func analyzeOSDetect(a *analysis) {
	if a.src.os == nil {
		return
	}
	byTarget := map[ipAddr][]osAttempt{}
	for _, at := range a.src.os.attempts {
		byTarget[at.target] = append(byTarget[at.target], at)
	}
	keys := slices.SortedFunc(mapKeys(byTarget), func(x, y ipAddr) int { return x.compare(y) })
	for _, t := range keys {
		ot := osTarget{target: t, attempts: byTarget[t], gen: byTarget[t][0].gen}
		ot.outcome = outcome(ot.attempts)
		a.os = append(a.os, ot)
		a.out = append(a.out, osFinding(a, ot))
	}
}

func outcome(as []osAttempt) string {
	open := slices.ContainsFunc(as, func(at osAttempt) bool { return at.tests&openTests != 0 })
	switch {
	case !open:
		return outcomeNoOpenPort
	case len(as) > 1:
		return outcomeRetried
	}
	return outcomeFingerprinted
}

func osFinding(a *analysis, ot osTarget) Finding {
	as := ot.attempts
	gen := "nmap-1"
	if ot.gen == 2 {
		gen = "nmap-2"
	}
	f := Finding{
		Label: labelOSDetect, Scanner: a.scanner, Targets: targetsOfAddrs(ot.target),
		First: ts(as[0].first), Last: ts(as[len(as)-1].last),
		Attrs: map[string]string{"generation": gen, "outcome": ot.outcome, "attempts": strconv.Itoa(len(as))},
	}
	ports := map[uint16]bool{}
	for _, at := range as {
		f.Packets += int(at.probes)
		ports[at.openPort], ports[at.closedPort] = true, true
	}
	delete(ports, 0)
	f.Ports = len(ports)
	if ot.gen == 2 {
		f.Evidence = append(f.Evidence, "TCP probes carry today's nmap option lists (timestamp value 0xFFFFFFFF; the ECN probe's WS 10, NOP, MSS 1460, SACK, NOP, NOP)")
	} else {
		f.Evidence = append(f.Evidence, "T1-T7 carry nmap 2.0x's 20-byte option block: WS 10, NOP, MSS 265, timestamp 0x3F3F3F3F/0, EOL, EOL")
		if slices.ContainsFunc(as, func(at osAttempt) bool { return at.tests&testT1 != 0 }) {
			f.Evidence = append(f.Evidence, "T1 is a SYN with the reserved 0x40 bit set (nmap 1998's bogus flag)")
		}
	}
	for i, at := range as {
		if i == maxTargetLines {
			f.Evidence = append(f.Evidence, fmt.Sprintf("and %d more attempts", len(as)-i))
			break
		}
		f.Evidence = append(f.Evidence, attemptLine(i+1, at))
	}
	if pu := puLine(as); pu != "" {
		f.Evidence = append(f.Evidence, pu)
	}
	switch ot.outcome {
	case outcomeNoOpenPort:
		f.Evidence = append(f.Evidence, "no open-port tests (T1-T4): nmap knew no open port on this host")
	case outcomeRetried:
		f.Evidence = append(f.Evidence, fmt.Sprintf("no match at first: nmap tried again, with a new sequence base each time (%s)", ot.spacing()))
	default:
		f.Evidence = append(f.Evidence, "one attempt with the open-port tests: nmap stopped after it")
	}
	if len(as) > 1 && ot.outcome == outcomeNoOpenPort {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%d attempts, each with a new sequence base (%s)", len(as), ot.spacing()))
	}
	return f
}

// spacing says how far apart the attempts started and which closed
// ports they used.
func (ot osTarget) spacing() string {
	as := ot.attempts
	gap := (as[len(as)-1].first - as[0].first) / int64(len(as)-1)
	var ports []string
	for _, at := range as {
		if p := strconv.Itoa(int(at.closedPort)); at.closedPort != 0 && !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	s := fmt.Sprintf("%s apart", seconds(gap))
	switch {
	case len(ports) == 1:
		s += ", closed port " + ports[0] + " each time"
	case len(ports) > 1:
		s += ", closed ports " + strings.Join(ports, ", ")
	}
	return s
}

// attemptLine lists the tests of one attempt and the ports they went to.
func attemptLine(n int, at osAttempt) string {
	var parts []string
	if t := testNames(at.tests&openTests, at.gen); t != "" {
		parts = append(parts, fmt.Sprintf("%s to open port %d", t, at.openPort))
	}
	if t := testNames(at.tests&^openTests, at.gen); t != "" {
		parts = append(parts, fmt.Sprintf("%s to closed port %d", t, at.closedPort))
	}
	return fmt.Sprintf("attempt %d at %s: %s; sequence base %d", n, ts(at.first).Format("15:04:05.000000"), strings.Join(parts, ", "), at.base)
}

// testNames spells a test set in the battery's order.
func testNames(tests uint16, gen uint8) string {
	names := []string{"T1", "T2", "T3", "T4", "T5", "T6", "T7", "PU", "SEQ", "ECN", "IE"}
	if gen == 2 {
		names[7] = "U1"
	}
	var out []string
	for i, n := range names {
		if tests&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return strings.Join(out, " ")
}

// puLine describes the UDP probe: its repeated byte and IP ID.
func puLine(as []osAttempt) string {
	var with []osAttempt
	for _, at := range as {
		if at.tests&testPU != 0 {
			with = append(with, at)
		}
	}
	if len(with) == 0 {
		return ""
	}
	at := with[0]
	name := "PU"
	if at.gen == 2 {
		name = "U1"
	}
	s := fmt.Sprintf("%s: a 300-byte UDP datagram of %q (0x%02x) to the closed port", name, rune(at.puByte), at.puByte)
	if !at.target.is4() {
		return s // IPv6 has no IP ID
	}
	s += fmt.Sprintf(", IP ID %d", at.puID)
	if len(with) > 1 && !slices.ContainsFunc(with, func(x osAttempt) bool { return x.puID != at.puID }) {
		s += " in every attempt"
	}
	return s
}

func targetsOfAddrs(ts ...ipAddr) []netip.Addr {
	out := make([]netip.Addr, len(ts))
	for i, t := range ts {
		out[i] = netAddr(t)
	}
	return out
}
