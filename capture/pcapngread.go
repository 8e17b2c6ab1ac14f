package capture

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"time"
)

// pcapng blocks and options read besides those pcapng.go writes.
const (
	ngPB          = 0x00000002 // obsolete Packet Block
	ngSPB         = 0x00000003 // Simple Packet Block
	ngOptTSOffset = 14         // if_tsoffset
	// ngMaxBlock bounds a block's length: far above any frame's, it stops
	// a corrupt length from reading the rest of a file as one block.
	ngMaxBlock = 1 << 28
)

// ngInterface is what an Interface Description Block says that reading
// its packets needs.
type ngInterface struct {
	linkType LinkType
	snaplen  uint32
	units    uint64 // timestamp units per second (if_tsresol; 10^6 unset)
	offset   int64  // seconds added to every timestamp (if_tsoffset)
}

// ngReader reads a pcapng stream as pcapgo's NgReader does with its
// default options: the file's link type is its first interface's, and
// packets on interfaces of another link type are skipped; sections may
// follow each other, in either byte order; blocks it does not know are
// skipped. It is stricter than pcapgo where pcapgo would read garbage
// or panic: a block's trailing length must repeat its leading one, and
// a timestamp resolution it cannot represent is an error.
type ngReader struct {
	r        io.Reader
	order    binary.ByteOrder
	linkType LinkType
	ifaces   []ngInterface
	block    []byte   // the current block's body, reused
	hdr      [12]byte // a block's type, length and byte-order magic
}

func newNgReader(r io.Reader) (*ngReader, error) {
	n := &ngReader{r: r, block: make([]byte, 0, 1<<16)}
	typ, err := n.next()
	if err != nil {
		return nil, unexpected(err)
	}
	if typ != ngSHB {
		return nil, fmt.Errorf("%w: pcapng stream without a section header", ErrFormat)
	}
	// The file's link type is the first interface's: read blocks up to it.
	for len(n.ifaces) == 0 {
		typ, err := n.next()
		if err != nil {
			return nil, fmt.Errorf("%w: pcapng section without an interface: %v", ErrFormat, err)
		}
		switch typ {
		case ngEPB, ngSPB, ngPB:
			return nil, fmt.Errorf("%w: pcapng packet before any interface", ErrFormat)
		case ngSHB:
			return nil, fmt.Errorf("%w: pcapng section without an interface", ErrFormat)
		}
	}
	n.linkType = n.ifaces[0].linkType
	return n, nil
}

// LinkType implements Source.
func (n *ngReader) LinkType() LinkType { return n.linkType }

// ReadPacketData implements Source: the frame is the caller's.
func (n *ngReader) ReadPacketData() ([]byte, CaptureInfo, error) {
	data, ci, err := n.ZeroCopyReadPacketData()
	if err != nil {
		return nil, ci, err
	}
	return append(make([]byte, 0, len(data)), data...), ci, nil
}

// ZeroCopyReadPacketData implements Source: the frame lives until the
// next read (it points into the block buffer).
func (n *ngReader) ZeroCopyReadPacketData() ([]byte, CaptureInfo, error) {
	for {
		typ, err := n.next()
		if err != nil {
			return nil, CaptureInfo{}, err
		}
		var data []byte
		var ci CaptureInfo
		switch typ {
		case ngEPB, ngPB:
			data, ci, err = n.packet(typ)
		case ngSPB:
			data, ci, err = n.simplePacket()
		default:
			continue
		}
		if err != nil {
			return nil, ci, err
		}
		if n.ifaces[ci.InterfaceIndex].linkType != n.linkType {
			continue // pcapgo's default: one link type per reader
		}
		return data, ci, nil
	}
}

// packet decodes an Enhanced (or obsolete) Packet Block.
func (n *ngReader) packet(typ uint32) ([]byte, CaptureInfo, error) {
	var ci CaptureInfo
	b := n.block
	if len(b) < 20 {
		return nil, ci, fmt.Errorf("%w: pcapng packet block of %d bytes", ErrFormat, len(b))
	}
	if typ == ngPB {
		ci.InterfaceIndex = int(n.order.Uint16(b[0:]))
	} else {
		ci.InterfaceIndex = int(n.order.Uint32(b[0:]))
	}
	if ci.InterfaceIndex >= len(n.ifaces) {
		return nil, ci, fmt.Errorf("%w: pcapng packet on interface %d of %d", ErrFormat, ci.InterfaceIndex, len(n.ifaces))
	}
	ts := uint64(n.order.Uint32(b[4:]))<<32 | uint64(n.order.Uint32(b[8:]))
	ci.Timestamp = n.ifaces[ci.InterfaceIndex].time(ts)
	ci.CaptureLength = int(n.order.Uint32(b[12:]))
	ci.Length = int(n.order.Uint32(b[16:]))
	if ci.CaptureLength > len(b)-20 {
		return nil, ci, fmt.Errorf("%w: pcapng packet of %d bytes in a block of %d", ErrFormat, ci.CaptureLength, len(b)+12)
	}
	return b[20 : 20+ci.CaptureLength], ci, nil
}

