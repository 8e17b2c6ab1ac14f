package simnet

import (
	"math/rand/v2"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The network only ever pushes in order; these specs feed the queues out
// of order, the case their insert-from-the-back fallback exists for.
var _ = Describe("The event queues, fed out of order", func() {
	It("pop by time, equal times first in first out", func() {
		r := rand.New(rand.NewPCG(3, 4))
		var q events
		var want []event
		for i := range 5000 {
			ev := event{key: int64(r.IntN(300)), seq: uint64(i)}
			q.push(ev)
			want = append(want, ev)
			if r.IntN(4) == 0 { // interleave pops, as a run does
				got := q.pop()
				slices.SortStableFunc(want, func(a, b event) int { return int(a.key - b.key) })
				Expect(got).To(Equal(want[0]))
				want = want[1:]
			}
		}
		slices.SortStableFunc(want, func(a, b event) int { return int(a.key - b.key) })
		for _, w := range want {
			Expect(q.pop()).To(Equal(w))
		}
		Expect(q.first()).To(BeNil())
	})

	It("hand sends and answers to the tap as a stable sort by time would", func() {
		r := rand.New(rand.NewPCG(5, 6))
		type out struct {
			key int64
			b   byte
		}
		var got []out
		w := &wireOrder{tap: func(t time.Time, p []byte) { got = append(got, out{int64(t.Sub(Epoch)), p[0]}) }, pool: &bufPool{}}
		var in []out
		for i := range 3000 {
			key := int64(r.IntN(500))
			p := []byte{byte(i)}
			if r.IntN(2) == 0 {
				w.holdSend(Epoch.Add(time.Duration(key)), key, p)
				p[0] = 0xEE // a send is copied: the scanner reuses its buffer
			} else {
				w.holdAnswer(Epoch.Add(time.Duration(key)), key, p)
			}
			in = append(in, out{key, byte(i)})
		}
		w.flush()
		slices.SortStableFunc(in, func(a, b out) int { return int(a.key - b.key) })
		Expect(got).To(Equal(in))
	})
})
