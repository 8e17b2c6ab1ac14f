//go:build !unix

package main

import "syscall"

// ownSession: off Unix there are no labs to detach (liveOnly stops lab
// up first); this only lets the command build.
func ownSession() *syscall.SysProcAttr { return nil }
