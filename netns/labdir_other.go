//go:build !linux

package netns

import "fmt"

// CleanLabDirs is unsupported off Linux, where no lab is ever up.
func CleanLabDirs(all bool) ([]string, error) { return nil, ErrUnsupported }

// StartLogName is the name of a `lab up --detach` start log (Linux only).
func StartLogName(pid int) string { return fmt.Sprintf(".start-%d.log", pid) }
