package personality

import "time"

// limiter applies a rateLimit: a window of rateLimit.per in which n
// errors may go out; the first one over the limit closes the tap for the
// penalty.
type limiter struct {
	rateLimit
	windowStart, blockedUntil time.Time
	count                     int
}

// allow reports whether an ICMP error may be sent now, and counts it.
func (l *limiter) allow(now time.Time) bool {
	if l.n == 0 {
		return true
	}
	if now.Before(l.blockedUntil) {
		return false
	}
	if l.windowStart.IsZero() || now.Sub(l.windowStart) >= l.per {
		l.windowStart, l.count = now, 0
	}
	if l.count >= l.n {
		l.blockedUntil = now.Add(l.penalty)
		return false
	}
	l.count++
	return true
}
