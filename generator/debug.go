package generator

import "time"

// The lines nmap 2.01 printed under o.debugging (-d; -d -d for level 2)
// in the scan engines siglab replays, word for word from nmap.c's format
// strings (2.05 prints the same ones). Packet dumps are not among them:
// tcpip.c's are compiled in by TCPIP_DEBUGGING, not switched on by -d.

// udpLossSleep is super_scan's usleep(250000) after a lost UDP probe,
// which 2.01 only reaches with -d: it sits inside the o.debugging block
// (as does windowdecrease++, so only -d limits the cut to one per pass;
// superLost in superscan.go).
const udpLossSleep = 250 * time.Millisecond

// debugStart is the head of pos_scan() and super_scan(): the "Starting"
// line and, for the engines that read with pcap, the capture filter.
func (s *portScan) debugStart() {
	if s.out.debug == 0 {
		return
	}
	src, dst := s.p.host.Addr(), s.dst
	switch {
	case s.tech.silentOpen:
		s.out.printf("Starting super_scan\n")
		s.out.printf("Packet capture filter: (icmp and dst host %s) or (tcp and src host %s and dst host %s and ( dst port %d or dst port %d))\n",
			src, dst, src, s.p.magic, s.p.magic+1)
	case s.tech.kind == ScanSYN:
		s.out.printf("Starting pos_scan\n")
		s.out.printf("Packet capture filter: (icmp and dst host %s) or (tcp and src host %s and dst host %s)\n", src, dst, src)
	default:
		s.out.printf("Starting pos_scan\n")
	}
}

// debugSilent is printed when a port's last try of the round times out.
// (The level is checked first: boxing the port would allocate on the
// per-probe path.)
func (s *portScan) debugSilent(port uint16) {
	switch {
	case s.tech.silentOpen && s.out.debug > 1:
		s.out.printf("Moving port %d to the open list\n", port)
	case !s.tech.silentOpen && s.out.debug > 0:
		s.out.printf("Moving port %d to the potentially firewalled list\n", port)
	}
}

// debugResend is printed before a retransmission.
func (s *portScan) debugResend(port uint16) {
	switch {
	case s.out.debug < 2:
	case s.tech.silentOpen:
		s.out.printf("Initial timeout, resending to portno %d\n", port)
	default:
		s.out.printf("Timeout, resending to portno %d\n", port)
	}
}

// debugRoundEnd is the end of a round. pos_scan: each port it rescans
// ("Preparing for retry, nonresponsive port"), then "Done with round"
// with tries, which counts the rounds that left silent ports. super_scan:
// each port it holds open ("Preparing for retry, open port"), whether or
// not another round follows, then "Done with round" with the round's
// number. Both walk their list from its head, the port that went silent
// last.
func (s *portScan) debugRoundEnd(hasSilent, again bool) {
	order := s.silentOrder
	s.silentOrder = s.silentOrder[:0]
	if s.out.debug == 0 {
		return
	}
	if s.tech.silentOpen {
		for i := len(order) - 1; i >= 0; i-- {
			s.out.printf("Preparing for retry, open port %d noted\n", order[i])
		}
		s.out.printf("Done with round %d\n", s.round)
		return
	}
	if !hasSilent {
		s.out.printf("Done with round %d\n", s.round)
		return
	}
	if again {
		for i := len(order) - 1; i >= 0; i-- {
			s.out.printf("Preparing for retry, nonresponsive port %d noted\n", order[i])
		}
	}
	s.out.printf("Done with round %d\n", s.round+1)
}

// debugTimes is main()'s line after each scanned host, in microseconds
// (-1 for timers never set, as under -P0 without an answer).
func (o *output) debugTimes(t timeouts) {
	us := func(d time.Duration) int64 {
		if d < 0 {
			return -1
		}
		return d.Microseconds()
	}
	o.debugf(1, "Final times for host: srtt: %d rttvar: %d  to: %d\n", us(t.srtt), us(t.rttvar), us(t.timeout))
}
