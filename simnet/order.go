package simnet

import "time"

// wireOrder holds tapped packets until none earlier can follow, then
// hands them to the tap by (time, tap order): what a stable sort of all
// the taps by time gives, without holding a whole run. Answers are
// tapped when the scanner reads them, which can be after later sends.
//
// Sends and answers each come in time order (sends at a clock that never
// goes back; answers off a queue ordered by time, queued one RTT after
// their send), so each waits in its own lane and handing over is a merge
// of the two lanes' heads: O(1) a packet. A lane still inserts an
// out-of-order packet at its place, so the order holds regardless.
//
// A send is copied into a pooled buffer (the scanner reuses its own); an
// answer already is in one (the network's, see bufPool), which goes back
// to the pool once tapped. Once the pool is warm nothing allocates per
// packet.
type wireOrder struct {
	tap     func(t time.Time, pkt []byte)
	sends   events
	answers events
	pool    *bufPool
	seq     uint64
}

// holdSend keeps a copy of a send tapped at (at, key).
func (w *wireOrder) holdSend(at time.Time, key int64, p []byte) {
	w.seq++
	w.sends.push(event{at: at, key: key, seq: w.seq, pkt: w.pool.copyOf(p)})
}

// holdAnswer keeps an answer tapped at (at, key); p is a pooled buffer
// that now belongs to w.
func (w *wireOrder) holdAnswer(at time.Time, key int64, p []byte) {
	w.seq++
	w.answers.push(event{at: at, key: key, seq: w.seq, pkt: p})
}

// release hands over, in order, every held packet whose key is at most
// horizon: the caller guarantees no packet tapped later has a smaller
// key, and one with an equal key was tapped later, so it goes after.
func (w *wireOrder) release(horizon int64) {
	for {
		s, a := w.sends.first(), w.answers.first()
		switch {
		case s != nil && (a == nil || s.before(a)) && s.key <= horizon:
			h := w.sends.pop()
			w.tap(h.at, h.pkt)
			w.pool.put(h.pkt)
		case a != nil && (s == nil || a.before(s)) && a.key <= horizon:
			h := w.answers.pop()
			w.tap(h.at, h.pkt)
			w.pool.put(h.pkt)
		default:
			return
		}
	}
}

// flush hands over everything still held: the run is over.
func (w *wireOrder) flush() { w.release(1<<63 - 1) }
