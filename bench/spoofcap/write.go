package main

import (
	"bufio"
	"encoding/binary"
	"io"

	"github.com/siglab/siglab/verifier/capture"
)

// Classic pcap, microsecond timestamps, LINKTYPE_RAW: each record is a
// 16-byte header and the 40-byte packet.
const (
	pcapMagic   = 0xa1b2c3d4
	linkTypeRaw = 101
	pktLen      = 40
	recLen      = 16 + pktLen
)

// writeFile writes cfg's capture to path through a temporary file, so a
// benchmark never reads half a capture.
func writeFile(path string, cfg config) error {
	return capture.WriteFileAtomic(path, func(w io.Writer) error { return write(w, cfg) })
}

// write streams cfg's capture to w. One record buffer is filled in place
// per packet, so ten million packets cost no allocation.
func write(w io.Writer, cfg config) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.Write(fileHeader()); err != nil {
		return err
	}
	var rec [recLen]byte
	binary.LittleEndian.PutUint32(rec[8:], pktLen)  // captured length
	binary.LittleEndian.PutUint32(rec[12:], pktLen) // length on the wire
	t0 := cfg.start.UnixMicro()
	for n := range cfg.packets {
		t := t0 + int64(n)
		binary.LittleEndian.PutUint32(rec[0:], uint32(t/1e6))
		binary.LittleEndian.PutUint32(rec[4:], uint32(t%1e6))
		syn(rec[16:], cfg, n)
		if _, err := bw.Write(rec[:]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func fileHeader() []byte {
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h[0:], pcapMagic)
	binary.LittleEndian.PutUint16(h[4:], 2) // version 2.4
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 65535) // snap length
	binary.LittleEndian.PutUint32(h[20:], linkTypeRaw)
	return h
}
