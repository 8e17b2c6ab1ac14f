package capture

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// ErrFormat is wrapped by ReadFile's errors for input that is neither pcap
// nor pcapng, and by a Source's errors for corrupt records.
var ErrFormat = errors.New("not a pcap or pcapng file")

// snaplen written into pcap headers.
const snaplen = 262144

// CaptureInfo is what a file says about one frame besides its bytes. The
// field names are gopacket's (gopacket.CaptureInfo), which the specs use
// to check these readers against pcapgo's.
type CaptureInfo struct {
	Timestamp time.Time
	// CaptureLength is how many bytes the file holds, Length how long
	// the frame was on the wire.
	CaptureLength, Length int
	// InterfaceIndex is the pcapng interface the frame came in on
	// (always 0 for pcap).
	InterfaceIndex int
}

// Source yields frames one at a time, from a pcap or a pcapng stream.
// ZeroCopyReadPacketData returns a frame valid only until the next read:
// for callers that do not keep frames (the detector copies nothing), it
// saves an allocation per packet. At the end of the stream both reads
// return io.EOF; a record cut short returns io.ErrUnexpectedEOF and a
// corrupt one an error wrapping ErrFormat. No input makes them panic.
type Source interface {
	ReadPacketData() ([]byte, CaptureInfo, error)
	ZeroCopyReadPacketData() ([]byte, CaptureInfo, error)
	LinkType() LinkType
}

// Open returns a Source for a pcap or pcapng stream, told apart by magic;
// a gzip-compressed stream is uncompressed on the fly (pcapgo, which
// siglab used before these readers, did the same for pcap).
//
// siglab reads files with its own readers rather than gopacket's pcapgo
// because linking pcapgo links gopacket's layers package, whose init cost
// every invocation ~20 ms (#19); the specs read the same files with
// pcapgo and compare.
func Open(r io.Reader) (Source, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, err := br.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %v", ErrFormat, err)
		}
		br = bufio.NewReaderSize(zr, 1<<16)
		if magic, err = br.Peek(4); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
	}
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		return newNgReader(br)
	}
	return newPcapReader(br)
}

// ReadFile loads a whole pcap or pcapng file.
func ReadFile(path string) (*Capture, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := Open(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c := &Capture{LinkType: src.LinkType()}
	for {
		data, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: packet %d: %w", path, len(c.Packets)+1, err)
		}
		c.Packets = append(c.Packets, Packet{Time: ci.Timestamp, Data: data})
	}
}

// WritePcap writes the capture as a classic pcap stream with nanosecond
// timestamps.
func (c *Capture) WritePcap(w io.Writer) error {
	pw := NewPcapWriter(w, c.LinkType)
	for _, p := range c.Packets {
		if err := pw.WritePacket(p.Time, p.Data); err != nil {
			return err
		}
	}
	return pw.Flush()
}

// writeInPlace writes a special file such as /dev/stdout or a FIFO.
func writeInPlace(path string, fi os.FileInfo, write func(io.Writer) error) error {
	if fi.IsDir() {
		return fmt.Errorf("%s: is a directory", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
