package detector

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// Labels of SCTP port scans: nmap -sY (INIT, SCTP's SYN) and -sZ
// (COOKIE ECHO, SCTP's FIN scan).
const (
	labelSCTPInit   = "scan.sctp-init"
	labelSCTPCookie = "scan.sctp-cookie"
)

// protoSCTP is SCTP's IP protocol number.
const protoSCTP = 132

// SCTP chunk types the detector tells apart (RFC 9260 section 3.2).
// The packet parsing is ours, as the rest of the detector's: gopacket's
// layers package cost every siglab invocation ~20 ms of init (#19), and
// its SCTP layer only split the 12-byte common header from the chunks.
const (
	sctpInit       = 1
	sctpInitAck    = 2
	sctpAbort      = 6
	sctpCookieEcho = 10
)

// sctpHeaderLen is the common header: ports, verification tag, checksum.
const sctpHeaderLen = 12

// decodeSCTP fills p from an SCTP packet:
// ports, the verification tag in seq and the first chunk's type in flags;
// for an INIT chunk its initiate tag in ack, a_rwnd in window (0 when
// larger), outbound and inbound streams in urg and mss. payLen is what
// follows the common header as sent. ok is false for a truncated header
// or chunk.
func decodeSCTP(d []byte, sent int, p *packet) bool {
	if len(d) < sctpHeaderLen+4 { // the header and a chunk's type, flags, length
		return false
	}
	p.sport, p.dport = binary.BigEndian.Uint16(d), binary.BigEndian.Uint16(d[2:])
	p.seq = binary.BigEndian.Uint32(d[4:])
	c := d[sctpHeaderLen:]
	p.flags = c[0]
	p.payLen = max(sent-sctpHeaderLen, 0)
	if c[0] == sctpInit && len(c) >= 20 {
		p.ack = binary.BigEndian.Uint32(c[4:])
		if w := binary.BigEndian.Uint32(c[8:]); w <= 0xffff {
			p.window = uint16(w)
		}
		p.urg = binary.BigEndian.Uint16(c[12:])
		p.opts.mss = binary.BigEndian.Uint16(c[14:])
	}
	return true
}

// sctpKind says which scan an SCTP packet is a probe of: an INIT with
// verification tag 0 (an association's opener), a COOKIE ECHO; 0 for
// anything else.
func sctpKind(p *packet) probeKind {
	switch p.flags {
	case sctpInit:
		if p.seq == 0 {
			return kindSCTPInit
		}
	case sctpCookieEcho:
		return kindSCTPCookie
	}
	return 0
}

// sctp gives an SCTP packet to the state of its destination (an answer)
// and of its source (a probe). A COOKIE ECHO after the port's INIT ACK
// completes an association: it marks the INIT flow, as an ACK does a SYN
// flow, and is no cookie probe.
func (d *Detector) sctp(p *packet) {
	answered := d.answer(p)
	kind := sctpKind(p)
	s := d.prober(p, !answered && kind != 0)
	if s == nil {
		return
	}
	if f := s.flows.find(flowKey{p.dst, p.dport, kindSCTPInit}); f != nil && f.has(gotSynAck) {
		switch p.flags {
		case sctpAbort:
			f.state |= sentReset
		case sctpInit:
		default:
			f.state |= sentAck
		}
		if kind != kindSCTPInit {
			return
		}
	}
	if answered || kind == 0 {
		return
	}
	d.decoys.observe(d, s, p, kind)
	d.probe(s, flowKey{p.dst, p.dport, kind}, p)
}

// inboundSCTP records an SCTP answer: INIT ACK (open), ABORT (closed),
// any other chunk (an association's traffic).
func (t *flowTable) inboundSCTP(p *packet) bool {
	f := t.latest(p.src, p.sport, sctpKinds)
	if f == nil {
		return false
	}
	switch p.flags {
	case sctpInitAck:
		if f.kind == kindSCTPInit {
			f.state |= gotSynAck
		}
	case sctpAbort:
		if !f.has(gotSynAck) {
			f.state |= gotRST
		}
	default:
		f.state |= gotSegment
	}
	return true
}

// sctpScans are the SCTP scans with their labels and chunk names.
var sctpScans = []struct {
	kind  probeKind
	label string
	chunk string
}{
	{kindSCTPInit, labelSCTPInit, "INIT"},
	{kindSCTPCookie, labelSCTPCookie, "COOKIE ECHO"},
}

