// Package detector is siglab's reference detector: it reads IPv4 packets in
// capture order and turns what each source did into findings labelled with
// the product's vocabulary (scan.tcp-syn, tool.nmap-2.0x, ...), each with
// the evidence an analyst would write down.
//
// # Ownership and lifetimes
//
// A Detector owns all of its state. It is not safe for concurrent use: one
// goroutine feeds it with Packet, in capture order, and may call Findings
// or Stats at any point between packets. Packet never retains the slice it
// is given; it copies the few header fields it needs, so the caller may
// reuse its read buffer at once. Findings returns fresh values the caller
// owns.
//
// # State and its bounds
//
// State is kept per source address, created only when the source sends a
// packet that can be a probe (today: a bare SYN), so a host that merely
// answers never gets any. Per source, a flow table records for each
// (target, port) the first probe as sent (flags, seq, ack, sport, window,
// TTL, IP length, options length), how many probes went there, and what
// came back: SYN/ACK or RST from the target, then RST (half-open) or ACK
// (full handshake) from the source. Sources are capped at
// Config.MaxSources with least-recently-seen eviction, flows at
// Config.MaxFlowsPerSource per source and Config.MaxFlows overall, so a
// flood of spoofed sources or ports cannot exhaust memory. An evicted
// source's state, and the findings it would have given, are gone; Stats
// counts evictions so callers can warn.
//
// # Adding a technique
//
// Per-packet tracking (tcp.go) is separate from classification
// (analyze.go). A new label adds, where it needs new facts, a field to
// source with its tracking hook in Detector.Packet, and an analyzer to the
// analyzers list; analyzers run in order on one source and may build on an
// earlier analyzer's result, as tool.nmap-2.0x builds on scan.tcp-syn.
//
// Only TCP is tracked so far; UDP, ICMP and IP fragments are passed over
// until their techniques are added.
package detector
