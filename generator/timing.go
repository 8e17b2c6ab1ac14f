package generator

import "time"

// Timeouts are nmap 2.01's per-host retransmission timers (struct
// timeout_info): a smoothed RTT and its variance, RFC 793 style.
type timeouts struct {
	srtt, rttvar, timeout time.Duration
}

const (
	// noPingTimeout is the initial timeout with -P0 (srtt = rttvar = -1).
	noPingTimeout = 6 * time.Second
	// minTimeout is the floor nmap puts under any adaptive timeout.
	minTimeout = 75 * time.Millisecond
	// pcapTimeout is the read timeout of nmap's pcap handle: a receive pass
	// ends after this long with no packet.
	pcapTimeout = 20 * time.Millisecond
)

func newTimeouts() timeouts { return timeouts{srtt: -1, rttvar: -1, timeout: noPingTimeout} }

// adjust folds one measured round trip into the timers, as
// adjust_timeouts() does.
func (t *timeouts) adjust(rtt time.Duration) {
	if t.srtt < 0 && t.rttvar < 0 {
		t.srtt = rtt
		t.rttvar = max(5*time.Millisecond, min(rtt, 600*time.Millisecond))
	} else {
		d := rtt - t.srtt
		t.srtt += d / 8
		if d < 0 {
			d = -d
		}
		t.rttvar += (d - t.rttvar) / 4
	}
	t.timeout = max(t.srtt+4*t.rttvar, minTimeout)
}
