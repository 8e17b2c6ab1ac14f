// Package wire encodes and decodes the IPv4 packets siglab puts on the
// wire: one protocol per file (ipv4.go, tcp.go, udp.go, icmp.go, dns.go),
// the Internet checksum (checksum.go), a read-only view of a received
// packet (packet.go) and the reassembly of IPv4 fragments for the targets
// that answer whole datagrams only (reassembly.go: simnet's hosts
// offline, the emulated stacks' TUNs live).
//
// It is the leaf every layer shares: the generator builds nmap's probes
// with it, the personalities and the simulated network their answers,
// the live lab its DNS server, the verifier and the benchmarks their
// ground truth. The detector keeps its own zero-allocation decoder but
// takes its protocol numbers and flag bits from here, so each fact about
// the wire is written once.
//
// Ownership: the Append functions write into the caller's slice and
// return it (growing it only when it is too small), so a caller that
// reuses its buffer builds packets without allocating. A Packet is a view
// of the caller's bytes; it copies nothing and is valid as long as they
// are.
package wire
