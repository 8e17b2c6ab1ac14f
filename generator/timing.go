package generator

import "time"

// Timeouts are nmap 2.01's per-host retransmission timers (struct
// timeout_info): a smoothed RTT and its variance, RFC 793 style, kept in
// whole microseconds as 2.01 kept them in ints.
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

// newTimeouts is a host's timers under -P0: srtt = rttvar = -1 (whole
// microseconds, as adjust reads them), so the first round trip
// initialises them.
func newTimeouts() timeouts {
	return timeouts{srtt: -time.Microsecond, rttvar: -time.Microsecond, timeout: noPingTimeout}
}

// newPingTimeouts is massping()'s static timeout_info as 2.01 starts it:
// bzeroed, then only the timeout set to pingtimeout seconds (o.ptime: -T,
// 6 without it), so srtt and rttvar are 0, not -1, and the first reply
// goes through the smoothing branch of adjust_timeouts(): srtt = rtt/8,
// rttvar = rtt/4, timeout at its floor.
func newPingTimeouts(seconds int) timeouts {
	return timeouts{timeout: time.Duration(seconds) * time.Second}
}

// adjust folds the round trip of a probe sent at sent and answered at now
// into the timers, as 2.01's adjust_timeouts() (nmap.c) does, in integer
// microseconds (gettimeofday's), with C's arithmetic right shifts:
//
//   - srtt = rttvar = -1 (never measured): srtt = rtt, rttvar =
//     max(5 ms, min(rtt, 600 ms)), timeout = srtt + 4*rttvar;
//   - otherwise an rtt of 8 s or more is ignored; delta = rtt - srtt; a
//     delta above 1.5 s and above 3*srtt + 2*rttvar is ignored; srtt +=
//     delta>>3, rttvar += (|delta| - rttvar)>>2, timeout = srtt + 4*rttvar;
//   - then rttvar above 2.3 s drops to 2 s, and the timeout is at least
//     75 ms.
//
// out, when not nil, gets 2.01's lines: under -d -d "Timeout vals: ..."
// and "delta %d ==> ..." (the values before the 75 ms floor), under -d
// the "Bogus delta" one, and always the rttvar warning.
func (t *timeouts) adjust(sent, now time.Time, out *output) {
	rtt := now.UnixMicro() - sent.UnixMicro()
	srtt, rttvar := t.srtt.Microseconds(), t.rttvar.Microseconds()
	var timeout, delta int64
	if out != nil && out.debug > 1 { // checked first: the arguments would allocate
		out.printf("Timeout vals: srtt: %d rttvar: %d to: %d ", srtt, rttvar, t.timeout.Microseconds())
	}
	if srtt == -1 && rttvar == -1 {
		srtt = rtt
		rttvar = max(5000, min(srtt, 600000))
		timeout = srtt + rttvar<<2
	} else {
		if rtt >= 8000000 {
			return
		}
		delta = rtt - srtt
		if delta > 1500000 && delta > 3*srtt+2*rttvar {
			if out != nil && out.debug > 0 {
				out.printf("Bogus delta: %d (srtt %d) ... ignoring\n", delta, srtt)
			}
			return
		}
		srtt += delta >> 3
		rttvar += (abs(delta) - rttvar) >> 2
		timeout = srtt + rttvar<<2
	}
	if out != nil && out.debug > 1 {
		out.printf("delta %d ==> srtt: %d rttvar: %d to: %d\n", delta, srtt, rttvar, timeout)
	}
	if rttvar > 2300000 {
		if out != nil {
			out.printf("RTTVAR has grown to over 2.3 seconds, decreasing to 2.0\n")
		}
		rttvar = 2000000
	}
	timeout = max(timeout, minTimeout.Microseconds())
	t.srtt, t.rttvar, t.timeout = us(srtt), us(rttvar), us(timeout)
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func us(v int64) time.Duration { return time.Duration(v) * time.Microsecond }

// The scanner's timer granularity. siglab's scanner is a Linux 2.0.3x x86
// host: HZ = 100, so the kernel counts time in 10 ms jiffies and a process
// put to sleep wakes only on a timer tick. Linux 2.0's select() (which
// libc5's and glibc 2.0's usleep() call) converts its timeout to jiffies
// rounding up, ROUND_UP(tv_usec, 10000) + tv_sec*HZ, and adds one more
// jiffy for the tick already under way: the process wakes at the tick
// where jiffies reaches now_jiffies + ceil(t/10 ms) + 1. nanosleep() does
// the same (timespectojiffies() rounds up, plus one jiffy). A sleep of t
// therefore lasts between ceil(t/10 ms) and ceil(t/10 ms)+1 ticks. The
// FAQ's figure 2 pins the +1: 2.01's TSeq usleep(5000 + srtt) asks for
// about 5.03 ms, and its SYNs leave 10.4, 20.1, 20.1, 19.9 and 20.0 ms
// apart: one rounded-up jiffy plus the extra one, with the first sleep
// starting late in its jiffy. Without the extra jiffy the steady spacing
// would be 10 ms.
const (
	jiffy = 10 * time.Millisecond // 1/HZ, HZ = 100
	// jiffyPhase is where the scanner's ticks fall within each 10 ms of
	// wall-clock time (Unix time modulo 10 ms). The FAQ's figure 2 TSeq
	// SYNs leave just after .xx3.3xx s (.413377, .433429, .453555...), so
	// its lab host ticked at about 3.3 ms past each 10 ms; siglab's
	// offline clock starts at that run's first packet, and keeps the phase.
	jiffyPhase = 3300 * time.Microsecond
)

// sleepEnd is when a usleep(d) (or sleep()) that starts at now returns on
// the scanner: at the tick the rule above gives, or exactly at now+d when
// the process models ideal timers (Options.IdealTimers). A sleep of zero
// or less returns at once (select() with a zero timeout does not sleep).
func (p *process) sleepEnd(now time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return now
	}
	if p.idealTimers {
		return now.Add(d)
	}
	ticks := (d.Microseconds() + jiffy.Microseconds() - 1) / jiffy.Microseconds()
	since := now.UnixNano() - int64(jiffyPhase)
	cur := since / int64(jiffy) // jiffies now (the clock is after 1970)
	wake := (cur + ticks + 1) * int64(jiffy)
	return time.Unix(0, wake+int64(jiffyPhase)).In(now.Location())
}
