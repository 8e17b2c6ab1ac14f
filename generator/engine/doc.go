// Package engine runs the programs of the scanner host (Actors: nmap 2.02
// processes from package generator, ordinary sessions from package
// generator/traffic) against one link.Link: a TUN device in live runs
// (link.TUN), the simulated network offline (package simnet).
//
// The engine owns the scanner's kernel emulation (kernel.go: the RST
// after a SYN/ACK, connect() sockets, the SYN retransmissions; the
// scanner address lives behind the TUN, so siglab must play its kernel)
// and the containment Guard (guard.go) every packet passes before it is
// written: it is made with the guard its scenario allows, and refuses
// anything else with labnet.ErrOutsideLab. Actors never touch the Link;
// they send through the Host the engine gives them and read the Link's
// clock, so the same code runs in virtual time offline and in wall-clock
// time live. With RecordTruth it keeps each labelled packet's label
// (truth.go), the run's ground truth.
//
// Ownership: an Engine and its actors are used from one goroutine. A
// Link is owned by whoever made it (the lab closes its TUN; a
// simnet.Network holds nothing to close); the engine only uses it.
package engine
