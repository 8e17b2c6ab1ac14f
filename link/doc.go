// Package link is the seam between the generator's engine and a network:
// the Link interface (link.go) and its live implementation, TUN (tun.go),
// which reads and writes the scanner's TUN device. The offline
// implementation is package simnet.
//
// Ownership: a Link is owned by whoever made it. TUN does not own its
// file (the live lab that made the device closes it), but its first
// ReadPacket starts a goroutine that reads the device ahead of the
// engine (the read system calls then run beside the engine, not between
// its probes); TUN.Close ends it, and the verifier's play calls it when
// the engine's run is over, before anyone else reads the file. A
// simnet.Network holds nothing to close. The engine is a Link's only
// user and calls it from one goroutine.
package link
