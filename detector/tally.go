package detector

import (
	"math/bits"
	"sync"
)

// tally counts 32-bit values in an open-addressing table. modal and
// distinct run over every flow of a scan, 65535 of them for a full-range
// one, where a Go map's growth and hashing was most of Findings' time; a
// tally is sized once for its input and reused through a pool.
type tally struct {
	keys   []uint32
	counts []uint32 // 0: empty slot
	shift  uint8
	n      int // distinct values
}

var tallies = sync.Pool{New: func() any { return new(tally) }}

// getTally returns an empty tally with room for n distinct values.
func getTally(n int) *tally {
	t := tallies.Get().(*tally)
	size := 16
	if n > 4 {
		size = 1 << bits.Len(uint(2*n-1)) // load factor at most 1/2
	}
	if cap(t.keys) < size {
		t.keys, t.counts = make([]uint32, size), make([]uint32, size)
	} else {
		t.keys, t.counts = t.keys[:size], t.counts[:size]
		clear(t.counts)
	}
	t.shift = uint8(32 - bits.Len(uint(size-1)))
	t.n = 0
	return t
}

func putTally(t *tally) { tallies.Put(t) }

// add counts v once.
func (t *tally) add(v uint32) {
	mask := uint32(len(t.keys) - 1)
	// Fibonacci hashing: sequential ports and ISNs spread over the table.
	for i := (v * 0x9e3779b1) >> t.shift; ; i = (i + 1) & mask {
		switch {
		case t.counts[i] == 0:
			t.keys[i], t.counts[i] = v, 1
			t.n++
			return
		case t.keys[i] == v:
			t.counts[i]++
			return
		}
	}
}

// mode returns the most frequent value and its count; ties go to the
// smaller value.
func (t *tally) mode() (best uint32, n int) {
	for i, c := range t.counts {
		if c == 0 {
			continue
		}
		if v := t.keys[i]; int(c) > n || (int(c) == n && v < best) {
			best, n = v, int(c)
		}
	}
	return best, n
}

// modal returns the most frequent value of key over fs and how often it
// occurs; ties go to the smaller value so that output is deterministic.
func modal[T ~uint8 | ~uint16 | ~uint32](fs []*flow, key func(*flow) T) (T, int) {
	t := getTally(len(fs))
	defer putTally(t)
	for _, f := range fs {
		t.add(uint32(key(f)))
	}
	v, n := t.mode()
	return T(v), n
}

// distinct returns how many different values key takes over fs.
func distinct[T ~uint8 | ~uint16 | ~uint32](fs []*flow, key func(*flow) T) int {
	t := getTally(len(fs))
	defer putTally(t)
	for _, f := range fs {
		t.add(uint32(key(f)))
	}
	return t.n
}
