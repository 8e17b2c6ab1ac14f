package detector

import (
	"fmt"
	"slices"
)

// Today's nmap over IPv6 (nmap -6) keeps its IPv4 templates (MSS 1460
// and window 1024 on SYNs, one random seq or ack per stealth scan, the
// popular ports first) but not two of the tells analyzeNmapModern reads
// on IPv4: it sends its raw probes with hop limit 255 instead of a new
// TTL per packet (OS detection's probes aside), and its host discovery
// has no timestamp request, which ICMPv6 lacks. These rules stand in for
// those two on IPv6 sources only, so IPv4 findings are unchanged.

// nmapHopLimit is the hop limit of nmap -6's raw probes; stacks default
// to 64 (Linux, BSD) or 128 (Windows).
const nmapHopLimit = 255

// hopLimit255 describes IPv6 probes that all carry hop limit 255, ""
// when they do not.
func hopLimit255(fs []*flow) string {
	if len(fs) < 2 || !all(fs, func(f *flow) bool { return f.ttl == nmapHopLimit && !f.has(ttlChanged) }) {
		return ""
	}
	return fmt.Sprintf("hop limit %d on every probe: nmap -6's raw packets, where stacks send 64 or 128", nmapHopLimit)
}

// modernPing6 recognises nmap -6's host discovery: to each host an
// ICMPv6 echo request, a SYN with MSS 1460 and window 1024 to port 443
// and an ACK to port 80, all with hop limit 255 (the IPv4 discovery's
// timestamp request has no ICMPv6 counterpart).
func modernPing6(a *analysis, t *toolEvidence, echo []*flow) {
	var syn443, ack80 []*flow
	for _, f := range a.flowsOf(kindSYN) {
		if f.port == 443 && f.optClass == optMSS && f.mss == 1460 && f.window == 1024 {
			syn443 = append(syn443, f)
		}
	}
	for _, f := range a.flowsOf(kindACK) {
		if f.port == 80 && f.ack != 0 && f.window == 1024 {
			ack80 = append(ack80, f)
		}
	}
	probes := slices.Concat(echo, syn443, ack80)
	if len(syn443) == 0 || len(ack80) == 0 || hopLimit255(probes) == "" {
		return
	}
	pinged := map[ipAddr]bool{}
	for _, f := range echo {
		pinged[f.target] = true
	}
	for _, f := range append(syn443, ack80...) {
		if !pinged[f.target] {
			return // discovery probes go to every host alike
		}
	}
	t.fire(probes...)
	t.add(fmt.Sprintf("to each of %s an ICMPv6 echo request, a SYN with MSS 1460 and window 1024 to port 443 and an ACK to port 80: nmap -6's host discovery (IPv4's adds a timestamp request, which ICMPv6 lacks)", plural(len(targetsOf(echo)), "host")),
		hopLimit255(probes))
	if len(echo) > 1 && distinct(echo, func(f *flow) uint16 { return f.sport }) == len(echo) {
		t.add("a new ICMP identifier for every host")
	}
}
