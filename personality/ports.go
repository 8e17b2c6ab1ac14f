package personality

// portSet is a set of 16-bit port numbers as a bitmap: a lookup per
// packet costs a shift and a mask, never an allocation.
type portSet [65536 / 64]uint64

func newPortSet(ports []uint16) *portSet {
	s := new(portSet)
	for _, p := range ports {
		s[p/64] |= 1 << (p % 64)
	}
	return s
}

func (s *portSet) has(p uint16) bool { return s[p/64]&(1<<(p%64)) != 0 }
