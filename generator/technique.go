package generator

import (
	"time"

	"github.com/siglab/siglab/wire"
)

// technique is what differs between nmap 2.01's port scan engines:
// pos_scan() for the SYN scan and super_scan() for FIN, Xmas, Null,
// Maimon and UDP (nmap-2.0x-internals.md §2, §3.2, §3.3).
type technique struct {
	kind       ScanType
	proto      string // "tcp" or "udp", as the ports table prints it
	protoName  string // "TCP" or "UDP", as the -v lines print it
	initiating string // "Initiating %s against ..."
	took       string // "The %s took ..."
	tries      int    // sends per port per round
	silentOpen bool   // super_scan: a port that never answers is open
	sleeps     bool   // the senddelay is slept (SYN, UDP), not only computed
	flags      uint8  // TCP flags of the probe
	maxRounds  int
	tags       [3]string // capture labels per try
}

// superInitiating and superTook are super_scan's lines, shared by all four
// of its scan types.
const (
	superInitiating = "FIN,NULL, UDP, or Xmas stealth scan"
	superTook       = "UDP or stealth FIN/NULL/XMAS scan"
)

// connectWidthCap is max_sockets: RLIMIT_NOFILE's hard limit less 4, at
// most 125, which a 1998 Linux with 1024 descriptors reached.
const connectWidthCap = 125

var techniques = map[ScanType]*technique{
	ScanConnect: {kind: ScanConnect, tags: tags("connect()"), proto: "tcp", protoName: "TCP", initiating: "TCP connect() scan", took: "TCP connect scan", tries: 3, sleeps: true, maxRounds: 20},
	ScanSYN:     {kind: ScanSYN, tags: tags("SYN"), proto: "tcp", protoName: "TCP", initiating: "SYN half-open stealth scan", took: "SYN scan", tries: 3, sleeps: true, flags: wire.FlagSYN, maxRounds: 20},
	ScanFIN:     {kind: ScanFIN, tags: tags("FIN"), proto: "tcp", protoName: "TCP", initiating: superInitiating, took: superTook, tries: 2, silentOpen: true, flags: wire.FlagFIN, maxRounds: 100},
	ScanXmas:    {kind: ScanXmas, tags: tags("Xmas"), proto: "tcp", protoName: "TCP", initiating: superInitiating, took: superTook, tries: 2, silentOpen: true, flags: wire.FlagFIN | wire.FlagURG | wire.FlagPSH, maxRounds: 100},
	// -sM, Uriel Maimon's scan (Phrack 49): FIN|ACK. super_scan treats it
	// like FIN; BSD-derived stacks drop it on open ports, others RST.
	ScanMaimon: {kind: ScanMaimon, tags: tags("Maimon"), proto: "tcp", protoName: "TCP", initiating: superInitiating, took: superTook, tries: 2, silentOpen: true, flags: wire.FlagFIN | wire.FlagACK, maxRounds: 100},
	ScanNull:   {kind: ScanNull, tags: tags("Null"), proto: "tcp", protoName: "TCP", initiating: superInitiating, took: superTook, tries: 2, silentOpen: true, flags: 0, maxRounds: 100},
	ScanUDP:    {kind: ScanUDP, tags: tags("UDP"), proto: "udp", protoName: "UDP", initiating: superInitiating, took: superTook, tries: 2, silentOpen: true, sleeps: true, maxRounds: 100},
}

// tags labels a technique's probes by try: "SYN", "SYN retry 1", ...
func tags(name string) [3]string {
	return [3]string{name + " probe", name + " retry 1", name + " retry 2"}
}

// probe sends port's probe at try. SYN: sport M+3*round+try, seq
// sequences[try]. super_scan: sport M, then M+1 for the retransmission
// (both M under -g), seq 0; UDP carries no payload.
func (t *technique) probe(s *portScan, port uint16, try int) error {
	p := s.p.as(t.tags[min(try, 2)])
	if t.kind == ScanConnect { // each try is a new connect() from a new port
		sport, err := p.host.ConnectTCP(s.dst, port)
		s.sockets[sport] = socketRef{port, try}
		return err
	}
	if t.kind == ScanSYN {
		sport := p.magic + uint16(3*s.round+try)
		if p.fragment {
			return p.sendSmallFragz(s.dst, sport, port, s.seqs[try], wire.FlagSYN)
		}
		return p.sendTCPRaw(s.dst, sport, port, s.seqs[try], wire.FlagSYN, nil)
	}
	sport := p.magic + uint16(try)
	if s.fixedPort {
		sport = p.magic
	}
	switch {
	case t.kind == ScanUDP:
		return p.sendUDPRaw(s.dst, sport, port, nil)
	case p.fragment: // seq 0: send_small_fragz draws one per decoy copy
		return p.sendSmallFragz(s.dst, sport, port, 0, t.flags)
	}
	return p.sendTCPRaw(s.dst, sport, port, 0, t.flags, nil)
}

