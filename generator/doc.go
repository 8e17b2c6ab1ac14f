// Package generator is nmap 2.02 on the wire: an Nmap is one nmap 2.02
// process, an engine.Actor that the engine (package generator/engine)
// runs on the scanner host against a Link.
//
// An Nmap has its own state for its whole life: glibc's rand() stream
// seeded like srand(tv_usec) (LibcRand), the base source port M, each
// raw-send helper's TTL and so the window. Every probe is built with
// package wire as nmap-2.0x-internals.md (in shared/reference) describes
// it, one probe family per file (portscan.go, ping.go, osscan.go, frag.go,
// bounce.go, ident.go...); where that document marks a fact as inferred,
// the choice is documented next to the code. debug.go holds the lines
// 2.01 printed under -d; superscan.go is super_scan()'s read loop (its
// loss rule and its late and duplicated answers).
//
// ResolveNmap checks a command line and resolves its targets against a
// lab (the containment guard approves every address) without a scanner
// host, so a scenario is validated before any network exists; Start makes
// the process on the engine that will send its packets.
//
// Ownership: a process is used from the engine's goroutine only and owns
// its buffers; its Output and MachineOutput are the caller's strings.
package generator
