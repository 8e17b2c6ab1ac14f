//go:build !linux

package main

import "os"

// peakRSSKB is 0 off Linux, where the soak cannot run anyway: it needs
// live test networks, and verifier.CheckLive refuses first.
func peakRSSKB(*os.ProcessState) int64 { return 0 }
