package main

import (
	"os"
	"syscall"
)

// peakRSSKB is a finished process's peak resident memory (ru_maxrss,
// in kilobytes on Linux).
func peakRSSKB(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}
