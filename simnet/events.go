package simnet

import "time"

// event is a packet at a time: an answer due to reach the scanner, or a
// tapped packet waiting for its turn (wireOrder). seq keeps equal times
// in the order they came; key is at as nanoseconds since the network's
// start, so ordering compares integers, not time.Times.
type event struct {
	at  time.Time
	key int64
	seq uint64
	pkt []byte
}

func (e *event) before(o *event) bool {
	if e.key != o.key {
		return e.key < o.key
	}
	return e.seq < o.seq
}

// events is a FIFO of events in (key, seq) order. Its users push in that
// order (answers are queued one RTT after their send, and sends happen at
// a clock that never goes back), so a push and a pop cost O(1); an event
// that comes out of order is inserted at its place from the back, so the
// order holds regardless. It is typed, not container/heap, whose
// interface boxing cost an allocation per packet.
type events struct {
	q    []event
	head int // q[:head] are popped and cleared
}

// first is the next event, or nil.
func (e *events) first() *event {
	if e.head == len(e.q) {
		return nil
	}
	return &e.q[e.head]
}

func (e *events) push(ev event) {
	if e.head > 0 && e.head == len(e.q) {
		e.q, e.head = e.q[:0], 0 // drained: reuse from the start
	}
	if e.head >= 1024 && e.head*2 >= len(e.q) {
		n := copy(e.q, e.q[e.head:]) // mostly popped: move the rest down
		clear(e.q[n:])
		e.q, e.head = e.q[:n], 0
	}
	e.q = append(e.q, ev)
	for i := len(e.q) - 1; i > e.head && e.q[i].before(&e.q[i-1]); i-- {
		e.q[i], e.q[i-1] = e.q[i-1], e.q[i]
	}
}

// pop removes and returns the first event; there must be one.
func (e *events) pop() event {
	ev := e.q[e.head]
	e.q[e.head] = event{} // drop the packet reference
	e.head++
	return ev
}

// bufPool keeps packet buffers for reuse. The network copies each answer
// into one (a stack's replies live only until its next Answer) and takes
// it back once the scanner has read it and the tap has seen it; wireOrder
// does the same for the sends it holds. Once the pool is warm nothing
// allocates per packet.
type bufPool struct{ free [][]byte }

// copyOf returns p in a pooled buffer.
func (b *bufPool) copyOf(p []byte) []byte {
	var buf []byte
	if n := len(b.free); n > 0 {
		buf, b.free = b.free[n-1][:0], b.free[:n-1]
	}
	return append(buf, p...)
}

// put returns a buffer from copyOf to the pool.
func (b *bufPool) put(p []byte) { b.free = append(b.free, p) }
