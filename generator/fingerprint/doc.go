// Package fingerprint is nmap 2.0x's first-generation OS fingerprinting
// data: the reference file nmap-os-fingerprints (its 2.01 syntax, its
// value expressions and its all-or-nothing matching) and the observed
// fingerprint nmap builds from the replies to its probes (TSeq, T1..T7,
// PU), printed the way nmap printed it.
//
// Everything here is pure: values in, values out, no I/O apart from the
// reference file embedded at build time (nmap-os-fingerprints, next to
// this file). The generator's OS detection phase (generator/osscan.go)
// owns the probing and calls TCPTest, PUTest, Match and Merge.
//
// The embedded file is nmap 2.01's own nmap-os-fingerprints, byte for
// byte (120 records; github.com/dmiller-nmap/nmap, commit
// e86b115c0fecc6c46e4bf758c339d86c16868b62, "Nmap 2.01"). Its header
// puts it under nmap's licence, the GNU GPL (see LICENSE at the
// repository root). Parse reads it as 2.01's parser did, quirks
// included. Every emulated stack (personality) imitates an OS the file
// has a record for, and quotes that record; nothing is appended.
//
// Ownership and lifetime: a DB returned by Parse belongs to its caller.
// The one returned by Default is parsed once per process, shared, and
// must be treated as read-only; it lives as long as the process. The
// types carry no goroutines or resources; concurrent reads are safe.
//
// Sources: shared/reference/nmap-2.0x-internals.md §4 and §6 (2.01 and
// 2.05 bracket 2.02). Where 2.01 and 2.05 differ, 2.01 is followed and the
// choice is documented next to the code.
package fingerprint
