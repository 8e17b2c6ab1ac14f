package detector

// udp handles a UDP datagram: an answer to someone's probe, an OS
// detection probe, or a probe of s's own.
func (d *Detector) udp(p *packet) {
	if d.answer(p) {
		return
	}
	s := d.prober(p, true)
	if osUDP(p) {
		d.osUDP(s, p)
		return
	}
	if p.payLen == 0 {
		// Only empty datagrams: two ordinary clients sending the same
		// request from the same port are no decoys.
		d.decoys.observe(d, s, p, kindUDP)
	}
	d.probe(s, flowKey{p.dst, p.dport, kindUDP}, p)
}

// icmp handles an ICMP packet: echo and timestamp requests are probes
// (or OS-detection probes), everything else can only be an answer.
func (d *Detector) icmp(p *packet) {
	var k probeKind
	switch p.icmpType {
	case icmpEcho:
		k = kindEcho
	case icmpTimestamp:
		k = kindTimestamp
	case icmpMask:
		k = kindMask
	default:
		d.answer(p)
		return
	}
	s := d.prober(p, true)
	if k == kindEcho && osEcho(p) {
		d.osICMP(s, p)
		return
	}
	d.decoys.observe(d, s, p, k)
	d.probe(s, flowKey{p.dst, 0, k}, p)
}

// osUDP recognises the UDP probe of both generations of nmap OS
// detection: 300 bytes of one repeated byte (nmap 2.0x's PU: a per-run
// byte in 'A'..'|'; today's U1: 'C').
func osUDP(p *packet) bool {
	return p.payLen == 300 && len(p.payload) > 0 && uniform(p.payload)
}

// osEcho recognises today's nmap's IE probes: echo requests of 120 bytes
// with code 9, or of 150 bytes with TOS 4.
func osEcho(p *packet) bool {
	return p.payLen == 120 && p.flags == 9 || p.payLen == 150 && p.tos == 4
}
