// Command spoofcap writes the capture behind issue 7's detection-memory
// target: N TCP SYNs (default 10,000,000) from M spoofed sources (default
// 1,048,576), so that `siglab detect`, p0f and tcpdump can be measured on
// the same file as separate processes (peak RSS from /usr/bin/time).
//
//	spoofcap [-n PACKETS] [-sources M] [-targets K] -o OUT.pcap
//
// Packet n comes from source n % M, so the sources take turns and each
// one sends N/M SYNs (10 with the defaults) spread over the whole file:
// no source is still fresh when its next packet comes, which is the worst
// case for a detector's per-source state. Every packet is what nmap 2.02
// -sS put on the wire (IPv4 without options or DF, TCP SYN without
// options, window tied to the TTL, one source port and ISN per scanner),
// crafted by the generator's AppendTCP (valid IP and TCP checksums), one
// per 1 µs, written by capture's PcapWriter: a classic pcap with
// nanosecond timestamps and LINKTYPE_RAW (bare IPv4, 56 bytes a record).
//
// Sources are 10.0.0.0/8 addresses and targets 198.18.1.2 onwards (inside
// 198.18.0.0/15): they are only bytes in a file, which nothing ever sends.
// The output is a pure function of the flags.
//
// Ownership: bench/ and scripts/bench.sh belong to issue 7's benchmark
// work (scripts/bench.sh runs this once per bench run into its work
// directory); nothing in the product imports it. It holds no state beyond
// one invocation.
package main
