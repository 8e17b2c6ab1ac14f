package detector

import "math/bits"

// flowIndex maps packed flow keys to flow numbers: open addressing with
// linear probing, never more than half full. A full-range scan inserts
// 65535 keys into one source's index; Go's map spent most of its time
// there splitting tables as it grew. Keys are never removed one by one,
// only all at once (reset), so there are no tombstones. A packed key is
// never 0 (its kind is at least kindSYN): 0 marks an empty slot.
type flowIndex struct {
	keys  []uint64
	vals  []int32
	n     int
	shift uint8
}

// minIndexSlots is the smallest table: one key, as most spoofed sources
// have.
const minIndexSlots = 2

// start is where k's probe sequence starts. Fibonacci hashing: the high
// bits of the product mix every key bit.
func (x *flowIndex) start(k uint64) int { return int((k * 0x9e3779b97f4a7c15) >> x.shift) }

// slot returns where k is or would go.
func (x *flowIndex) slot(k uint64) int {
	mask := len(x.keys) - 1
	for i := x.start(k); ; i = (i + 1) & mask {
		if x.keys[i] == k || x.keys[i] == 0 {
			return i
		}
	}
}

// free returns the first empty slot of k's probe sequence: where a new
// key goes, even one equal to a key already there (two IPv6 flows whose
// hashes collide, see flowKey.packed).
func (x *flowIndex) free(k uint64) int {
	mask := len(x.keys) - 1
	for i := x.start(k); ; i = (i + 1) & mask {
		if x.keys[i] == 0 {
			return i
		}
	}
}

func (x *flowIndex) get(k uint64) (int32, bool) {
	if x.n == 0 {
		return 0, false
	}
	i := x.slot(k)
	return x.vals[i], x.keys[i] == k
}

// put files k under v; k's flow must not be in the index yet.
func (x *flowIndex) put(k uint64, v int32) {
	if 2*(x.n+1) > len(x.keys) {
		x.grow()
	}
	i := x.free(k)
	x.keys[i], x.vals[i] = k, v
	x.n++
}

func (x *flowIndex) grow() {
	keys, vals := x.keys, x.vals
	size := max(minIndexSlots, 2*len(keys))
	x.keys, x.vals = make([]uint64, size), make([]int32, size)
	x.shift = uint8(64 - bits.Len(uint(size-1)))
	for i, k := range keys {
		if k != 0 {
			j := x.free(k)
			x.keys[j], x.vals[j] = k, vals[i]
		}
	}
}

// reset empties x, keeping its memory unless it holds more than keep
// slots.
func (x *flowIndex) reset(keep int) {
	if len(x.keys) > keep {
		*x = flowIndex{}
		return
	}
	clear(x.keys)
	x.n = 0
}
