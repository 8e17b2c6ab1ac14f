package nsthread

import (
	"errors"
	"fmt"
	"runtime"

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
