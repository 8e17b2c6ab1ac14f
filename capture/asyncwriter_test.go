package capture_test

import (
	"bytes"
	"errors"
	"io"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
)

// asyncFailAfter accepts n bytes, then fails every write.
type asyncFailAfter struct {
	n   int
	got bytes.Buffer
}

var errAsyncDiskFull = errors.New("disk full")

func (f *asyncFailAfter) Write(p []byte) (int, error) {
	if f.got.Len()+len(p) > f.n {
		return 0, errAsyncDiskFull
	}
	return f.got.Write(p)
}

var _ = Describe("AsyncWriter", func() {
	// data is n bytes that differ from one position to the next, so a
	// reordered or dropped chunk shows.
	data := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*7 + i/251)
		}
		return b
	}

	DescribeTable("writes every byte in order, whatever the sizes of the writes",
		func(total, chunk int) {
			src := data(total)
			var dst bytes.Buffer
			a := capture.NewAsyncWriter(&dst)
			for p := src; len(p) > 0; {
				k := min(chunk, len(p))
				n, err := a.Write(p[:k])
				Expect(err).NotTo(HaveOccurred())
				Expect(n).To(Equal(k))
				p = p[k:]
			}
			Expect(a.Close()).To(Succeed())
			Expect(bytes.Equal(dst.Bytes(), src)).To(BeTrue())
		},
		Entry("nothing", 0, 1),
		Entry("less than a buffer", 1000, 100),
		Entry("many buffers in small writes", 1<<20+17, 1500),
		Entry("writes bigger than a buffer", 3<<20+5, 200<<10),
		Entry("writes of exactly a buffer", 1<<20, 64<<10),
	)

	It("returns the writer's first error from a later Write or from Close, and nothing after it is written", func() {
		f := &asyncFailAfter{n: 128 << 10}
		a := capture.NewAsyncWriter(f)
		var err error
		for i := 0; i < 200 && err == nil; i++ {
			_, err = a.Write(data(16 << 10))
		}
		Expect(a.Close()).To(MatchError(errAsyncDiskFull))
		if err != nil {
			Expect(err).To(MatchError(errAsyncDiskFull))
		}
		Expect(f.got.Len()).To(BeNumerically("<=", 128<<10))
		_, err = a.Write([]byte{1})
		Expect(err).To(HaveOccurred())
	})

	It("refuses a Write after Close", func() {
		a := capture.NewAsyncWriter(io.Discard)
		Expect(a.Close()).To(Succeed())
		_, err := a.Write([]byte{1})
		Expect(err).To(MatchError(capture.ErrClosed))
	})
})
