// Package traffic is the ordinary traffic of the scanner host: Sessions
// (TCP connections as a client makes them: handshake, a line of data, an
// orderly close) and DNSQueries (A lookups over UDP), engine.Actors that
// scenarios play beside nmap so that detectors are tested on what they
// must not call a scan.
//
// Ownership: an actor is used from the engine's goroutine only and owns
// its state; it sends through the engine.Host it was made with.
package traffic
