// Package traffic is the ordinary traffic of the scanner host: Sessions
// (TCP connections as a client makes them: handshake, a line of data, an
// orderly close) and DNSQueries (A lookups over UDP), engine.Actors that
// scenarios play beside nmap so that detectors are tested on what they
// must not call a scan; and Flood (a spoofed-source SYN flood at a set
// rate, its sources in the scanner side of the lab and checked by the
// engine's guard), which stress scenarios play beside a scan to make the
// sensor drop packets.
//
// Ownership: an actor is used from the engine's goroutine only and owns
// its state; it sends through the engine.Host it was made with.
package traffic
