package main

import (
	"io"
	"time"

	"github.com/siglab/siglab/capture"
)

// recLen is one record in the file: the 16-byte record header and the
// packet.
const recLen = 16 + pktLen

// writeFile writes cfg's capture to path through a temporary file, so a
// benchmark never reads half a capture.
func writeFile(path string, cfg config) error {
	return capture.WriteFileAtomic(path, func(w io.Writer) error { return write(w, cfg) })
}

// write streams cfg's capture to w as a raw-IP pcap through the
// project's PcapWriter. One packet buffer is refilled per packet, so ten
// million packets cost no allocation.
func write(w io.Writer, cfg config) error {
	pw := capture.NewPcapWriter(w, capture.LinkTypeRaw)
	pkt := make([]byte, 0, pktLen)
	for n := range cfg.packets {
		pkt = syn(pkt[:0], cfg, n)
		if err := pw.WritePacket(cfg.start.Add(time.Duration(n)*time.Microsecond), pkt); err != nil {
			return err
		}
	}
	return pw.Flush()
}
