package detector

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/siglab/siglab/wire"
)

const labelIPProto = "scan.ip-protocol"

// icmpProtoUnreachable is the code of ICMP protocol unreachable: the
// target runs no such protocol (nmap -sO: closed).
const icmpProtoUnreachable = 2

// knownProto reports whether the detector decodes protocol p's header
// itself; every other protocol is tracked as an IP-protocol probe.
func knownProto(p uint8) bool {
	return p == wire.ProtoTCP || p == wire.ProtoUDP || p == wire.ProtoICMP || p == protoSCTP
}

// ipProto handles a packet of a protocol the detector decodes no
// further (GRE, ESP, IGMP, nmap -sO's bare IP headers): an answer to a
// source's IP-protocol probe, or a probe of its own, whose flow's port
// is the protocol number. sent is the payload length as sent.
func (d *Detector) ipProto(p *packet, sent int) {
	p.payLen = max(sent, 0)
	// Multicast (IGMP reports, OSPF, PIM to their groups) and broadcast
	// go to no one host: no probe, and no state for their sender.
	if d.answer(p) || !unicast(p.dst) {
		return
	}
	s := d.prober(p, true)
	d.probe(s, flowKey{p.dst, uint16(p.proto), kindIPProto}, p)
}

// analyzeIPProto reports IP protocol scans (nmap -sO): one target sent
// packets of at least MinScanPorts protocols other than TCP, UDP, ICMP
// and SCTP (which nmap probes with their own headers; those probes are
// counted beside). Two hosts that talk GRE, ESP and AH, or a router's
// IGMP, OSPF and PIM to their groups, stay below it.
func analyzeIPProto(a *analysis) {
	fs := a.flowsOf(kindIPProto)
	var hit []*flow
	var runs [][]*flow
	for _, run := range splitByTarget(fs) {
		if len(run) >= a.cfg.MinScanPorts {
			hit = append(hit, run...)
			runs = append(runs, run)
		}
	}
	if len(hit) == 0 {
		return
	}
	f := Finding{Label: labelIPProto, Scanner: a.scanner, Targets: targetsOf(hit)}
	f.First, f.Last, f.Packets = span(hit)
	protos := 0
	for _, run := range runs {
		first, last, n := span(run)
		bare := count(run, func(f *flow) bool { return f.payLen == 0 })
		line := fmt.Sprintf("%s to %s in %s: protocols %s", plural(n, "packet"), netAddr(run[0].target),
			seconds(last.Sub(first).Nanoseconds()), protoRanges(run))
		if bare > 0 {
			line += fmt.Sprintf("; %d of them bare IP headers with no payload", bare)
		}
		f.Evidence = append(f.Evidence, line)
		own := ownHeaderProbes(a.src, run[0].target)
		if len(own) > 0 {
			f.Evidence = append(f.Evidence, fmt.Sprintf("beside them, to %s: %s (probed with their own headers)", netAddr(run[0].target), strings.Join(own, ", ")))
		}
		protos += len(run) + len(own)
	}
	closed := count(hit, func(f *flow) bool { return f.has(gotRST) })
	reply := count(hit, func(f *flow) bool { return f.has(gotReply) && !f.has(gotRST) })
	unreach := count(hit, func(f *flow) bool { return f.has(gotUnreach) && !f.has(gotRST) && !f.has(gotReply) })
	silent := len(hit) - closed - reply - unreach
	f.Ports = 0
	f.Attrs = map[string]string{"protocols": strconv.Itoa(protos), "closed": strconv.Itoa(closed),
		"open": strconv.Itoa(reply), "open_filtered": strconv.Itoa(silent), "filtered": strconv.Itoa(unreach)}
	f.Evidence = append(f.Evidence, fmt.Sprintf("%d IP protocols probed in all", protos))
	if closed > 0 {
		unreach := "ICMP protocol unreachable"
		if !a.src.addr.is4() {
			unreach = "ICMPv6 parameter problem, unrecognised next header"
		}
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s answered %s (closed)", plural(closed, "protocol"), unreach))
	}
	if reply > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s answered in the same protocol (open)", plural(reply, "protocol")))
	}
	if unreach > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s answered another ICMP unreachable (filtered)", plural(unreach, "protocol")))
	}
	if silent > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s stayed silent (open or filtered: ICMP rate limits also hide closed ones)", plural(silent, "protocol")))
	}
	a.out = append(a.out, f)
}

// ownHeaderProbes names the protocols the detector decodes that s also
// probed target with.
func ownHeaderProbes(s *source, target ipAddr) []string {
	var out []string
	has := func(kinds ...probeKind) bool {
		for _, k := range kinds {
			if s.flows.kinds&(1<<k) == 0 {
				continue
			}
			for i := range s.flows.n {
				if f := s.flows.at(i); f.kind == k && f.target == target {
					return true
				}
			}
		}
		return false
	}
	for _, p := range []struct {
		name  string
		kinds []probeKind
	}{
		{"ICMP (1)", []probeKind{kindEcho, kindTimestamp}},
		{"TCP (6)", []probeKind{kindSYN, kindFIN, kindXmas, kindNull, kindACK, kindMaimon, kindCustom}},
		{"UDP (17)", []probeKind{kindUDP}},
		{"SCTP (132)", []probeKind{kindSCTPInit, kindSCTPCookie}},
	} {
		if has(p.kinds...) {
			if p.name == "ICMP (1)" && !target.is4() {
				p.name = "ICMPv6 (58)"
			}
			out = append(out, p.name)
		}
	}
	return out
}

// protoRanges writes the protocol numbers of fs (one flow per protocol)
// as ranges, e.g. "0, 2-5, 7-255".
func protoRanges(fs []*flow) string {
	var set [256]bool
	for _, f := range fs {
		set[uint8(f.port)] = true
	}
	var parts []string
	for i := 0; i < 256; {
		if !set[i] {
			i++
			continue
		}
		j := i
		for j+1 < 256 && set[j+1] {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(i))
		} else {
			parts = append(parts, strconv.Itoa(i)+"-"+strconv.Itoa(j))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// modernIPProto is today's nmap's -sO: bare IP headers for every
// protocol whose header it does not build, a new TTL per packet.
func modernIPProto(a *analysis, t *toolEvidence) {
	var fs []*flow
	for _, run := range splitByTarget(a.flowsOf(kindIPProto)) {
		if len(run) >= a.cfg.MinScanPorts {
			fs = append(fs, run...)
		}
	}
	bare := count(fs, func(f *flow) bool { return f.payLen == 0 })
	l := ttlVaries(fs)
	if len(fs) == 0 || 10*bare < 9*len(fs) || l == "" || distinct(fs, func(f *flow) uint8 { return f.ttl }) < 3 {
		return
	}
	t.fire(fs...)
	hdr := "20-byte IP"
	if !a.src.addr.is4() {
		hdr = "40-byte IPv6"
	}
	t.add(fmt.Sprintf("IP protocol scan of bare %s headers (%d of %d protocols): nmap -sO's probe for a protocol it builds no header for", hdr, bare, len(fs)), l)
}
