package personality

// replies is one Answer call's replies, built in buffers reused from call
// to call: a reply need only live until the next Answer (see Stack), so
// once the buffers exist answering allocates nothing. A stack begins it
// at the start of Answer, builds each reply on next() and files it with
// add() before building the next.
type replies struct {
	out  [][]byte
	bufs [][]byte
}

func (r *replies) begin() { r.out = r.out[:0] }

// next returns the buffer for the next reply, emptied (nil at first).
func (r *replies) next() []byte {
	if i := len(r.out); i < len(r.bufs) {
		return r.bufs[i][:0]
	}
	return nil
}

// add files b, built on next(), as the next reply and keeps its buffer.
func (r *replies) add(b []byte) {
	if i := len(r.out); i < len(r.bufs) {
		r.bufs[i] = b
	} else {
		r.bufs = append(r.bufs, b)
	}
	r.out = append(r.out, b)
}
