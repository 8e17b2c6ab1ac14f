// Package labnet is siglab's address plan and host description, the
// facts every layer shares about a test network: the lab range
// (198.18.0.0/15, RFC 2544's benchmarking block) and its reserved parts,
// the IPv6 block (2001:2::/48, RFC 5180's) and how a lab address's
// IPv6 address derives from it (IPv6, IPv4Of), the default scanner
// address, the scanner-side addresses a flood may
// spoof (SpoofSources), the one ErrOutsideLab sentinel that every
// containment check wraps (so errors.Is works across packages), the
// per-host seed, stack names, and Host, the one description of a target
// that the simulated network (simnet), the emulated stacks (personality)
// and the live lab (netns) all take.
//
// It is a leaf: it imports nothing of siglab. Its values are immutable
// facts; a Host is a plain value its holder owns.
package labnet
