package nsthread

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	vnetns "github.com/vishvananda/netns"
)

// Do runs fn on a fresh, locked OS thread switched into h and returns
// fn's error. Sockets and files fn creates belong to h and may be used
// from any goroutine afterwards; goroutines fn starts do not inherit h.
// If the thread cannot be switched back, it stays locked and the Go
// runtime discards it when the goroutine exits (the pattern of CNI's
// pkg/ns), so no other goroutine ever runs inside h by accident.
func Do(h Handle, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread on the error paths: the thread dies with us.
		orig, err := vnetns.Get()
		if err != nil {
			errc <- fmt.Errorf("get current netns: %w", err)
			return
		}
		defer orig.Close()
		if err := vnetns.Set(h); err != nil {
			errc <- fmt.Errorf("enter netns: %w", err)
			return
		}
		ferr := fn()
		if err := vnetns.Set(orig); err != nil {
			errc <- errors.Join(ferr, fmt.Errorf("leave netns: %w", err))
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// Hold runs fn on a fresh OS thread switched into h, like Do, and keeps
// that thread alive, locked and idle, until release is called; then the
// thread ends with its goroutine. A child process started by fn with
// SysProcAttr.Pdeathsig gets its signal when the thread that forked it
// ends, not when the process does: started from Do, whose thread goes
// back to the runtime's pool, it could be killed whenever another
// goroutine happens to end that pooled thread (one that exits locked).
// From Hold it dies only at release or with siglab. When fn fails the
// thread is ended at once and release is a no-op.
func Hold(h Handle, fn func() error) (release func(), err error) {
	errc := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
		if err := vnetns.Set(h); err != nil {
			errc <- fmt.Errorf("enter netns: %w", err)
			return
		}
		if err := fn(); err != nil {
			errc <- err
			return
		}
		errc <- nil
		<-done
	}()
	if err := <-errc; err != nil {
		return func() {}, err
	}
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }, nil
}
