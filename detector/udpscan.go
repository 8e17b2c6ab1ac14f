package detector

import (
	"fmt"
	"strconv"
)

const labelUDP = "scan.udp"

// maxProbesPerPort is how many datagrams one port may get and still
// count as probed: a scanner sends a try and a few retransmissions; a
// client talking to a service (DNS, NTP, syslog) sends on and on.
const maxProbesPerPort = 10

// analyzeUDP reports a UDP scan: datagrams to at least MinScanPorts ports,
// a few each, empty or unanswered (a request with a payload that got an
// answer is a conversation, not a probe). Closed ports answer ICMP port
// unreachable; open ones a datagram, or nothing.
func analyzeUDP(a *analysis) {
	var fs []*flow
	for _, f := range a.flowsOf(kindUDP) {
		if f.probes <= maxProbesPerPort && (f.payLen == 0 || !f.has(gotReply)) {
			fs = append(fs, f)
		}
	}
	ports := distinctPorts(fs)
	if ports < a.cfg.MinScanPorts {
		return
	}
	a.udp = fs
	closed := count(fs, func(f *flow) bool { return f.has(gotRST) })
	open := count(fs, func(f *flow) bool { return f.has(gotReply) })
	filtered := count(fs, func(f *flow) bool { return f.has(gotUnreach) && !f.has(gotRST) })
	silent := len(fs) - closed - open - filtered
	f := Finding{
		Label: labelUDP, Scanner: a.scanner, Ports: ports, Targets: targetsOf(fs),
		Attrs: map[string]string{
			"open": strconv.Itoa(open), "closed": strconv.Itoa(closed),
			"filtered": strconv.Itoa(filtered), "open_filtered": strconv.Itoa(silent),
		},
	}
	f.First, f.Last, f.Packets = span(fs)
	f.Evidence = targetLines(splitByTarget(fs), "datagram")
	empty := count(fs, func(f *flow) bool { return f.payLen == 0 })
	switch {
	case empty == len(fs):
		f.Evidence = append(f.Evidence, "every datagram is empty (0 bytes of payload)")
	case empty > 0:
		f.Evidence = append(f.Evidence, fmt.Sprintf("%d of %d ports got an empty datagram, the others a payload", empty, len(fs)))
	}
	f.Evidence = portLines(f.Evidence,
		portCount{closed, "answered ICMP port unreachable (closed)"},
		portCount{open, "answered with a datagram (open)"},
		portCount{filtered, "answered another ICMP unreachable (filtered)"},
		portCount{silent, "sent no answer (open or filtered)"})
	a.out = append(a.out, f)
}
