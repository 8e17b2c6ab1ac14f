// Package capture holds what a sensor saw: packets with their capture
// times and the link type they were captured on, and reads and writes
// them as pcap and pcapng files.
//
// It is a leaf package: the live sensor, the offline simulated network,
// the report writer and `siglab detect` all meet here. A Capture owns its
// packets' bytes; nothing in it is shared with a socket or a parser.
//
// Reading: Open (file.go) reads pcap (pcapread.go) and pcapng
// (pcapngread.go) with readers of our own, not gopacket's pcapgo: linking
// pcapgo links gopacket's layers package, whose init cost every siglab
// command ~20 ms (#19). The specs read the same files with pcapgo and
// compare (pcapgo_test.go). The package has its own LinkType for the same
// reason, with gopacket's values.
//
// PcapWriter (pcapwriter.go) streams a pcap without holding a Capture:
// `siglab generate` writes its file with it as the simulated network
// emits packets, and WritePcap uses it too. It owns its buffer; what it
// has not flushed is lost unless Flush is called. AsyncWriter
// (asyncwriter.go) writes to a file from a goroutine of its own, so that
// `siglab generate`'s simulation and its file writes overlap; it owns
// its few buffers and its goroutine until Close returns.
package capture
