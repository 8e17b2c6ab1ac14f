package generator

import (
	"slices"
	"time"

	"github.com/siglab/siglab/wire"
)

// super_scan()'s read loop (2.01's nmap.c; 2.05's is the same): what one
// packet does to the scan of FIN, Xmas, Null, Maimon or UDP.
//
// It finds the port (a RST's source port, the port an ICMP unreachable
// quotes) whatever state the port is in, then works out which send the
// packet answers, packet_trynum:
//
//   - a RST: its destination port less M (0 or 1), or -1 under -g (both
//     sends leave from M); 0 whenever the port has had one send only;
//   - an ICMP unreachable: the quoted source port less M (0 or 1, else
//     -1); under -g 0 while the port has had one send, else -1.
//
// A port already on the open list (given up on this round) comes off it:
// nmap "gave up on this port too early". A closed port answered again by
// an unknown send makes the variance grow ("Late packet"). A known send
// times the round trip with that send's time and widens the window; an
// answer to the retransmission counts as a drop (superLost). The port then
// takes its new state; a change makes another round.
//
// Not reproduced, because no lab host sends the packets that reach them:
// "Strange packet from port %d:" and "Strange ICMP packet type 3 code %d
// related to port %d:" with tcpip.c's readtcppacket() dump (an answer from
// or about a port that is not scanned), error()'s "BAD TCP packet detected
// to port %d from port %d" (the pcap filter passes only M and M+1),
// "Received strange ICMP destunreach response -- code: %d" with its
// hdump() (codes other than 2, 3 and 13) and "UDP packet received" (the
// filter passes no UDP).

// nmap.h's port states, as error() prints them.
const (
	nmapPortClosed     = 1
	nmapPortOpen       = 2
	nmapPortFirewalled = 4
	nmapPortTesting    = 8
	nmapPortFresh      = 16
)

// nmapState is the number nmap.h gives the state super_scan keeps a port
// in: psSilent is the open list, psUntried PORT_FRESH.
func nmapState(st portState) int {
	switch st {
	case psClosed:
		return nmapPortClosed
	case psOpen, psSilent:
		return nmapPortOpen
	case psFirewalled:
		return nmapPortFirewalled
	case psWaiting:
		return nmapPortTesting
	}
	return nmapPortFresh
}

// superReceive takes one packet from the target; it reports whether the
// packet was one of the scan's.
func (s *portScan) superReceive(now time.Time, pk wire.Packet) bool {
	i, pt, st, ok := s.superAnswer(pk)
	if !ok {
		return false
	}
	sp := &s.ports[i]
	switch {
	case sp.state == psSilent: // "0oPs! we gave up on this port two early"
		s.silentOrder = slices.DeleteFunc(s.silentOrder, func(p uint16) bool { return p == sp.port })
	case sp.state == psClosed && pt < 0:
		// "target->to.rttvar *= 1.2;": an int times a double, truncated;
		// the timeout waits for the next adjust_timeouts().
		s.to.rttvar = us(int64(float64(s.to.rttvar.Microseconds()) * 1.2))
		if s.out.debug > 0 {
			s.out.printf("Late packet, couldn't figure out sendno so we do varianceincrease to %d\n", s.to.rttvar.Microseconds())
		}
	}
	if pt >= 0 {
		if sent := s.sentAt(i, pt); !sent.IsZero() { // a send that never left: nmap read garbage
			s.to.adjust(sent, now, s.out)
		}
		s.ideal = min(s.ideal+4/s.ideal, float64(s.maxWidth))
		if pt > 0 && sp.try > 0 { // "The first packet was apparently lost, slow down"
			s.superLost()
		}
	}
	if sp.state != st {
		s.changed = true
	}
	if sp.state == psWaiting {
		s.waiting--
	}
	sp.state = st
	return true
}

