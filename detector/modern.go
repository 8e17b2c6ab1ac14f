package detector

import (
	"fmt"
	"strconv"
)

const labelNmapModern = "tool.nmap-modern"

// analyzeNmapModern recognises today's nmap (4.x to 7.x) by what it keeps
// constant and what it varies:
//   - raw SYNs with MSS 1460 as the only option and window 1024, one ISN
//     per target, a new TTL per packet;
//   - FIN, Xmas and Null probes with one random seq, ACK and FIN|ACK
//     probes with one random ack, window 1024; --scanflags probes alike
//     (scantypes.go);
//   - IP protocol scans of bare IP headers and SCTP scans from one source
//     port with nmap's INIT (ipproto.go, sctp.go), a new TTL per packet;
//   - UDP probes from one source port with a new TTL per packet;
//   - host discovery with ICMP timestamp requests beside the echoes;
//   - second-generation OS detection (SEQ, ECN, T2-T7, IE, U1);
//   - on any TCP scan, connect() included, the popular ports probed
//     first and the others shuffled (modernorder.go).
func analyzeNmapModern(a *analysis) {
	var t toolEvidence
	modernSYN(a, &t)
	modernStealth(a, &t)
	modernCustom(a, &t)
	modernUDP(a, &t)
	modernIPProto(a, &t)
	modernSCTP(a, &t)
	modernPing(a, &t)
	modernOS(a, &t)
	modernPortOrder(a, &t)
	if !t.fired {
		return
	}
	f := t.finding(labelNmapModern, a.scanner)
	f.Attrs = map[string]string{}
	if t.window != 0 {
		f.Attrs["window"] = strconv.Itoa(int(t.window))
	}
	a.out = append(a.out, f)
}

func modernSYN(a *analysis, t *toolEvidence) {
	if a.syn == nil {
		return
	}
	var fs []*flow
	for _, run := range a.syn.byTarget {
		fs = append(fs, run...)
	}
	oneISN := oneISNPerTarget(fs)
	if !all(fs, func(f *flow) bool {
		return f.optClass == optMSS && f.mss == 1460 && window20x(f.window) && f.ack == 0 && !f.df
	}) || !(oneISN || a.syn.tool == toolNmap) || masscanID(fs) {
		return
	}
	t.fire(fs...)
	w, _ := modal(fs, func(f *flow) uint16 { return f.window })
	t.setWT(w, 0)
	t.add(fmt.Sprintf("MSS 1460 as the only option and window %s on every SYN (44-byte SYNs), no DF", windowList(fs)))
	if oneISN {
		t.add("one ISN per target on the SYNs")
	}
	if ans := countAnswers(fs); ans.open > 0 && ans.reset == ans.open {
		t.add("every SYN/ACK answered with RST: no socket behind the SYN")
	}
	if l := ttlVaries(fs); l != "" {
		t.add(l)
	}
}

func modernStealth(a *analysis, t *toolEvidence) {
	for _, k := range stealthKinds {
		fs := a.stealth[k.kind]
		if len(fs) == 0 {
			continue
		}
		ok := all(fs, func(f *flow) bool {
			if f.window != 1024 || f.optClass != optNone {
				return false
			}
			if k.kind == kindACK || k.kind == kindMaimon {
				return f.seq == 0 && f.ack != 0 && f.ack == fs[0].ack
			}
			return f.ack == 0 && f.seq != 0 && f.seq == fs[0].seq
		})
		if !ok {
			continue
		}
		t.fire(fs...)
		t.setWT(1024, 0)
		if k.kind == kindACK || k.kind == kindMaimon {
			t.add(fmt.Sprintf("%s probes with one random ack (%d), seq 0 and window 1024", k.flags, fs[0].ack))
		} else {
			t.add(fmt.Sprintf("%s probes with one random seq (%d) and window 1024: nmap 2.0x sent seq 0", k.flags, fs[0].seq))
		}
		if l := ttlVaries(fs); l != "" {
			t.add(l)
		}
	}
}

func modernUDP(a *analysis, t *toolEvidence) {
	fs := a.udp
	if len(fs) == 0 {
		return
	}
	_, n := modal(fs, func(f *flow) uint16 { return f.sport })
	l := ttlVaries(fs)
	if !a.src.addr.is4() {
		l = hopLimit255(fs) // modern6.go
	}
	if l == "" || 10*n < 9*len(fs) || a.src.addr.is4() && distinct(fs, func(f *flow) uint8 { return f.ttl }) < 3 {
		return
	}
	t.fire(fs...)
	t.add("UDP probes from one source port", l)
	var payload []string
	for _, f := range a.flowsOf(kindUDP) {
		if f.payLen > 0 && f.sport == fs[0].sport && len(payload) < 8 {
			payload = append(payload, strconv.Itoa(int(f.port)))
		}
	}
	if len(payload) > 0 {
		t.add(fmt.Sprintf("protocol payloads to well-known ports (%s), empty datagrams elsewhere: nmap-payloads", joinComma(payload)))
	}
}

func modernPing(a *analysis, t *toolEvidence) {
	tsq := a.flowsOf(kindTimestamp)
	echo := a.flowsOf(kindEcho)
	if len(tsq) == 0 && len(echo) > 0 && !a.src.addr.is4() {
		modernPing6(a, t, echo) // modern6.go
		return
	}
	if len(tsq) == 0 || len(echo) == 0 {
		return
	}
	t.fire(append(echo, tsq...)...)
	t.add(fmt.Sprintf("ICMP timestamp requests to %s beside the echo requests: today's nmap's host discovery (echo, timestamp, SYN to 443, ACK to 80)", plural(len(targetsOf(tsq)), "host")))
	if len(echo) > 1 && distinct(echo, func(f *flow) uint16 { return f.sport }) == len(echo) {
		t.add("a new ICMP identifier for every host")
	}
	var syn443, ack80 []*flow
	for _, f := range a.flowsOf(kindSYN) {
		if f.port == 443 && f.optClass == optMSS && f.window == 1024 {
			syn443 = append(syn443, f)
		}
	}
	for _, f := range a.flowsOf(kindACK) {
		if f.port == 80 && f.ack != 0 {
			ack80 = append(ack80, f)
		}
	}
	if len(syn443) > 0 {
		t.include(syn443...)
		t.add(fmt.Sprintf("SYNs with MSS 1460, window 1024 to port 443 of %s", plural(len(targetsOf(syn443)), "host")))
	}
	if len(ack80) > 0 {
		t.include(ack80...)
		t.add(fmt.Sprintf("ACKs with a non-zero ack to port 80 of %s", plural(len(targetsOf(ack80)), "host")))
	}
	if l := ttlVaries(append(echo, tsq...)); l != "" {
		t.add(l)
	}
}

func modernOS(a *analysis, t *toolEvidence) {
	for _, ot := range a.os {
		if ot.gen != 2 {
			continue
		}
		t.fire()
		var tests uint16
		for _, at := range ot.attempts {
			t.attempt(at)
			tests |= at.tests
		}
		t.add(fmt.Sprintf("second-generation OS detection: %s with the option lists of osscan2 (timestamp value 0xFFFFFFFF)", testNames(tests, 2)))
		for _, at := range ot.attempts {
			if at.tests&testPU != 0 && at.puByte == 'C' {
				if at.target.is4() {
					t.add(fmt.Sprintf("U1: 300 'C' bytes to a closed UDP port, IP ID %d", at.puID))
				} else {
					t.add("U1: 300 'C' bytes to a closed UDP port") // IPv6 has no IP ID
				}
				break
			}
		}
	}
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}
