//go:build unix

package main

import "syscall"

// ownSession is how --detach starts its background process: in a
// session of its own, so that no terminal's SIGHUP reaches it.
func ownSession() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
