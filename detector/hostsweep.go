package detector

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Host discovery beside nmap's classic echo and ACK pings: today's nmap's
// -PS, -PU, -PP, -PM, -PY and -PO, and horizontal scans (one port or a
// few across many hosts: zmap, masscan -p80 over a range).
const (
	labelSweepSYN       = "sweep.tcp-syn"
	labelSweepUDP       = "sweep.udp"
	labelSweepTimestamp = "sweep.icmp-timestamp"
	labelSweepMask      = "sweep.icmp-netmask"
	labelSweepSCTP      = "sweep.sctp-init"
	labelSweepProto     = "sweep.ip-protocol"
)

// maxPortLines bounds the per-port evidence lines of one sweep.
const maxPortLines = 8

// swept returns the flows of fs that were probed at most MaxSweepProbes
// times: a try and its retransmissions. A host probed again and again
// the same way (a monitoring system pinging it every second, a resolver
// asking its server, a mail server retrying a relay) is watched, not
// discovered; left counts those flows.
func (a *analysis) swept(fs []*flow) (out []*flow, left int) {
	return a.sweptWhere(fs, nil)
}

// sweptWhere is swept of the flows of fs for which keep (when not nil)
// holds.
func (a *analysis) sweptWhere(fs []*flow, keep func(*flow) bool) (out []*flow, left int) {
	if len(fs) == 0 {
		return nil, 0
	}
	out = make([]*flow, 0, len(fs))
	for _, f := range fs {
		switch {
		case keep != nil && !keep(f):
			continue
		case int(f.probes) > a.cfg.MaxSweepProbes:
			left++
			continue
		}
		out = append(out, f)
	}
	return out, left
}

// analyzeHostSweeps reports the sweeps other than echo and ACK pings.
func analyzeHostSweeps(a *analysis) {
	a.sweepSYN()
	a.sweepUDP()
	a.sweepICMP(kindTimestamp, labelSweepTimestamp, "timestamp", "a timestamp reply")
	a.sweepICMP(kindMask, labelSweepMask, "address mask", "an address mask reply")
	a.sweepSCTP()
	a.sweepProto()
}

// sweepSYN reports bare SYNs to one port or more, each port sent to at
// least MinPortSweepHosts addresses: nmap -PS, zmap and masscan over a range,
// or a scan of many ports across many hosts (then scan.tcp-syn too).
// Connections the source used (data, FIN) are conversations, not probes.
func (a *analysis) sweepSYN() {
	probes, left := a.sweptWhere(a.flowsOf(kindSYN), func(f *flow) bool { return f.state&(sentData|sentFin) == 0 })
	ports, fs := sweepPorts(probes, a.cfg.MinPortSweepHosts)
	if len(ports) == 0 {
		return
	}
	f := a.portSweep(labelSweepSYN, "SYN", ports, fs, left)
	ans := countAnswers(fs)
	f.Attrs["open"], f.Attrs["closed"] = strconv.Itoa(ans.open), strconv.Itoa(ans.closed)
	up := targetCount(fs, (*flow).hostAnswered)
	f.Evidence = append(f.Evidence, hostLines(
		hostCount{up, "answered: the host is up"},
		hostCount{len(f.Targets) - up, "sent no answer of their own the sensor saw"})...)
	f.Evidence = portLines(f.Evidence,
		portCount{ans.open, "answered SYN/ACK (open)"},
		portCount{ans.closed, "answered RST (closed)"})
	a.out = append(a.out, f)
}

// sweepUDP reports datagrams to one port or more, each sent to at least
// MinPortSweepHosts addresses, counted as analyzeUDP counts probes: empty, or
// unanswered (a request that got a datagram back is a conversation).
func (a *analysis) sweepUDP() {
	probes, left := a.sweptWhere(a.flowsOf(kindUDP), func(f *flow) bool { return f.payLen == 0 || !f.has(gotReply) })
	ports, fs := sweepPorts(probes, a.cfg.MinPortSweepHosts)
	if len(ports) == 0 {
		return
	}
	f := a.portSweep(labelSweepUDP, "datagram", ports, fs, left)
	closed := count(fs, func(f *flow) bool { return f.has(gotRST) })
	open := count(fs, func(f *flow) bool { return f.has(gotReply) })
	f.Evidence = append(f.Evidence, hostLines(
		hostCount{targetCount(fs, (*flow).hostAnswered), "answered: the host is up"})...)
	if empty := count(fs, func(f *flow) bool { return f.payLen == 0 }); empty == len(fs) {
		f.Evidence = append(f.Evidence, "every datagram is empty (0 bytes of payload)")
	}
	f.Evidence = portLines(f.Evidence,
		portCount{closed, "answered ICMP port unreachable (closed, host up)"},
		portCount{open, "answered with a datagram (open)"})
	a.out = append(a.out, f)
}

