package capture

import (
	"errors"
	"io"
	"sync/atomic"
)

// ErrClosed is returned by an AsyncWriter's Write after Close.
var ErrClosed = errors.New("write after close")

// asyncBuffers and asyncBufSize are the buffers an AsyncWriter cycles
// through: four of PcapWriter's 64 KB flushes in flight.
const (
	asyncBuffers = 4
	asyncBufSize = pcapBuffer
)

// AsyncWriter writes to w from a goroutine of its own, so that the
// write system calls overlap with the caller's work on another core:
// `siglab generate` spends a fifth of its run writing a full-range
// capture to the file system, time its simulation can use. Write copies
// what it is given into one of a few buffers and returns; when all are
// in flight it waits for one, so memory stays bounded and a slow file
// slows the caller down instead. The first write error sticks: later
// Writes and Close return it. Close must be called: it waits for every
// byte to be written. An AsyncWriter is for one goroutine.
type AsyncWriter struct {
	full   chan []byte // buffers to write, in order
	free   chan []byte // written buffers, for reuse
	done   chan error  // the writer's first error (or nil) when full is closed
	cur    []byte      // the buffer Write fills
	err    error       // the first error, as Write and Close saw it
	closed bool
	// failed is set by the writer after it stored werr, its first error,
	// so that Write returns it without waiting for Close.
	failed atomic.Bool
	werr   error
}

// NewAsyncWriter starts the goroutine that writes to w.
func NewAsyncWriter(w io.Writer) *AsyncWriter {
	a := &AsyncWriter{full: make(chan []byte, asyncBuffers), free: make(chan []byte, asyncBuffers), done: make(chan error, 1)}
	for range asyncBuffers - 1 {
		a.free <- make([]byte, 0, asyncBufSize)
	}
	a.cur = make([]byte, 0, asyncBufSize)
	go a.drain(w)
	return a
}

// drain writes the full buffers in order; after an error it only
// recycles them, so the caller is never left waiting.
func (a *AsyncWriter) drain(w io.Writer) {
	var err error
	for b := range a.full {
		if err == nil {
			if _, err = w.Write(b); err != nil {
				a.werr = err
				a.failed.Store(true)
			}
		}
		a.free <- b[:0]
	}
	a.done <- err
}

// Write queues a copy of p.
func (a *AsyncWriter) Write(p []byte) (int, error) {
	if a.closed {
		return 0, ErrClosed
	}
	if a.err == nil && a.failed.Load() {
		a.err = a.werr
	}
	if a.err != nil {
		return 0, a.err
	}
	n := len(p)
	for len(p) > 0 {
		k := copy(a.cur[len(a.cur):cap(a.cur)], p)
		a.cur, p = a.cur[:len(a.cur)+k], p[k:]
		if len(a.cur) == cap(a.cur) {
			a.send()
		}
	}
	return n, nil
}

// send hands the current buffer to the writer and takes a free one.
func (a *AsyncWriter) send() {
	a.full <- a.cur
	a.cur = <-a.free
}

// Close writes what is left, waits for the writer and returns its first
// error.
func (a *AsyncWriter) Close() error {
	if a.closed {
		return a.err
	}
	a.closed = true
	if len(a.cur) > 0 {
		a.full <- a.cur
	}
	close(a.full)
	if err := <-a.done; a.err == nil {
		a.err = err
	}
	return a.err
}
