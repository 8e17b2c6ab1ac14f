package personality

import "encoding/binary"

// TCP option kinds.
const (
	optEOL = 0
	optNOP = 1
	optMSS = 2
	optWS  = 3
	optTS  = 8
)

// peerOpts is what a stack needs from the options of the segment it
// answers.
type peerOpts struct {
	mss                  uint16
	hasMSS, hasWS, hasTS bool
	tsVal                uint32
}

// parsePeerOpts reads a segment's options the way a kernel does: it stops
// at EOL or at the first malformed option.
func parsePeerOpts(b []byte) peerOpts {
	var o peerOpts
	for len(b) > 0 {
		switch b[0] {
		case optEOL:
			return o
		case optNOP:
			b = b[1:]
			continue
		}
		if len(b) < 2 || int(b[1]) < 2 || int(b[1]) > len(b) {
			return o
		}
		switch v := b[:b[1]]; {
		case v[0] == optMSS && len(v) == 4:
			o.mss, o.hasMSS = binary.BigEndian.Uint16(v[2:]), true
		case v[0] == optWS && len(v) == 3:
			o.hasWS = true
		case v[0] == optTS && len(v) == 10:
			o.tsVal, o.hasTS = binary.BigEndian.Uint32(v[2:]), true
		}
		b = b[b[1]:]
	}
	return o
}

// maxOpts is the TCP option space.
const maxOpts = 40

// optWriter lays out a reply's options from a profile's letters, as nmap
// would print them back: M (MSS; ME when the stack echoes the peer's),
// N (NOP), W (window scale), T (timestamp), L (end of list). RFC 1323
// stacks only answer W and T when the peer sent them; the NOPs that
// align an option go with it.
type optWriter struct {
	buf     [maxOpts]byte
	n       int
	pending int // NOPs waiting for the option they align
}

func (w *optWriter) put(b ...byte) {
	if w.n+w.pending+len(b) > maxOpts {
		return // a profile's letters never overflow; fuzzed state must not panic
	}
	for ; w.pending > 0; w.pending-- {
		w.buf[w.n] = optNOP
		w.n++
	}
	w.n += copy(w.buf[w.n:], b)
}

// render returns the options for letters answering peer, with tsVal as
// the stack's timestamp clock, padded with EOL to a multiple of four.
func (w *optWriter) render(letters string, p *profile, peer peerOpts, tsVal uint32) []byte {
	w.n, w.pending = 0, 0
	for i := 0; i < len(letters); i++ {
		switch letters[i] {
		case 'N':
			w.pending++
		case 'M':
			mss := p.mss
			if i+1 < len(letters) && letters[i+1] == 'E' {
				i++
				if peer.hasMSS {
					mss = peer.mss
				}
			}
			w.put(optMSS, 4, byte(mss>>8), byte(mss))
		case 'W':
			if peer.hasWS {
				w.put(optWS, 3, p.wscale)
			}
			w.pending = 0
		case 'T':
			if peer.hasTS {
				var ts [10]byte
				ts[0], ts[1] = optTS, 10
				binary.BigEndian.PutUint32(ts[2:], tsVal)
				binary.BigEndian.PutUint32(ts[6:], peer.tsVal)
				w.put(ts[:]...)
			}
			w.pending = 0
		case 'L':
			w.put(optEOL)
		}
	}
	w.put() // trailing NOPs
	for w.n%4 != 0 {
		w.buf[w.n] = optEOL
		w.n++
	}
	return w.buf[:w.n]
}
