package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// sample is this process's resource use at one moment.
type sample struct {
	FDs        int `json:"fds"`
	Goroutines int `json:"goroutines"`
	RSSKB      int `json:"rss_kb"`
	HeapKB     int `json:"heap_kb"`
}

// takeSample collects garbage (and returns freed memory to the kernel),
// then counts descriptors, goroutines, resident memory and live heap.
// Without the collection RSS would follow the collector's schedule, not
// what the process keeps.
func takeSample() (sample, error) {
	runtime.GC()
	debug.FreeOSMemory()
	ents, err := os.ReadDir("/proc/self/fd") // counts its own descriptor too, every time alike
	if err != nil {
		return sample{}, err
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return sample{}, err
	}
	rss, err := statusKB(string(status), "VmRSS")
	if err != nil {
		return sample{}, err
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return sample{FDs: len(ents), Goroutines: runtime.NumGoroutine(), RSSKB: rss, HeapKB: int(m.HeapAlloc >> 10)}, nil
}

// statusKB reads a "Name:   1234 kB" line of a /proc/PID/status file.
func statusKB(status, name string) (int, error) {
	for _, line := range strings.Split(status, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || k != name {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("/proc status: %s: unexpected %q", name, strings.TrimSpace(v))
		}
		return strconv.Atoi(f[0])
	}
	return 0, fmt.Errorf("/proc status: no %s line", name)
}
