// Package wiretest crafts the packets the specs need: TCP probes and the
// segments that answer them, UDP datagrams, ICMP echoes and destination
// unreachables quoting a probe, TCP option blocks, IP fragments and
// Ethernet frames. It builds them with package wire, so a spec's packet
// holds the bytes siglab's own sender writes for the same fields; the
// specs that check an encoder or parser against an independent one
// (wire's own, the fingerprint parser's) keep building with gopacket.
//
// It is imported only by _test.go files: the detector, sensor, netns and
// simnet specs, their fuzz seeds and benchmarks. It needs no Ginkgo and
// builds on every OS.
//
// Ownership: every builder returns a fresh slice that the caller owns
// and may change (a spec that corrupts a field does so on its own copy),
// and keeps no reference to its arguments. The builders cannot fail;
// Fragments panics on cuts that are no fragment boundaries, a broken
// spec rather than a finding.
package wiretest
