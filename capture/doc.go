// Package capture holds what a sensor saw: packets with their capture
// times and the link type they were captured on, and reads and writes
// them as pcap and pcapng files.
//
// It is a leaf package: the live sensor, the offline simulated network,
// the report writer and `siglab detect` all meet here. A Capture owns its
// packets' bytes; nothing in it is shared with a socket or a parser.
//
// PcapWriter (pcapwriter.go) streams a pcap without holding a Capture:
// `siglab generate` writes its file with it as the simulated network
// emits packets, and WritePcap uses it too. It owns its buffer; what it
// has not flushed is lost unless Flush is called. AsyncWriter
// (asyncwriter.go) writes to a file from a goroutine of its own, so that
// `siglab generate`'s simulation and its file writes overlap; it owns
// its few buffers and its goroutine until Close returns.
package capture
