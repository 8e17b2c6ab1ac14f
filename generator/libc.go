package generator

// LibcRand is glibc's rand() (random_r, TYPE_3: the additive feedback
// generator x[i] = x[i-3] + x[i-31]), which nmap 2.01 used for every random
// draw after srand(tv_usec). With the same seed it yields the same stream
// as glibc, so a run's source port, port order, ISNs and IP IDs can be
// reproduced exactly (nmap-2.0x-internals.md §7).
type LibcRand struct {
	r    [34]int32 // ring of the last 34 outputs of the recurrence
	i    int       // index of the next value to produce, mod 34
	seed uint32
}

// NewLibcRand returns the generator after srand(seed).
func NewLibcRand(seed uint32) *LibcRand {
	g := &LibcRand{seed: seed}
	g.srand(seed)
	return g
}

// Seed returns the srand seed.
func (g *LibcRand) Seed() uint32 { return g.seed }

func (g *LibcRand) srand(seed uint32) {
	if seed == 0 {
		seed = 1 // glibc: a zero seed is treated as 1
	}
	var x [344]int32
	x[0] = int32(seed)
	for i := 1; i < 31; i++ {
		// 16807 * x mod (2^31-1), computed as glibc does (Schrage).
		hi, lo := int64(x[i-1])/127773, int64(x[i-1])%127773
		w := 16807*lo - 2836*hi
		if w < 0 {
			w += 2147483647
		}
		x[i] = int32(w)
	}
	for i := 31; i < 34; i++ {
		x[i] = x[i-31]
	}
	for i := 34; i < 344; i++ {
		x[i] = int32(uint32(x[i-31]) + uint32(x[i-3]))
	}
	copy(g.r[:], x[310:344])
	g.i = 0
}

// Rand returns the next rand() value, 0..2^31-1.
func (g *LibcRand) Rand() uint32 {
	// r[i] holds x[n-34]; x[n] = x[n-31] + x[n-3].
	v := uint32(g.r[(g.i+3)%34]) + uint32(g.r[(g.i+31)%34])
	g.r[g.i] = int32(v)
	g.i = (g.i + 1) % 34
	return v >> 1
}