// superAnswer finds the port a packet answers, packet_trynum and the
// port's new state.
func (s *portScan) superAnswer(pk wire.Packet) (int, int, portState, bool) {
	m := s.p.magic
	if pk.IsTCP() {
		// The pcap filter passes TCP to M and M+1 only; a packet without
		// RST is skipped ("Wrong TCP flags").
		if (pk.DPort() != m && pk.DPort() != m+1) || !pk.HasFlags(wire.FlagRST) {
			return 0, 0, 0, false
		}
		i, known := s.byPort.get(pk.SPort())
		if !known {
			return 0, 0, 0, false
		}
		sp := &s.ports[i]
		if sp.state != psWaiting && s.out.debug > 0 { // error(): stderr
			s.out.printf("TCP packet detected from port %d which is in state %d (should usually be PORT_TESTING (but not always)\n", sp.port, nmapState(sp.state))
		}
		pt := -1
		if !s.fixedPort {
			pt = int(pk.DPort() - m)
		}
		if sp.try == 0 {
			pt = 0
		}
		return i, pt, psClosed, true
	}
	if pk.Proto() != wire.ProtoICMP || pk.ICMPType() != 3 {
		return 0, 0, 0, false
	}
	q, ok := pk.Quoted()
	if !ok || q.Dst() != s.dst {
		return 0, 0, 0, false
	}
	if (s.tech.kind == ScanUDP) != (q.Proto() == wire.ProtoUDP) {
		return 0, 0, 0, false // quotes no probe of this scan
	}
	i, known := s.byPort.get(q.DPort())
	if !known {
		return 0, 0, 0, false
	}
	pt := -1
	switch {
	case !s.fixedPort && (q.SPort() == m || q.SPort() == m+1):
		pt = int(q.SPort() - m)
	case s.fixedPort && s.ports[i].try == 0:
		pt = 0
	}
	switch pk.ICMPCode() {
	case 3:
		if s.tech.kind == ScanUDP {
			return i, pt, psClosed, true
		}
		return i, pt, psFirewalled, true
	case 2, 13:
		return i, pt, psFirewalled, true
	}
	return 0, 0, 0, false
}

// super_scan's senddelay rule for lost packets, 2.01's exact arithmetic:
//
//	if (freshportstried > 50 && ((double) dropped/freshportstried) > 0.3) {
//	  if (!senddelay) senddelay = 50000;
//	  else senddelay = MIN(senddelay * 2, 1000000);
//	  if (senddelay >= 200000 && scantype == UDP_SCAN)
//	    max_width = 2;
//	  freshportstried = 0;
//	  dropped = 0;
//	  if (o.verbose || o.debugging )
//	    printf("Too many drops ... increasing senddelay to %d\n", senddelay);
const (
	dropMinFresh  = 50
	dropRatio     = 0.3
	dropFirstWait = 50 * time.Millisecond
	dropMaxWait   = time.Second
	udpSlowWait   = 200 * time.Millisecond
	udpSlowWidth  = 2
)

// superLost follows an answer to a retransmission: the drop count and,
// past 30% of more than 50 first tries, a doubled senddelay (which only
// the UDP scan sleeps); then the window cut, once per receive pass with
// -d (the guard is raised inside the debugging block), on every such
// answer without it.
func (s *portScan) superLost() {
	s.dropped++
	if s.fresh > dropMinFresh && float64(s.dropped)/float64(s.fresh) > dropRatio {
		if s.senddelay == 0 {
			s.senddelay = dropFirstWait
		} else {
			s.senddelay = min(2*s.senddelay, dropMaxWait)
		}
		if s.senddelay >= udpSlowWait && s.tech.kind == ScanUDP {
			s.maxWidth = udpSlowWidth
		}
		s.fresh, s.dropped = 0, 0
		s.out.verbosef("Too many drops ... increasing senddelay to %d\n", s.senddelay.Microseconds())
	}
	switch {
	case !s.shrunk:
		s.ideal = max(s.ideal*0.7, 1)
		if s.out.debug > 0 {
			s.out.printf("Lost a packet, decreasing window to %d\n", int(s.ideal))
			s.shrunk = true
			s.stall = s.tech.kind == ScanUDP // usleep(250000), also in the block
		}
	case s.out.debug > 1:
		s.out.printf("Lost a packet, but not decreasing\n")
	}
}