// sweepSCTP reports SCTP INITs to a port across at least
// MinPortSweepHosts addresses (nmap -PY: port 80 by default). An INIT ACK or ABORT, or an
// ICMP unreachable, says the host is up.
func (a *analysis) sweepSCTP() {
	probes, left := a.swept(a.flowsOf(kindSCTPInit))
	ports, fs := sweepPorts(probes, a.cfg.MinPortSweepHosts)
	if len(ports) == 0 {
		return
	}
	f := a.portSweep(labelSweepSCTP, "SCTP INIT", ports, fs, left)
	f.Attrs["up"] = strconv.Itoa(targetCount(fs, func(f *flow) bool { return f.state&(gotSynAck|gotRST|gotUnreach) != 0 }))
	f.Evidence = append(f.Evidence, hostLines(
		hostCount{targetCount(fs, func(f *flow) bool { return f.has(gotSynAck) }), "answered INIT ACK"},
		hostCount{targetCount(fs, func(f *flow) bool { return f.state&(gotRST|gotUnreach) != 0 }), "answered ABORT or an ICMP unreachable: up, no SCTP service"})...)
	a.out = append(a.out, f)
}

// sweepICMP reports ICMP queries of kind k (timestamp: nmap -PP; address
// mask: -PM) to at least MinSweepHosts addresses.
func (a *analysis) sweepICMP(k probeKind, label, what, reply string) {
	fs, left := a.swept(a.flowsOf(k))
	if len(fs) < a.cfg.MinSweepHosts {
		return
	}
	f := a.hostSweep(label, fs, left)
	f.Evidence = append([]string{fmt.Sprintf("ICMP %s requests to %s", what, addrRange(fs))}, f.Evidence...)
	f.Evidence = append(f.Evidence, fmt.Sprintf("%s answered with %s", plural(count(fs, func(f *flow) bool { return f.has(gotReply) }), "address"), reply))
	a.out = append(a.out, f)
}

// sweepProto reports datagrams of IP protocols the detector has no
// technique for (IGMP, IP-in-IP, GRE...), short enough to be probes, to
// at least MinSweepHosts addresses: nmap -PO, whose default protocols
// are ICMP (an echo request), IGMP and IP-in-IP.
func (a *analysis) sweepProto() {
	// Short datagrams to unicast addresses only: IGMP to its groups and a
	// tunnel's packets are no probes.
	fs, left := a.sweptWhere(a.flowsOf(kindIPProto), func(f *flow) bool {
		return int(f.payLen) <= maxProtoProbeLen && unicast(f.target)
	})
	targets := targetsOf(fs)
	if len(targets) < a.cfg.MinSweepHosts {
		return
	}
	f := a.hostSweep(labelSweepProto, fs, left)
	protos := sortedPorts(fs)
	names := make([]string, len(protos))
	for i, p := range protos {
		names[i] = protoName(uint8(p))
	}
	f.Attrs["protocols"] = portRanges(protos)
	f.Ports = 0
	ev := []string{fmt.Sprintf("bare datagrams of IP %s to %s", strings.Join(names, ", "), addrRange(fs))}
	if echo := a.flowsOf(kindEcho); len(echo) > 0 {
		ev = append(ev, fmt.Sprintf("ICMP echo requests to %s of them too (protocol 1)", plural(sharedTargets(echo, fs), "address")))
	}
	f.Evidence = append(ev, f.Evidence...)
	f.Evidence = append(f.Evidence, hostLines(
		hostCount{targetCount(fs, func(f *flow) bool { return f.has(gotRST) }), "answered ICMP protocol unreachable: up"},
		hostCount{targetCount(fs, func(f *flow) bool { return f.has(gotReply) }), "answered in the protocol"})...)
	a.out = append(a.out, f)
}

// hostSweep starts a sweep finding on fs: targets, span and counts.
func (a *analysis) hostSweep(label string, fs []*flow, left int) Finding {
	targets := targetsOf(fs)
	f := Finding{
		Label: label, Scanner: a.scanner, Targets: targets,
		Attrs: map[string]string{
			"targets": strconv.Itoa(len(targets)),
			"up":      strconv.Itoa(targetCount(fs, (*flow).hostAnswered)),
		},
	}
	f.First, f.Last, f.Packets = span(fs)
	if left > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s probed more than %d times each left out: watched, not swept", plural(left, "further target"), a.cfg.MaxSweepProbes))
	}
	return f
}

