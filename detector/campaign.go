package detector

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The FAQ's campaign shapes: patterns across many probes, or across
// several nmap processes on one host, that no single technique label
// describes.
const (
	labelRandomScan    = "campaign.random-scan"
	labelExploitsPlus  = "campaign.exploits-plus"
	labelSweepThenScan = "campaign.sweep-then-scan"
)

// minRandomScanPorts is how many ports a "random scan" touches at least:
// the FAQ's figure 1 is nmap's default list of over a thousand ports.
const minRandomScanPorts = 20

// exploitedPorts are the much-exploited services an "exploits plus" run
// aims at: the FAQ's script (netbus 12345, imap 143, mountd 635, domain
// 53, back orifice 31337) and the other favourites of 1998-99.
var exploitedPorts = map[uint16]string{
	21: "ftp", 23: "telnet", 25: "smtp", 53: "domain", 79: "finger", 80: "www",
	110: "pop3", 111: "sunrpc", 139: "netbios-ssn", 143: "imap", 635: "mountd",
	1080: "socks", 1524: "ingreslock", 2049: "nfs", 6000: "x11",
	12345: "netbus", 12346: "netbus", 20034: "netbus-2", 31337: "back-orifice",
}

// analyzeCampaigns runs after the techniques and OS detection, whose
// results the shapes are made of.
func analyzeCampaigns(a *analysis) {
	campaignRandomScan(a)
	campaignExploitsPlus(a)
	campaignSweepThenScan(a)
}

// osAfter returns the OS-detection attempts against target that started
// no earlier than at: a campaign "ends in" fingerprinting.
func osAfter(a *analysis, target ipAddr, at int64) []osAttempt {
	for _, ot := range a.os {
		if ot.target == target && ot.attempts[0].first >= at {
			return ot.attempts
		}
	}
	return nil
}

// portsFirstSeen returns fs's ports in the order their first probes went
// out.
func portsFirstSeen(fs []*flow) []uint16 {
	byTime := slices.Clone(fs)
	slices.SortStableFunc(byTime, func(x, y *flow) int {
		switch {
		case x.first < y.first:
			return -1
		case x.first > y.first:
			return 1
		}
		return 0
	})
	ps := make([]uint16, len(byTime))
	for i, f := range byTime {
		ps[i] = f.port
	}
	return ps
}

// shuffled reports whether ports went out in no sorted order: fewer than
// three in four steps go up, and fewer than three in four go down.
func shuffled(ps []uint16) bool {
	up := 0
	for i := 1; i < len(ps); i++ {
		if ps[i] > ps[i-1] {
			up++
		}
	}
	steps := len(ps) - 1
	return steps > 0 && 4*up < 3*steps && 4*(steps-up) < 3*steps
}

// contiguous reports whether the ports form one range without a hole.
func contiguous(fs []*flow) bool {
	lo, hi := fs[0].port, fs[0].port
	for _, f := range fs {
		lo, hi = min(lo, f.port), max(hi, f.port)
	}
	return int(hi)-int(lo)+1 == distinctPorts(fs)
}

// campaignRandomScan is the FAQ's figure 1: one process (one source port
// and one ISN on every first try) sending SYNs to scattered ports (not
// one range) in shuffled order, then fingerprinting the target. A
// range scan such as -p1-25 is a plain SYN scan, not this shape.
func campaignRandomScan(a *analysis) {
	if a.syn == nil {
		return
	}
	var fired []*flow
	var ev []string
	var targets []ipAddr
	for _, g := range a.isnGroups().targets {
		fs := g.flows
		sport, n := modal(fs, func(f *flow) uint16 { return f.sport })
		if len(fs) < minRandomScanPorts || 10*len(fs) < 9*g.of || 10*n < 9*len(fs) || contiguous(fs) || !shuffled(portsFirstSeen(fs)) {
			continue
		}
		last := fs[0].first
		for _, f := range fs {
			last = max(last, f.first)
		}
		os := osAfter(a, fs[0].target, fs[0].first)
		if os == nil {
			continue
		}
		fired = append(fired, fs...)
		targets = append(targets, fs[0].target)
		lo, hi := fs[0].port, fs[0].port
		for _, f := range fs {
			lo, hi = min(lo, f.port), max(hi, f.port)
		}
		ev = append(ev,
			fmt.Sprintf("%s to %s, %d of %d probes with ISN %d and %d from source port %d: one process", plural(len(fs), "SYN"), netAddr(fs[0].target), len(fs), g.of, fs[0].seq, n, sport),
			fmt.Sprintf("ports %d..%d with holes (%d of %d in the span), in shuffled order: apparently random destination ports", lo, hi, len(fs), int(hi)-int(lo)+1),
			fmt.Sprintf("ends in OS fingerprinting: %s from %s", plural(len(os), "attempt"), ts(os[0].first).Format("15:04:05.000000")))
	}
	if len(fired) == 0 {
		return
	}
	f := Finding{Label: labelRandomScan, Scanner: a.scanner, Targets: targetsOfAddrs(targets...), Ports: distinctPorts(fired), Evidence: ev,
		Attrs: map[string]string{"processes": "1", "sport": strconv.Itoa(int(fired[0].sport)), "isn": strconv.FormatUint(uint64(fired[0].seq), 10)}}
	f.First, f.Last, f.Packets = span(fired)
	a.out = append(a.out, f)
}