// analyzeSCTP reports SCTP INIT and COOKIE ECHO scans: probes of one
// chunk type to at least MinScanPorts ports, leaving out associations
// the source completed (an INIT ACK answered with COOKIE ECHO) and
// cookies that belonged to one (answered with data or a COOKIE ACK). A
// host without SCTP (Linux without the sctp module) answers every probe
// with ICMP protocol unreachable, as far as its ICMP rate limit lets it;
// the probes still make the scan.
func analyzeSCTP(a *analysis) {
	for _, k := range sctpScans {
		var fs []*flow
		for _, f := range a.flowsOf(k.kind) {
			if !f.has(sentAck) && !f.has(gotSegment) {
				fs = append(fs, f)
			}
		}
		ports := distinctPorts(fs)
		if ports < a.cfg.MinScanPorts {
			continue
		}
		f := Finding{Label: k.label, Scanner: a.scanner, Ports: ports, Targets: targetsOf(fs)}
		f.First, f.Last, f.Packets = span(fs)
		f.Evidence = targetLines(splitByTarget(fs), k.chunk+" probe")
		f.Evidence = append(f.Evidence, sctpFieldsLine(k.kind, fs))
		initAck := count(fs, func(f *flow) bool { return f.has(gotSynAck) })
		abort := count(fs, func(f *flow) bool { return f.has(gotRST) })
		protoUn := count(fs, func(f *flow) bool { return f.has(gotUnreach) && !f.has(gotRST) && !f.has(gotSynAck) })
		silent := len(fs) - initAck - abort - protoUn
		if k.kind == kindSCTPInit {
			aborted := count(fs, func(f *flow) bool { return f.has(gotSynAck | sentReset) })
			f.Attrs = map[string]string{"open": strconv.Itoa(initAck), "closed": strconv.Itoa(abort), "filtered": strconv.Itoa(protoUn + silent)}
			f.Evidence = portLines(f.Evidence,
				portCount{initAck, "answered INIT ACK (open)"},
				portCount{aborted, "were aborted by the source after their INIT ACK (half-open)"},
				portCount{abort, "answered ABORT (closed)"})
		} else {
			f.Attrs = map[string]string{"closed": strconv.Itoa(abort), "open_filtered": strconv.Itoa(silent), "filtered": strconv.Itoa(protoUn)}
			f.Evidence = portLines(f.Evidence, portCount{abort, "answered ABORT (closed)"})
		}
		f.Evidence = portLines(f.Evidence,
			portCount{protoUn, "answered ICMP unreachable (filtered, or no SCTP on the host: protocol unreachable)"},
			portCount{silent, "stayed silent"})
		a.out = append(a.out, f)
	}
}

// sctpFieldsLine says what the probes kept constant.
func sctpFieldsLine(k probeKind, fs []*flow) string {
	sport, n := modal(fs, func(f *flow) uint16 { return f.sport })
	s := fmt.Sprintf("source port %d on %d of %d probes", sport, n, len(fs))
	if k == kindSCTPInit {
		rwnd, nw := modal(fs, func(f *flow) uint16 { return f.window })
		out, no := modal(fs, func(f *flow) uint16 { return f.urg })
		in, ni := modal(fs, func(f *flow) uint16 { return f.mss })
		if nw == len(fs) && no == len(fs) && ni == len(fs) {
			s += fmt.Sprintf(", verification tag 0, a_rwnd %d, %d outbound and %d inbound streams on every INIT", rwnd, out, in)
		}
		return s
	}
	if distinct(fs, func(f *flow) uint32 { return f.seq }) == len(fs) {
		s += ", a new verification tag on every COOKIE ECHO (no INIT ACK gave one)"
	}
	return s
}

// modernSCTP is today's nmap's -sY and -sZ: one source port and a new
// TTL per packet, and on INITs the a_rwnd and stream counts of nmap's
// packet builder (32768, 10 out, 2048 in).
func modernSCTP(a *analysis, t *toolEvidence) {
	for _, k := range sctpScans {
		fs := a.flowsOf(k.kind)
		if distinctPorts(fs) < a.cfg.MinScanPorts {
			continue
		}
		_, n := modal(fs, func(f *flow) uint16 { return f.sport })
		l := ttlVaries(fs)
		if !a.src.addr.is4() {
			l = hopLimit255(fs) // modern6.go
		}
		if l == "" || 10*n < 9*len(fs) || a.src.addr.is4() && distinct(fs, func(f *flow) uint8 { return f.ttl }) < 3 {
			continue
		}
		if k.kind == kindSCTPInit {
			if !all(fs, func(f *flow) bool { return f.window == 32768 && f.urg == 10 && f.mss == 2048 }) {
				continue
			}
			t.fire(fs...)
			t.add("SCTP INITs from one source port with a_rwnd 32768, 10 outbound and 2048 inbound streams: nmap's INIT", l)
			continue
		}
		if !all(fs, func(f *flow) bool { return f.payLen == 8 }) {
			continue
		}
		t.fire(fs...)
		t.add("SCTP COOKIE ECHOs from one source port, each a lone 8-byte chunk (a 4-byte cookie): nmap's -sZ probe", l)
	}
}