// portSweep starts a sweep finding on the probes fs to ports, one line
// per port; noun names the probes.
func (a *analysis) portSweep(label, noun string, ports []uint16, fs []*flow, left int) Finding {
	f := a.hostSweep(label, fs, left)
	f.Ports = len(ports)
	f.Attrs["ports"] = portRanges(ports)
	byPort := map[uint16][]*flow{}
	for _, fl := range fs {
		byPort[fl.port] = append(byPort[fl.port], fl)
	}
	var ev []string
	for i, p := range ports {
		if i == maxPortLines {
			_, _, n := span(fs)
			_, _, shown := span(flowsOfPorts(byPort, ports[:i]))
			ev = append(ev, fmt.Sprintf("and %s to %d more ports", plural(n-shown, noun), len(ports)-i))
			break
		}
		run := byPort[p]
		first, last, n := span(run)
		ev = append(ev, fmt.Sprintf("%s to port %d of %s in %s", plural(n, noun), p, addrRange(run), seconds(last.Sub(first).Nanoseconds())))
	}
	f.Evidence = append(ev, f.Evidence...)
	return f
}

// flowsOfPorts gathers the flows of ports from byPort.
func flowsOfPorts(byPort map[uint16][]*flow, ports []uint16) []*flow {
	var fs []*flow
	for _, p := range ports {
		fs = append(fs, byPort[p]...)
	}
	return fs
}

// hostAnswered reports whether the target itself answered: a SYN/ACK,
// RST, reply, or port or protocol unreachable (another unreachable may
// come from a router about a host that is down).
func (f *flow) hostAnswered() bool { return f.state&(gotSynAck|gotRST|gotReply) != 0 }

// sweepPorts returns the ports of probes sent to at least min distinct
// addresses, sorted, and the probes to those ports. probes are sorted by
// target, as flowsOf sorts them: a scan of fewer targets (a full-range
// scan of one host) is passed over in one walk, with no allocation.
func sweepPorts(probes []*flow, min int) ([]uint16, []*flow) {
	targets := 0
	for i, f := range probes {
		if i == 0 || f.target != probes[i-1].target {
			targets++
		}
	}
	if targets < min {
		return nil, nil
	}
	hosts := map[uint16]int{}
	for _, f := range probes {
		hosts[f.port]++ // one flow per (target, port): flows are distinct targets
	}
	var ports []uint16
	for p, n := range hosts {
		if n >= min {
			ports = append(ports, p)
		}
	}
	if len(ports) == 0 {
		return nil, nil
	}
	slices.Sort(ports)
	var fs []*flow
	for _, f := range probes {
		if _, ok := slices.BinarySearch(ports, f.port); ok {
			fs = append(fs, f)
		}
	}
	return ports, fs
}

// sortedPorts returns the distinct ports of fs, sorted.
func sortedPorts(fs []*flow) []uint16 {
	var set portSet
	var ps []uint16
	for _, f := range fs {
		if !set.has(f.port) {
			set.add(f.port)
			ps = append(ps, f.port)
		}
	}
	slices.Sort(ps)
	return ps
}

// portRanges writes sorted ports as ranges: "22,80", "20-30,80". Past 16
// ranges it says how many more there are.
func portRanges(ps []uint16) string {
	var b strings.Builder
	ranges := 0
	for i := 0; i < len(ps); {
		j := i
		for j+1 < len(ps) && ps[j+1] == ps[j]+1 {
			j++
		}
		if ranges == 16 {
			fmt.Fprintf(&b, ",... (%d ports in all)", len(ps))
			break
		}
		if ranges > 0 {
			b.WriteByte(',')
		}
		if j > i {
			fmt.Fprintf(&b, "%d-%d", ps[i], ps[j])
		} else {
			fmt.Fprintf(&b, "%d", ps[i])
		}
		ranges++
		i = j + 1
	}
	return b.String()
}

// targetCount counts the distinct targets of fs for which some flow
// satisfies pred.
func targetCount(fs []*flow, pred func(*flow) bool) int {
	seen := map[ipAddr]bool{}
	for _, f := range fs {
		if pred(f) {
			seen[f.target] = true
		}
	}
	return len(seen)
}

// sharedTargets counts the targets of a that are targets of b too.
func sharedTargets(a, b []*flow) int {
	in := map[ipAddr]bool{}
	for _, f := range b {
		in[f.target] = true
	}
	return targetCount(a, func(f *flow) bool { return in[f.target] })
}

// hostCount is one "N addresses ..." evidence line, said only when N > 0.
type hostCount struct {
	n    int
	says string
}

func hostLines(cs ...hostCount) []string {
	var ev []string
	for _, c := range cs {
		if c.n > 0 {
			ev = append(ev, plural(c.n, "address")+" "+c.says)
		}
	}
	return ev
}

// protoName names the IP protocols nmap -PO and -sO probe most.
func protoName(p uint8) string {
	switch p {
	case 2:
		return "protocol 2 (IGMP)"
	case 4:
		return "protocol 4 (IP-in-IP)"
	case 41:
		return "protocol 41 (IPv6-in-IP)"
	case 47:
		return "protocol 47 (GRE)"
	case 50:
		return "protocol 50 (ESP)"
	case 51:
		return "protocol 51 (AH)"
	}
	return "protocol " + strconv.Itoa(int(p))
}
