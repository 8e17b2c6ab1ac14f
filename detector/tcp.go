package detector

import "github.com/siglab/siglab/wire"

// tcpKind says which scan technique a TCP packet is a probe of, or 0 when
// it is no probe: stealth probes carry no payload, and a bare ACK (or
// FIN|ACK, or a custom flag set) counts only when it belongs to no
// connection the detector knows (tcpOther).
func tcpKind(p *packet) probeKind {
	f := p.flags &^ (wire.FlagECE | wire.FlagCWR)
	switch {
	case isBareSYN(p.flags):
		return kindSYN
	case p.payLen > 0:
		return 0
	case f == wire.FlagFIN:
		return kindFIN
	case f == wire.FlagFIN|wire.FlagPSH|wire.FlagURG:
		return kindXmas
	case f == 0:
		return kindNull
	case f == wire.FlagACK:
		return kindACK
	case f == wire.FlagFIN|wire.FlagACK:
		return kindMaimon
	case customFlags(f):
		return kindCustom
	}
	return 0
}

// tcp gives one TCP packet to the state of its destination (an answer to
// a prober) and of its source (what a prober sends).
func (d *Detector) tcp(p *packet) {
	answered := d.answer(p)
	d.idleTrack(p, answered)
	osProbe := p.opts.osProbe()
	kind := tcpKind(p)
	s := d.prober(p, osProbe || kind == kindSYN || (!answered && kind != 0))
	if s == nil {
		return
	}
	switch {
	case osProbe:
		d.osTCP(s, p)
	case kind == kindSYN:
		d.synProbe(s, p)
	default:
		d.tcpOther(s, p, kind, answered)
	}
}

// synProbe records a bare SYN: a scan probe, a connection attempt, a
// sequence sample, or an FTP server's data connection.
func (d *Detector) synProbe(s *source, p *packet) {
	d.decoys.observe(d, s, p, kindSYN)
	k := flowKey{p.dst, p.dport, kindSYN}
	// Sequence samples are not scan probes: from the second SYN of a run
	// on, leave them out of the port's flow, and take back the first.
	if n := s.seq.observe(p); n > 1 {
		if f := s.flows.find(k); n == 2 && f != nil && f.probes > 1 {
			f.probes--
			f.last = f.prevLast
			if f.has(lastOther) {
				f.others--
				f.state &^= lastOther
			}
		}
		return
	}
	f := d.probe(s, k, p)
	if f != nil && p.sport == ftpDataPort {
		d.relayedSYN(p, f)
	}
}

// tcpOther handles every other TCP packet of s: the rest of a connection
// s opened, or a stealth probe (FIN, Xmas, Null, ACK) to a port.
func (d *Detector) tcpOther(s *source, p *packet, kind probeKind, answered bool) {
	if f := s.flows.find(flowKey{p.dst, p.dport, kindSYN}); f != nil && f.has(gotSynAck) {
		d.connection(s, f, p)
		return
	}
	if answered || kind == 0 {
		return
	}
	d.decoys.observe(d, s, p, kind)
	d.probe(s, flowKey{p.dst, p.dport, kind}, p)
}

// connection records what s did with a connection the target accepted:
// reset it half-open (a SYN scan), completed it and reset it at once (a
// connect scan), or used it (data, FIN: an ordinary client).
func (d *Detector) connection(s *source, f *flow, p *packet) {
	if p.payLen > 0 {
		f.state |= sentData
		d.ftpCommand(s, p)
		d.serviceData(s, f, p)
	} else if p.flags&wire.FlagACK != 0 {
		if p.flags&(wire.FlagFIN|wire.FlagRST) != 0 {
			d.serviceClose(s, f, p)
		} else {
			d.serviceAck(s, f, p)
		}
	}
	if p.flags&wire.FlagFIN != 0 {
		f.state |= sentFin
	}
	switch {
	case p.flags&wire.FlagRST != 0:
		switch {
		case f.has(sentAck):
			f.state |= abortedAfter
		case f.state&sentReset == 0:
			f.state |= sentReset
			if p.seq == f.synAckAck {
				f.state |= resetSeqIsAck
			}
		}
	case p.flags&wire.FlagACK != 0 && f.state&sentReset == 0:
		f.state |= sentAck
	}
}