// simplePacket decodes a Simple Packet Block: interface 0, no timestamp,
// the frame cut to the interface's snap length.
func (n *ngReader) simplePacket() ([]byte, CaptureInfo, error) {
	var ci CaptureInfo
	b := n.block
	if len(b) < 4 {
		return nil, ci, fmt.Errorf("%w: pcapng simple packet block of %d bytes", ErrFormat, len(b))
	}
	if len(n.ifaces) == 0 {
		return nil, ci, fmt.Errorf("%w: pcapng simple packet before any interface", ErrFormat)
	}
	ci.Length = int(n.order.Uint32(b))
	ci.CaptureLength = ci.Length
	if s := int(n.ifaces[0].snaplen); s != 0 && ci.CaptureLength > s {
		ci.CaptureLength = s
	}
	if ci.CaptureLength > len(b)-4 {
		return nil, ci, fmt.Errorf("%w: pcapng packet of %d bytes in a block of %d", ErrFormat, ci.CaptureLength, len(b)+12)
	}
	return b[4 : 4+ci.CaptureLength], ci, nil
}

// next reads one block into n.block (its body: after type and length,
// before the trailing length) and returns its type. Section headers and
// interface descriptions are taken in on the way. io.EOF only between
// blocks.
func (n *ngReader) next() (uint32, error) {
	h := n.hdr[:] // a field, not a local: through io.Reader a local escapes
	if _, err := io.ReadFull(n.r, h[:8]); err != nil {
		return 0, err
	}
	typ := binary.LittleEndian.Uint32(h[0:]) // the SHB's type reads alike both ways
	if typ == ngSHB {
		if _, err := io.ReadFull(n.r, h[8:12]); err != nil {
			return 0, unexpected(err)
		}
		switch {
		case binary.LittleEndian.Uint32(h[8:]) == ngByteOrder:
			n.order = binary.LittleEndian
		case binary.BigEndian.Uint32(h[8:]) == ngByteOrder:
			n.order = binary.BigEndian
		default:
			return 0, fmt.Errorf("%w: pcapng section header with byte-order magic %x", ErrFormat, h[8:12])
		}
	} else if n.order == nil {
		return 0, fmt.Errorf("%w: pcapng block before any section header", ErrFormat)
	} else {
		typ = n.order.Uint32(h[0:])
	}
	total := n.order.Uint32(h[4:])
	head := uint32(8)
	if typ == ngSHB {
		head = 12
	}
	if total%4 != 0 || total < head+4 || total > ngMaxBlock {
		return 0, fmt.Errorf("%w: pcapng block of type %#x with length %d", ErrFormat, typ, total)
	}
	var err error
	if n.block, err = readBody(n.r, n.block, int(total-head)); err != nil {
		return 0, err
	}
	body := n.block[:len(n.block)-4]
	if trail := n.order.Uint32(n.block[len(body):]); trail != total {
		return 0, fmt.Errorf("%w: pcapng block of type %#x with lengths %d and %d", ErrFormat, typ, total, trail)
	}
	n.block = body
	switch typ {
	case ngSHB:
		return typ, n.section()
	case ngIDB:
		return typ, n.iface()
	}
	return typ, nil
}

// section starts a new section: its interfaces replace the last one's.
func (n *ngReader) section() error {
	b := n.block
	if len(b) < 12 {
		return fmt.Errorf("%w: pcapng section header of %d bytes", ErrFormat, len(b))
	}
	if major := n.order.Uint16(b); major != 1 {
		return fmt.Errorf("%w: pcapng version %d.%d, want 1.x", ErrFormat, major, n.order.Uint16(b[2:]))
	}
	n.ifaces = n.ifaces[:0]
	return nil
}

// iface takes in an Interface Description Block.
func (n *ngReader) iface() error {
	b := n.block
	if len(b) < 8 {
		return fmt.Errorf("%w: pcapng interface block of %d bytes", ErrFormat, len(b))
	}
	in := ngInterface{linkType: LinkType(n.order.Uint16(b)), snaplen: n.order.Uint32(b[4:]), units: 1e6}
	for opts := b[8:]; len(opts) >= 4; {
		code, l := n.order.Uint16(opts), int(n.order.Uint16(opts[2:]))
		if code == ngOptEnd {
			break
		}
		if 4+l > len(opts) {
			return fmt.Errorf("%w: pcapng interface option %d of %d bytes overruns its block", ErrFormat, code, l)
		}
		v := opts[4 : 4+l]
		switch {
		case code == ngOptTSResol && l >= 1:
			u, err := tsUnits(v[0])
			if err != nil {
				return err
			}
			in.units = u
		case code == ngOptTSOffset && l >= 8:
			in.offset = int64(n.order.Uint64(v))
		}
		opts = opts[min(len(opts), 4+(l+3)&^3):]
	}
	n.ifaces = append(n.ifaces, in)
	return nil
}

// tsUnits is how many timestamp units make a second for an if_tsresol
// value: 10^v, or 2^(v&0x7f) with the top bit set.
func tsUnits(v byte) (uint64, error) {
	e := uint(v & 0x7f)
	if v&0x80 != 0 {
		if e > 63 {
			return 0, fmt.Errorf("%w: pcapng timestamp resolution 2^-%d", ErrFormat, e)
		}
		return 1 << e, nil
	}
	if e > 19 {
		return 0, fmt.Errorf("%w: pcapng timestamp resolution 10^-%d", ErrFormat, e)
	}
	u := uint64(1)
	for range e {
		u *= 10
	}
	return u, nil
}

// time converts a timestamp in the interface's units, in UTC as pcapgo
// gives it.
func (in ngInterface) time(ts uint64) time.Time {
	sec, frac := ts/in.units, ts%in.units
	hi, lo := bits.Mul64(frac, 1e9)
	nsec, _ := bits.Div64(hi, lo, in.units) // hi < units: frac < units
	return time.Unix(int64(sec)+in.offset, int64(nsec)).UTC()
}