// answer classifies a reply to pos_scan (SYN or connect scan): the port
// it answers, the try it answers (-1: unknown) and the port's new state.
// super_scan reads its replies in superscan.go.
func (t *technique) answer(s *portScan, pk wire.Packet) (uint16, int, portState, bool) {
	if t.kind == ScanConnect {
		return t.connectAnswer(s, pk)
	}
	if pk.Proto() == wire.ProtoICMP {
		return t.unreachable(s, pk)
	}
	if !pk.IsTCP() {
		return 0, 0, 0, false
	}
	if pk.DPort()-s.p.magic >= magicSpan { // from round 5 on, a retry's answer too
		if s.out.debug > 1 { // error(): stderr
			s.out.printf("SYN scan got TCP packet to port %d (magic port is %d) ... ignoring\n", pk.DPort(), s.p.magic)
		}
		return 0, 0, 0, false
	}
	for try, seq := range s.seqs { // the try is told by the ack (distance < 5)
		if pk.Ack()-seq >= 5 {
			continue
		}
		switch {
		case pk.HasFlags(wire.FlagSYN | wire.FlagACK):
			return pk.SPort(), try, psOpen, true
		case pk.HasFlags(wire.FlagRST):
			return pk.SPort(), try, psClosed, true
		}
	}
	return 0, 0, 0, false
}

// unreachable classifies the ICMP destination unreachables (codes 2, 3
// and 13) that quote one of the SYN scan's probes: the port is
// Firewalled. The quote does not tell the try, so get_syn_results() takes
// it for the first only while no retransmission went out: "trynum =
// (current->trynum == 0)? 0 : -1;" (-1: no timing, no window change).
func (t *technique) unreachable(s *portScan, pk wire.Packet) (uint16, int, portState, bool) {
	if pk.ICMPType() != 3 {
		return 0, 0, 0, false
	}
	q, ok := pk.Quoted()
	if !ok || q.Dst() != s.dst || q.Proto() != wire.ProtoTCP { // any source port: nmap checks none
		return 0, 0, 0, false
	}
	i, known := s.byPort.get(q.DPort())
	if !known {
		return 0, 0, 0, false
	}
	try := 0
	if s.ports[i].try != 0 {
		try = -1
	}
	switch c := pk.ICMPCode(); c {
	case 2, 3, 13:
		return q.DPort(), try, psFirewalled, true
	}
	return 0, 0, 0, false
}

// again is the rescan rule: pos_scan rescans the silent ports after round
// 0 and after any round in which something changed, 20 rounds at most;
// super_scan only while something changes, 100 rounds at most.
func (t *technique) again(round int, changed bool) bool {
	if round+1 >= t.maxRounds {
		return false
	}
	return changed || (t.kind == ScanSYN || t.kind == ScanConnect) && round == 0 // pos_scan: tries == 0 || ss.changed
}

// pace adjusts the senddelay before the next round.
func (t *technique) pace(s *portScan) {
	next := s.round + 1
	if !t.silentOpen { // pos_scan, SYN and connect scan alike
		switch {
		case next >= 10:
			s.senddelay += 75 * time.Millisecond
			s.out.verbosef("Bumping up senddelay by 75000 (to %d), due to excessive drops\n", s.senddelay.Microseconds())
		case next >= 4:
			bump := time.Duration(next-3) * 10 * time.Millisecond
			s.senddelay += bump
			s.out.verbosef("Bumping up senddelay by %d (to %d), due to excessive drops\n", bump.Microseconds(), s.senddelay.Microseconds())
		}
		if s.senddelay > 200*time.Millisecond {
			s.maxWidth = 5
		}
		return
	}
	// super_scan: "if (tries > 3 && senddelay == 0) senddelay = 10000;"
	// at the top of each round. Loss raises it in the middle of a round
	// (superLost).
	if next > 3 && s.senddelay == 0 {
		s.senddelay = 10 * time.Millisecond
	}
}

// socketRef is what a connect() socket was opened for.
type socketRef struct {
	port uint16
	try  int
}

// connectAnswer reads a connect() socket's fate off its packets, as nmap's
// select() loop saw it: a SYN/ACK makes it writable (open; nmap closes it
// with linger 0, so the kernel resets the connection), a RST refuses it.
func (t *technique) connectAnswer(s *portScan, pk wire.Packet) (uint16, int, portState, bool) {
	ref, ok := s.sockets[pk.DPort()]
	if !ok || !pk.IsTCP() {
		return 0, 0, 0, false
	}
	switch {
	case pk.HasFlags(wire.FlagSYN | wire.FlagACK):
		if s.out.debug >= 2 {
			s.out.debugf(2, "portnumber %d selected for WRITE\n", ref.port)
		}
		delete(s.sockets, pk.DPort())
		// Under -I the socket stays open while identd is asked about it
		// (identDone closes it), unless the port is settled already.
		if i, known := s.byPort.get(ref.port); !s.identOn || !known || s.ports[i].state != psWaiting {
			_ = s.p.host.CloseTCP(pk.DPort())
		}
		return ref.port, ref.try, psOpen, true
	case pk.HasFlags(wire.FlagRST):
		if s.out.debug >= 2 {
			s.out.debugf(2, "portnumber %d selected for READ WRITE\n", ref.port)
		}
		delete(s.sockets, pk.DPort())
		_ = s.p.host.CloseTCP(pk.DPort())
		return ref.port, ref.try, psClosed, true
	}
	return 0, 0, 0, false
}

// abandon closes the sockets of a port nmap gives up on or retries.
func (t *technique) abandon(s *portScan, port uint16) {
	if t.kind != ScanConnect {
		return
	}
	for sport, ref := range s.sockets {
		if ref.port == port {
			delete(s.sockets, sport)
			_ = s.p.host.CloseTCP(sport)
		}
	}
}
