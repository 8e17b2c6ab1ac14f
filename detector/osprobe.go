package detector

import "github.com/siglab/siglab/wire"

// OS-detection probes are kept apart from the port-scan flows: they go to
// ports the scan also probed, with flags of other techniques, and would
// otherwise pass for a FIN or Null scan of one port. Each attempt (one
// sequence base per target) records which tests it sent.

// Tests of one attempt. T1-T7 are both generations'; PU is 2.0x's UDP
// probe and today's U1; SEQ, ECN and IE exist only today.
const (
	testT1 = 1 << iota
	testT2
	testT3
	testT4
	testT5
	testT6
	testT7
	testPU
	testSEQ
	testECN
	testIE
)

// openTests need an open port; without one nmap sends only the others.
const openTests = testT1 | testT2 | testT3 | testT4 | testSEQ | testECN

// maxOSAttempts bounds the attempts kept per source; more are counted.
const maxOSAttempts = 32

// osAttempt is one run of the battery against one target.
type osAttempt struct {
	target               ipAddr
	base                 uint32 // the attempt's sequence base
	gen                  uint8  // 1: nmap 2.0x's battery, 2: today's
	tests                uint16
	openPort, closedPort uint16
	first, last          int64
	probes               uint16
	window               uint16 // of the first TCP probe
	ttl                  uint8
	// The UDP probe: its byte, IP ID, and how often it was sent.
	puByte uint8
	puID   uint16
	pus    uint8
}

type osTracker struct {
	attempts []osAttempt
	more     uint32
}

func (t *osTracker) reset() { t.attempts, t.more = t.attempts[:0], 0 }

// attempt returns the attempt p belongs to: same target and a sequence
// number at most a few past its base. It opens one when there is none.
func (t *osTracker) attempt(p *packet, gen uint8) *osAttempt {
	for i := len(t.attempts) - 1; i >= 0; i-- {
		a := &t.attempts[i]
		if a.target == p.dst && a.gen == gen && p.seq-a.base < 8 {
			return a
		}
	}
	if len(t.attempts) >= maxOSAttempts {
		t.more++
		return nil
	}
	t.attempts = append(t.attempts, osAttempt{target: p.dst, base: p.seq, gen: gen,
		first: p.ts, window: p.window, ttl: p.ttl})
	return &t.attempts[len(t.attempts)-1]
}

// latest returns the newest attempt against target, preferring the one
// whose closed port is port; nil when there is none.
func (t *osTracker) latest(target ipAddr, port uint16) *osAttempt {
	var best *osAttempt
	for i := len(t.attempts) - 1; i >= 0; i-- {
		a := &t.attempts[i]
		if a.target != target {
			continue
		}
		if a.closedPort == port {
			return a
		}
		if best == nil {
			best = a
		}
	}
	return best
}

func (s *source) osTracker() *osTracker {
	if s.os == nil {
		s.os = &osTracker{}
	}
	return s.os
}

// osTCP records a TCP probe carrying an OS-detection option list.
func (d *Detector) osTCP(s *source, p *packet) {
	if isBareSYN(p.flags) {
		s.seq.observe(p)
	}
	d.decoys.observe(d, s, p, 0)
	gen := uint8(1)
	if p.opts.class == optOS2 {
		gen = 2
	}
	a := s.osTracker().attempt(p, gen)
	if a == nil {
		return
	}
	a.note(p)
	switch f := p.flags; {
	case f == wire.FlagSYN|wire.FlagECE|wire.FlagCWR:
		a.open(testECN, p.dport)
	case f&^wire.FlagECE == wire.FlagSYN && gen == 1:
		if f&wire.FlagECE != 0 {
			a.open(testT1, p.dport)
		} else {
			a.closed(testT5, p.dport)
		}
	case f == wire.FlagSYN: // gen 2: T5 has window 31337, the six SEQ probes others
		if p.window == 31337 {
			a.closed(testT5, p.dport)
		} else {
			a.open(testSEQ, p.dport)
		}
	case f == 0:
		a.open(testT2, p.dport)
	case f == wire.FlagSYN|wire.FlagFIN|wire.FlagPSH|wire.FlagURG:
		a.open(testT3, p.dport)
	case f == wire.FlagACK:
		if a.openPort != 0 && p.dport == a.openPort {
			a.tests |= testT4
		} else {
			a.closed(testT6, p.dport)
		}
	case f == wire.FlagFIN|wire.FlagPSH|wire.FlagURG:
		a.closed(testT7, p.dport)
	}
}

func (a *osAttempt) note(p *packet) {
	a.last = p.ts
	if a.probes < ^uint16(0) {
		a.probes++
	}
}

func (a *osAttempt) open(test uint16, port uint16) {
	a.tests |= test
	if a.openPort == 0 {
		a.openPort = port
	}
}

func (a *osAttempt) closed(test uint16, port uint16) {
	a.tests |= test
	if a.closedPort == 0 {
		a.closedPort = port
	}
}

// osUDP records the PU/U1 datagram with the attempt it belongs to. A
// lone one, with no TCP probe before it, is left out: nmap always sends
// the TCP tests first.
func (d *Detector) osUDP(s *source, p *packet) {
	d.decoys.observe(d, s, p, kindUDP)
	if s.os == nil {
		return
	}
	a := s.os.latest(p.dst, p.dport)
	if a == nil {
		return
	}
	a.note(p)
	a.tests |= testPU
	a.puByte, a.puID = p.payload[0], p.ipID
	if a.pus < 255 {
		a.pus++
	}
}

// osICMP records today's IE echo probes with their attempt.
func (d *Detector) osICMP(s *source, p *packet) {
	if s.os == nil {
		return
	}
	if a := s.os.latest(p.dst, 0); a != nil {
		a.note(p)
		a.tests |= testIE
	}
}
