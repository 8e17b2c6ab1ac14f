package detector

// flowSet is a set of one source's flows, a bit per flow by its place in
// the table: a full-range scan's 65535 flows in 8 KiB and no hashing.
type flowSet struct{ bits []uint64 }

// add puts f in the set and reports whether it was new.
func (s *flowSet) add(f *flow) bool {
	w, bit := int(f.idx)/64, uint64(1)<<(uint(f.idx)%64)
	if w >= len(s.bits) {
		s.bits = append(s.bits, make([]uint64, w+1-len(s.bits))...)
	}
	if s.bits[w]&bit != 0 {
		return false
	}
	s.bits[w] |= bit
	return true
}

// portSet is a set of ports, a bit each; n counts them.
type portSet struct {
	bits [1 << 16 / 64]uint64
	n    int
}

func (s *portSet) add(p uint16) {
	w, bit := p/64, uint64(1)<<(p%64)
	if s.bits[w]&bit == 0 {
		s.bits[w] |= bit
		s.n++
	}
}

func (s *portSet) has(p uint16) bool { return s.bits[p/64]&(1<<(p%64)) != 0 }
