// Package nsthread runs code inside a Linux network namespace: Do switches a
// fresh, locked OS thread into the namespace, runs a function there and
// switches back, or throws the thread away if it cannot (the pattern of
// containernetworking/plugins' pkg/ns).
//
// It is the one primitive the live layers share: package netns builds
// and tears down the lab's namespaces with it, and package sensor opens
// its capture socket inside the sensor namespace with it, without
// depending on the lab that made that namespace.
//
// Ownership: Do owns the thread it makes for the length of the call; the
// Handle stays the caller's, and what fn creates (sockets, files) belongs
// to the namespace and to fn's caller.
//
// The main thread: importing nsthread locks the main goroutine to the
// main thread from init (mainthread_linux.go), so that no thread that
// Do or netns taints, and the runtime then ends, is ever the main
// thread, which the runtime cannot end and /proc/self describes.
//
// Per-OS files: Do lives in do_linux.go; elsewhere do_other.go's Do
// returns ErrUnsupported (which wraps errors.ErrUnsupported, as netns's
// and sensor's do) without calling fn, so the packages above build on
// every system.
package nsthread
