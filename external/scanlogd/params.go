package scanlogd

import "time"

// scanlogd's compile-time parameters (params.h of scanlogd 2.2.8, which
// Debian builds unchanged; its man page's "COMPILE-TIME DEFAULTS" says
// the same in words). The model (Simulate) and the parser's truncation
// test follow them.
const (
	// WeightPrivileged and WeightHigh are what one new destination port
	// adds to a source's weight: below 1024, and from 1024 on.
	WeightPrivileged = 3
	WeightHigh       = 1
	// Threshold is the weight at which scanlogd logs a scan: 7
	// privileged ports, 21 high ones, or a mix.
	Threshold = 7 * WeightPrivileged
	// Delay is the longest gap between two new ports of one scan; a
	// longer one starts the count again. scanlogd measures it with
	// times(2), in ticks of 10 ms, so gaps within a tick of it can go
	// either way.
	Delay = 3 * time.Second
	// Tick is the resolution of scanlogd's clock (CLK_TCK 100).
	Tick = 10 * time.Millisecond
	// LogCount and LogDelay are the flood guard: more than LogCount
	// scans logged with no more than LogDelay between them, and the next
	// one is logged as "More possible port scans follow" and the rest
	// dropped until a gap of LogDelay.
	LogCount = 5
	LogDelay = 20 * time.Second
	// MaxLine is the longest message scanlogd writes: it drops port
	// numbers from the end of the list until the line fits (keeping at
	// least one).
	MaxLine = 160 - 40
	// ListSize sources are tracked at once, the oldest entry replaced
	// first; hashSize buckets of at most hashMax sources each.
	ListSize = 0x100
	hashLog  = 9
	hashSize = 1 << hashLog
	hashMax  = 0x10
	// maxCount bounds the ports one entry remembers (SCAN_MAX_COUNT).
	maxCount = Threshold
)

// FloodLine is what scanlogd logs instead of a scan when the flood guard
// holds (see LogCount).
const FloodLine = "More possible port scans follow"

// weight is what port p adds.
func weight(p uint16) int {
	if p < 1024 {
		return WeightPrivileged
	}
	return WeightHigh
}
