package detector

// Host discovery probes beside echo, timestamp and TCP: ICMP address
// mask requests (nmap -PM), SCTP INIT chunks (-PY) and bare datagrams of
// other IP protocols (-PO: IGMP, IP-in-IP and the rest). SCTP INITs and
// other protocols' datagrams are tracked once, as the port scans' probes
// (sctp.go, ipproto.go); the sweeps read those flows across hosts.
const (
	icmpMask      = 17
	icmpMaskReply = 18

	// maxProtoProbeLen is the most payload a datagram of another IP
	// protocol may carry and still be a protocol probe of a sweep: nmap's
	// IGMP query is 8 bytes, its other protocols' probes are empty, while
	// a tunnel's packets carry a whole inner packet (20 bytes and more).
	maxProtoProbeLen = 8
)

// unicast reports whether a is an address one host has: not multicast
// (IGMP reports go to 224.0.0.0/4), not limited broadcast.
func unicast(a ipAddr) bool { return !a.multicast() }

// inboundMaskReply records an address mask reply to a mask request.
func (t *flowTable) inboundMaskReply(p *packet) bool {
	if p.icmpType != icmpMaskReply {
		return false
	}
	f := t.find(flowKey{p.src, 0, kindMask})
	if f == nil {
		return false
	}
	f.state |= gotReply
	return true
}
