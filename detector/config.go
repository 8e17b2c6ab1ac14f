package detector

import "time"

// Config bounds the detector's memory and sets its thresholds. The zero
// value is usable: every zero field takes its default.
type Config struct {
	// MaxSources caps the sources with state (default 65536); the least
	// recently seen source is evicted to make room for a new one.
	MaxSources int
	// MaxFlowsPerSource caps the (target, port) pairs tracked for one
	// source (default 65536); probes beyond it are only counted.
	MaxFlowsPerSource int
	// MaxFlows caps the flows of all sources together (default 262144);
	// least recently seen sources are evicted to stay under it.
	MaxFlows int
	// MinScanPorts is how many distinct destination ports a source must
	// probe before it is called a port scan (default 5).
	MinScanPorts int
	// MinSweepHosts is how many distinct addresses a source must probe
	// the same way (ICMP echo, timestamp or address mask; a TCP ACK to
	// one port; another IP protocol) before it is called a sweep
	// (default 5).
	MinSweepHosts int
	// MinPortSweepHosts is how many distinct addresses one port must get
	// bare SYNs, UDP datagrams or SCTP INITs from a source before it is
	// called a sweep of that port (default 8), each port on its own.
	// It is higher than MinSweepHosts because ordinary clients send SYNs
	// and datagrams too, where they never send bare ACKs or timestamp
	// requests to fresh hosts; and a scan of many ports of a few hosts
	// (nmap -p1-150 of five responders) stays a port scan.
	MinPortSweepHosts int
	// MaxSweepProbes is how many probes one address may get one way
	// (one port, one ICMP query type) and still count towards a sweep
	// (default 4): a try and its retransmissions (nmap -sU sends two
	// payloads to port 53 or 161, each tried twice). A host probed more
	// often is watched, not discovered: a monitoring system pinging or
	// connecting to its hosts every few seconds, a resolver asking its
	// servers, a mail server retrying its relays.
	MaxSweepProbes int
	// DecoyWindow is how far apart two sources may send the same probe
	// and still be taken for decoy copies of each other (default 1s).
	DecoyWindow time.Duration
}

// Defaults, chosen so that a full nmap 2.02 default scan (about 1500
// ports) of a few hundred hosts fits, while the worst case stays near a
// hundred megabytes.
const (
	defaultMaxSources        = 65536
	defaultMaxFlowsPerSource = 65536
	defaultMaxFlows          = 1 << 18
	defaultMinScanPorts      = 5
	defaultMinSweepHosts     = 5
	defaultMaxSweepProbes    = 4
	defaultMinPortSweepHosts = 8
	defaultDecoyWindow       = time.Second
)

// withDefaults fills zero (or negative) fields and keeps the caps
// consistent with each other.
func (c Config) withDefaults() Config {
	if c.MaxSources <= 0 {
		c.MaxSources = defaultMaxSources
	}
	if c.MaxFlowsPerSource <= 0 {
		c.MaxFlowsPerSource = defaultMaxFlowsPerSource
	}
	if c.MaxFlows <= 0 {
		c.MaxFlows = defaultMaxFlows
	}
	// One source may never need more flows than the whole budget.
	c.MaxFlowsPerSource = min(c.MaxFlowsPerSource, c.MaxFlows)
	if c.MinScanPorts <= 0 {
		c.MinScanPorts = defaultMinScanPorts
	}
	if c.MinSweepHosts <= 0 {
		c.MinSweepHosts = defaultMinSweepHosts
	}
	if c.MinPortSweepHosts <= 0 {
		c.MinPortSweepHosts = defaultMinPortSweepHosts
	}
	if c.MaxSweepProbes <= 0 {
		c.MaxSweepProbes = defaultMaxSweepProbes
	}
	if c.DecoyWindow <= 0 {
		c.DecoyWindow = defaultDecoyWindow
	}
	return c
}
