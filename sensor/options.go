package sensor

import "fmt"

// The capture's receive ring: its default size and the bounds
// Options.ReceiveBuffer must keep. The scenario parser checks a
// scenario's `sensor: receive_buffer:` against the same bounds.
const (
	// DefaultReceiveBuffer is 8 MiB: some 58,000 small frames, and at
	// least 640 ms of traffic however slow (64 blocks, each handed over
	// within 10 ms) with the reader held back; the reader takes a block
	// at a time, far faster than frames come.
	// The ring is allocated and zeroed when the sensor opens, at about
	// 2 ms per MiB on the benchmark machine: a larger default would
	// cost every live run start-up time.
	DefaultReceiveBuffer = 8 << 20
	// MinReceiveBuffer is the smallest ask; a ring has at least one
	// page (asks are rounded to whole pages), so smaller asks are
	// refused rather than raised silently.
	MinReceiveBuffer = 2 << 10
	// MaxReceiveBuffer bounds what a scenario may pin in kernel memory.
	MaxReceiveBuffer = 1 << 30
)

// Options tune a capture. The zero value is Start's default.
type Options struct {
	// ReceiveBuffer is the size in bytes of the capture's receive ring,
	// the kernel's queue of frames not read yet (128 KiB blocks from
	// 512 KiB, else four blocks of whole pages, at least one page); 0 means
	// DefaultReceiveBuffer. A small one makes the kernel drop frames a
	// busy reader has not taken yet, which the sensor counts: stress
	// scenarios use it to make drops certain.
	ReceiveBuffer int
}

// check refuses a receive buffer outside the bounds.
func (o Options) check() error {
	if o.ReceiveBuffer != 0 && (o.ReceiveBuffer < MinReceiveBuffer || o.ReceiveBuffer > MaxReceiveBuffer) {
		return fmt.Errorf("receive buffer %d bytes is outside %d-%d", o.ReceiveBuffer, MinReceiveBuffer, MaxReceiveBuffer)
	}
	return nil
}

// receiveBuffer is the buffer to ask the kernel for.
func (o Options) receiveBuffer() int {
	if o.ReceiveBuffer == 0 {
		return DefaultReceiveBuffer
	}
	return o.ReceiveBuffer
}
