package main

import "testing"

// The exercise's draw: a seed gives the same pick every time, and the
// picks over many seeds cover every scenario of the pool.
func TestDraw(t *testing.T) {
	const n = 5
	seen := map[int]int{}
	for seed := uint64(1); seed <= 200; seed++ {
		i := draw(seed, n)
		if i < 0 || i >= n {
			t.Fatalf("draw(%d, %d) = %d, out of range", seed, n, i)
		}
		if j := draw(seed, n); j != i {
			t.Fatalf("draw(%d, %d) gave %d, then %d", seed, n, i, j)
		}
		seen[i]++
	}
	for i := range n {
		if seen[i] < 200/n/3 {
			t.Errorf("scenario %d drawn %d times of 200: %v", i, seen[i], seen)
		}
	}
}
