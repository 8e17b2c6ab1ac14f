// Package generator replays nmap 2.02 on the wire.
//
// One Engine drives every program on the scanner host (Actor: an nmap
// process, an ordinary TCP session) against one Link: a TUN device in live
// runs (link.TUN), the simulated network offline (package simnet). The
// engine owns the scanner's kernel emulation (the RST after a SYN/ACK) and
// the containment Guard every packet passes before it is written. Actors
// never touch the Link; they send through the Host the engine gives them
// and read the Link's clock, so the same code runs in virtual time offline
// and in wall-clock time live.
//
// An Nmap is one nmap 2.02 process with its own state for its whole life:
// glibc's rand() stream seeded like srand(tv_usec) (LibcRand), the base
// source port M, each raw-send helper's TTL and so the window. Every probe
// is built as nmap-2.0x-internals.md (in shared/reference) describes it;
// where that document marks a fact as inferred, the choice is documented
// next to the code.
//
// The engine and its actors are used from one goroutine. A Link is owned
// by whoever made it (the lab closes its TUN; a simnet.Network holds
// nothing to close).
package generator