// campaignExploitsPlus is the FAQ's figures 4 and 5: several concurrent
// processes, each with its own source port and ISN and a port or two,
// all at much-exploited services, one of them ending in OS detection.
// Retransmissions (nmap 2.0x's sport M+1.., a new ISN) are not taken
// for processes.
func campaignExploitsPlus(a *analysis) {
	probes, _ := a.halfOpen()
	for _, run := range splitByTarget(probes) {
		if f, ok := exploitsPlus(a, run); ok {
			a.out = append(a.out, f)
			return
		}
	}
}

func exploitsPlus(a *analysis, run []*flow) (Finding, bool) {
	procs, exploited := 0, 0
	for _, f := range run {
		procs += 1 + int(f.others)
		if _, ok := exploitedPorts[f.port]; ok {
			exploited++
		}
	}
	ports := distinctPorts(run)
	_, perISN := modal(run, func(f *flow) uint32 { return f.seq })
	// Several processes, each probing at most two ports, nearly all of
	// them much-exploited services.
	if procs < 3 || ports < 3 || perISN > 2 || 10*exploited < 9*len(run) || !nmap20xProbes(run) {
		return Finding{}, false
	}
	first, _, _ := span(run)
	os := osAfter(a, run[0].target, first.UnixNano())
	if os == nil {
		return Finding{}, false
	}
	var names []string
	for _, p := range slices.Sorted(mapKeys(portsOf(run))) {
		n := exploitedPorts[p]
		if n == "" {
			n = "?"
		}
		names = append(names, fmt.Sprintf("%d (%s)", p, n))
	}
	f := Finding{Label: labelExploitsPlus, Scanner: a.scanner, Targets: targetsOf(run), Ports: ports,
		Attrs: map[string]string{"processes": strconv.Itoa(procs)}}
	first, f.Last, f.Packets = span(run)
	f.First = first
	if end := ts(os[len(os)-1].last); end.After(f.Last) {
		f.Last = end
	}
	f.Evidence = []string{
		fmt.Sprintf("%s to %s, each from its own source port with its own ISN: %d concurrent processes, none probing more than %s", plural(f.Packets, "SYN"), netAddr(run[0].target), procs, plural(perISN, "port")),
		fmt.Sprintf("much-exploited service ports only: %s", strings.Join(names, ", ")),
		fmt.Sprintf("ends in OS fingerprinting: %s from %s", plural(len(os), "attempt"), ts(os[0].first).Format("15:04:05.000000")),
	}
	return f, true
}

func portsOf(fs []*flow) map[uint16]bool {
	m := make(map[uint16]bool, len(fs))
	for _, f := range fs {
		m[f.port] = true
	}
	return m
}

// campaignSweepThenScan is the FAQ's class-B map: one process sweeps
// (ICMP echo and/or TCP ACK ping) while another, started before the
// sweep ends, scans only hosts that answered it. A scanner that finishes
// its sweep before scanning is not this shape.
func campaignSweepThenScan(a *analysis) {
	sweep := append(slices.Clone(a.echo), a.ackPing...)
	if len(sweep) == 0 {
		return
	}
	up := map[ipAddr]bool{}
	swept := map[ipAddr]bool{}
	var sweepEnd int64
	for _, f := range sweep {
		swept[f.target] = true
		if f.answered() {
			up[f.target] = true
		}
		sweepEnd = max(sweepEnd, f.first)
	}
	scan := scanFlows(a)
	if len(scan) == 0 {
		return
	}
	first, last, n := span(scan)
	targets := targetsOf(scan)
	for _, t := range targets {
		if !up[addrOf(t)] {
			return
		}
	}
	if len(targets) >= len(swept) || first.UnixNano() >= sweepEnd {
		return
	}
	sFirst, _, _ := span(sweep)
	f := Finding{Label: labelSweepThenScan, Scanner: a.scanner, Targets: targets, Ports: distinctPorts(scan),
		First: sFirst, Last: last, Packets: n + len(sweep),
		Attrs: map[string]string{"swept": strconv.Itoa(len(swept)), "up": strconv.Itoa(len(up)), "scanned": strconv.Itoa(len(targets))}}
	f.Evidence = []string{
		fmt.Sprintf("ping sweep of %s, %d answered", plural(len(swept), "address"), len(up)),
		fmt.Sprintf("port scan of %s, every one a host that answered the sweep", plural(len(targets), "host")),
		fmt.Sprintf("the scan started %s after the sweep's first probe, %s before its last: two processes at once, the scanner reading the sweep's results as they came", seconds(first.Sub(sFirst).Nanoseconds()), seconds(sweepEnd-first.UnixNano())),
	}
	if len(a.ackPing) > 0 && sportGap(a.ackPing[0].sport, scan[0].sport) > 2*maxRetrySportStep {
		f.Evidence = append(f.Evidence, fmt.Sprintf("ACK pings from source port %d, scan probes from %d: not one nmap process's base port", a.ackPing[0].sport, scan[0].sport))
	}
	a.out = append(a.out, f)
}

// scanFlows returns the port-scan probes of every technique found.
func scanFlows(a *analysis) []*flow {
	var fs []*flow
	if a.syn != nil {
		for _, run := range a.syn.byTarget {
			fs = append(fs, run...)
		}
	}
	fs = append(fs, a.connect...)
	for _, k := range []probeKind{kindFIN, kindXmas, kindNull, kindACK} {
		fs = append(fs, a.stealth[k]...)
	}
	return append(fs, a.udp...)
}

// sportGap is how far apart two source ports are.
func sportGap(x, y uint16) int { return max(int(x)-int(y), int(y)-int(x)) }
