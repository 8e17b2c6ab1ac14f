package capture

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// Classic pcap magics as they read little-endian: a file written on a
// big-endian machine shows the swapped ones.
const (
	pcapMagicMicros        = 0xA1B2C3D4
	pcapMagicMicrosSwapped = 0xD4C3B2A1
	pcapMagicNanosSwapped  = 0x4D3CB2A1
)

// pcapReader reads a classic pcap stream (libpcap 2.4, either byte
// order, micro- or nanosecond timestamps), accepting what pcapgo's
// Reader accepts: a record longer than the header's snap length, or
// claiming more bytes than the frame had, is corrupt.
type pcapReader struct {
	r        io.Reader
	order    binary.ByteOrder
	nanos    int64 // nanoseconds per timestamp fraction unit
	snaplen  int
	linkType LinkType
	hdr      [16]byte
	buf      []byte // ZeroCopyReadPacketData's frame
}

func newPcapReader(r io.Reader) (*pcapReader, error) {
	var h [24]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, fmt.Errorf("%w: pcap header: %v", ErrFormat, err)
	}
	p := &pcapReader{r: r, order: binary.LittleEndian, nanos: 1}
	switch binary.LittleEndian.Uint32(h[0:]) {
	case pcapMagicNanos:
	case pcapMagicNanosSwapped:
		p.order = binary.BigEndian
	case pcapMagicMicros:
		p.nanos = 1000
	case pcapMagicMicrosSwapped:
		p.order, p.nanos = binary.BigEndian, 1000
	default:
		return nil, fmt.Errorf("%w: unknown magic %x", ErrFormat, h[:4])
	}
	if major, minor := p.order.Uint16(h[4:]), p.order.Uint16(h[6:]); major != 2 || minor != 4 {
		return nil, fmt.Errorf("%w: pcap version %d.%d, want 2.4", ErrFormat, major, minor)
	}
	p.snaplen = int(p.order.Uint32(h[16:]))
	// The top bits of the link type field carry FCS flags (pcap-linktype(7)).
	p.linkType = LinkType(p.order.Uint32(h[20:]) & 0xffff)
	return p, nil
}

// LinkType implements Source.
func (p *pcapReader) LinkType() LinkType { return p.linkType }

// ReadPacketData implements Source: the frame is the caller's.
func (p *pcapReader) ReadPacketData() ([]byte, CaptureInfo, error) {
	ci, err := p.header()
	if err != nil {
		return nil, ci, err
	}
	data, err := readBody(p.r, nil, ci.CaptureLength)
	return data, ci, err
}

// ZeroCopyReadPacketData implements Source: the frame lives until the
// next read.
func (p *pcapReader) ZeroCopyReadPacketData() ([]byte, CaptureInfo, error) {
	ci, err := p.header()
	if err != nil {
		return nil, ci, err
	}
	if p.buf == nil { // room for most frames: one buffer for the whole file
		p.buf = make([]byte, 0, min(p.snaplen, 1<<16))
	}
	p.buf, err = readBody(p.r, p.buf, ci.CaptureLength)
	return p.buf, ci, err
}

// header reads and checks one record header; io.EOF only between records.
func (p *pcapReader) header() (CaptureInfo, error) {
	var ci CaptureInfo
	if _, err := io.ReadFull(p.r, p.hdr[:]); err != nil {
		return ci, err
	}
	sec, frac := int64(p.order.Uint32(p.hdr[0:])), int64(p.order.Uint32(p.hdr[4:]))
	ci.Timestamp = time.Unix(sec, frac*p.nanos).UTC()
	ci.CaptureLength = int(p.order.Uint32(p.hdr[8:]))
	ci.Length = int(p.order.Uint32(p.hdr[12:]))
	if ci.CaptureLength > p.snaplen {
		return ci, fmt.Errorf("%w: capture length exceeds snap length: %d > %d", ErrFormat, ci.CaptureLength, p.snaplen)
	}
	if ci.CaptureLength > ci.Length {
		return ci, fmt.Errorf("%w: capture length exceeds original packet length: %d > %d", ErrFormat, ci.CaptureLength, ci.Length)
	}
	return ci, nil
}

// readChunk bounds what readBody allocates ahead of the bytes it has
// read, so that a corrupt length in a short file cannot make it allocate
// gigabytes.
const readChunk = 1 << 20

// readBody reads n bytes into buf (reused when big enough) and returns
// them; a stream that ends first gives io.ErrUnexpectedEOF, as the record
// header promised the bytes.
func readBody(r io.Reader, buf []byte, n int) ([]byte, error) {
	if n <= cap(buf) || n <= readChunk {
		if n > cap(buf) || buf == nil {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, unexpected(err)
		}
		return buf, nil
	}
	buf = buf[:0]
	for len(buf) < n {
		k := min(n-len(buf), readChunk)
		buf = append(buf, make([]byte, k)...)
		if _, err := io.ReadFull(r, buf[len(buf)-k:]); err != nil {
			return nil, unexpected(err)
		}
	}
	return buf, nil
}

// unexpected turns an end of stream inside a record into
// io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
