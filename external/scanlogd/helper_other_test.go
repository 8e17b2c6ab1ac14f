//go:build !linux

package scanlogd_test

import (
	"fmt"
	"os"
)

// helper has nothing to start off Linux.
func helper(mode string) {
	fmt.Fprintln(os.Stderr, "no scanlogd off Linux")
	os.Exit(1)
}
