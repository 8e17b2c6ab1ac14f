package detector

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

const (
	labelFragment = "evasion.fragment"
	labelDecoy    = "evasion.decoy"
)

// analyzeFragments reports probes sent as tiny IP fragments: a first
// fragment too short to hold the whole transport header, so that a
// filter reading first fragments never sees the flags (nmap -f).
func analyzeFragments(a *analysis) {
	fr := a.src.frags
	if fr.tiny == 0 {
		return
	}
	var fs []*flow
	for i := range a.src.flows.n {
		if f := a.src.flows.at(i); f.has(fragmented) {
			fs = append(fs, f)
		}
	}
	sortByTargetPort(fs)
	f := Finding{
		Label: labelFragment, Scanner: a.scanner, First: ts(fr.first), Last: ts(fr.last),
		Packets: int(fr.tiny), Targets: targetsOf(fs), Ports: distinctPorts(fs),
		Attrs: map[string]string{"first_fragment_bytes": strconv.Itoa(int(fr.minFirst)), "fragments": strconv.Itoa(int(fr.maxN))},
	}
	id := "IP ID"
	if !a.src.addr.is4() {
		id = "fragment header identification"
	}
	f.Evidence = append(f.Evidence,
		fmt.Sprintf("%s arrived as IP fragments whose first fragment held only %d transport bytes, less than the header", plural(int(fr.tiny), "packet"), fr.minFirst),
		fmt.Sprintf("up to %d fragments per packet, sharing one %s", fr.maxN, id))
	if len(fs) > 0 {
		f.Evidence = append(f.Evidence, "rebuilt: "+kindsLine(fs))
	}
	a.out = append(a.out, f)
}

// kindsLine says what the rebuilt probes were: "SYN probes to 30 ports of
// 1 target".
func kindsLine(fs []*flow) string {
	names := map[probeKind]string{kindSYN: "SYN", kindFIN: "FIN", kindXmas: "FIN|PSH|URG", kindNull: "flagless", kindACK: "ACK", kindUDP: "UDP", kindEcho: "echo",
		kindMaimon: "FIN|ACK", kindCustom: "custom-flag", kindSCTPInit: "SCTP INIT", kindSCTPCookie: "SCTP COOKIE ECHO", kindIPProto: "IP protocol"}
	var ks []string
	for _, k := range []probeKind{kindSYN, kindFIN, kindXmas, kindNull, kindACK, kindUDP, kindEcho, kindMaimon, kindCustom, kindSCTPInit, kindSCTPCookie, kindIPProto} {
		if slices.ContainsFunc(fs, func(f *flow) bool { return f.kind == k }) {
			ks = append(ks, names[k])
		}
	}
	return fmt.Sprintf("%s probes to %s of %s", strings.Join(ks, ", "), plural(distinctPorts(fs), "port"), plural(len(targetsOf(fs)), "target"))
}

// decoyGroup is a set of sources that sent copies of the same probes.
type decoyGroup struct {
	members []*source // by address
	real    *source   // the one that answered SYN/ACKs, when one alone did
	copies  uint32    // identical probes paired up
}

// decoyGroups joins sources that are each other's peers for at least
// MinScanPorts probes into groups, keyed by the source that leads each
// group's finding: the real one when the wire tells, else the lowest
// address.
func (d *Detector) decoyGroups(srcs []*source) map[ipAddr]*decoyGroup {
	parent := map[ipAddr]ipAddr{}
	var find func(x ipAddr) ipAddr
	find = func(x ipAddr) ipAddr {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	copies := map[ipAddr]uint32{}
	for _, s := range srcs {
		for _, pr := range s.peers.list() {
			if int(pr.n) < d.cfg.MinScanPorts || d.srcs.get(pr.addr) == nil {
				continue
			}
			ra, rb := find(s.addr), find(pr.addr)
			if ra.compare(rb) > 0 {
				ra, rb = rb, ra
			}
			parent[ra], parent[rb] = ra, ra
			copies[s.addr] += pr.n
		}
	}
	members := map[ipAddr][]*source{}
	for _, s := range srcs { // sorted, so members are too
		if _, ok := parent[s.addr]; ok {
			r := find(s.addr)
			members[r] = append(members[r], s)
		}
	}
	out := map[ipAddr]*decoyGroup{}
	for _, ms := range members {
		if len(ms) < 2 {
			continue
		}
		g := &decoyGroup{members: ms}
		var answering []*source
		for _, s := range ms {
			g.copies += copies[s.addr]
			if answersSynAcks(s) {
				answering = append(answering, s)
			}
		}
		g.copies /= 2 // each pair was counted from both ends
		lead := ms[0]
		if len(answering) == 1 {
			g.real, lead = answering[0], answering[0]
		}
		out[lead.addr] = g
	}
	return out
}

// answersSynAcks reports whether s reset any SYN/ACK its probes drew:
// only the real scanner's kernel does; decoy addresses are silent or
// absent.
func answersSynAcks(s *source) bool {
	return slices.ContainsFunc(flowsOf(s, kindSYN), func(f *flow) bool { return f.has(gotSynAck | sentReset) })
}

// analyzeDecoy reports the decoy group this source leads.
func analyzeDecoy(a *analysis) {
	g := a.decoy
	if g == nil {
		return
	}
	var addrs []string
	var all []*flow
	for _, s := range g.members {
		addrs = append(addrs, netAddr(s.addr).String())
		for i := range s.flows.n {
			all = append(all, s.flows.at(i))
		}
	}
	f := Finding{
		Label: labelDecoy, Scanner: a.scanner, Targets: targetsOf(all), Packets: int(g.copies),
		Attrs: map[string]string{"sources": strconv.Itoa(len(g.members))},
	}
	if len(all) > 0 {
		f.First, f.Last, _ = span(all)
		f.Ports = distinctPorts(all)
	}
	f.Evidence = append(f.Evidence, fmt.Sprintf("identical probes (same destination, source port and sequence number) from %d sources: %s; %d copies paired within %s",
		len(g.members), strings.Join(addrs, ", "), g.copies, seconds(int64(a.cfg.DecoyWindow))))
	if g.real != nil {
		f.Attrs["real_source"] = netAddr(g.real.addr).String()
		f.Evidence = append(f.Evidence, fmt.Sprintf("only %s answered the targets' SYN/ACKs with RST: it is the real scanner, the others decoys", netAddr(g.real.addr)))
	} else {
		f.Evidence = append(f.Evidence, "no single source answered the targets' SYN/ACKs: the wire does not tell which source is real")
	}
	a.out = append(a.out, f)
}
