package capture

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// ErrFormat is wrapped by ReadFile's errors for input that is neither pcap
// nor pcapng.
var ErrFormat = errors.New("not a pcap or pcapng file")

// snaplen written into pcap headers.
const snaplen = 262144

// Source yields frames one at a time; both pcapgo readers satisfy it.
// ZeroCopyReadPacketData returns a frame valid only until the next read:
// for callers that do not keep frames (the detector copies nothing), it
// saves an allocation per packet.
type Source interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

// Open returns a Source for a pcap or pcapng stream, told apart by magic.
// gopacket v1.1.19's readers panic on some corrupt input (a zero
// timestamp resolution divides by zero); Open and the Source it returns
// turn such panics into errors wrapping ErrFormat.
func Open(r io.Reader) (src Source, err error) {
	defer func() {
		if p := recover(); p != nil {
			src, err = nil, fmt.Errorf("%w: corrupt header (%v)", ErrFormat, p)
		}
	}()
	s, err := open(r)
	if err != nil {
		return nil, err
	}
	return guarded{s}, nil
}

// guarded is a Source whose reads cannot panic.
type guarded struct{ Source }

// ReadPacketData implements Source.
func (g guarded) ReadPacketData() (data []byte, ci gopacket.CaptureInfo, err error) {
	defer func() {
		if p := recover(); p != nil {
			data, err = nil, fmt.Errorf("%w: corrupt packet record (%v)", ErrFormat, p)
		}
	}()
	return g.Source.ReadPacketData()
}

// ZeroCopyReadPacketData implements Source.
func (g guarded) ZeroCopyReadPacketData() (data []byte, ci gopacket.CaptureInfo, err error) {
	defer func() {
		if p := recover(); p != nil {
			data, err = nil, fmt.Errorf("%w: corrupt packet record (%v)", ErrFormat, p)
		}
	}()
	return g.Source.ZeroCopyReadPacketData()
}

func open(r io.Reader) (Source, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, err := br.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		ng, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		return ng, nil
	}
	pr, err := pcapgo.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return pr, nil
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
