package main

import (
	"fmt"
	"time"
)

// config is one capture's shape; the file is a pure function of it.
type config struct {
	packets, sources, targets int
	// start is the first packet's time; each next one is 1 µs later.
	start time.Time
}

// Limits that keep every address where it belongs: sources inside
// 10.0.0.0/8, targets from 198.18.1.2 to at most 198.19.1.1, inside
// the lab range 198.18.0.0/15.
const (
	maxSources = 1 << 24
	maxTargets = 1 << 16
)

// defaultConfig is issue 7's case: 10 million SYNs from 2^20 sources
// against one host, starting the night of the FAQ's traces.
func defaultConfig() config {
	return config{
		packets: 10_000_000,
		sources: 1 << 20,
		targets: 1,
		start:   time.Date(1998, 12, 20, 1, 41, 25, 0, time.UTC),
	}
}

func (c config) check() error {
	switch {
	case c.packets < 0:
		return fmt.Errorf("%w: -n %d is negative", errUsage, c.packets)
	case c.sources < 1 || c.sources > maxSources:
		return fmt.Errorf("%w: -sources %d is outside 1..%d (10.0.0.0/8)", errUsage, c.sources, maxSources)
	case c.targets < 1 || c.targets > maxTargets:
		return fmt.Errorf("%w: -targets %d is outside 1..%d", errUsage, c.targets, maxTargets)
	}
	return nil
}
