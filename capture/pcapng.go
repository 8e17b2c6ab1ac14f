package capture

import (
	"encoding/binary"
	"io"
)

// pcapng block types and option codes (draft-tuexen-opsawg-pcapng).
const (
	ngSHB          = 0x0A0D0D0A
	ngIDB          = 0x00000001
	ngEPB          = 0x00000006
	ngByteOrder    = 0x1A2B3C4D
	ngOptEnd       = 0
	ngOptComment   = 1
	ngOptUserAppl  = 4
	ngOptTSResol   = 9
	ngNanoseconds  = 9
	ngSectionUnset = 0xFFFFFFFFFFFFFFFF
)

// WritePcapNG writes the capture as pcapng with nanosecond timestamps
// and, where a packet has one, its comment as the packet's opt_comment:
// the ground truth ("T3", "TSeq 4/6", "scanner RST") Wireshark and tshark
// show with the packet. gopacket v1.1.19's NgWriter cannot write packet
// options, hence this writer.
func (c *Capture) WritePcapNG(w io.Writer) error {
	var b []byte
	b = ngBlock(b, ngSHB, func(b []byte) []byte {
		b = binary.LittleEndian.AppendUint32(b, ngByteOrder)
		b = binary.LittleEndian.AppendUint16(b, 1) // major
		b = binary.LittleEndian.AppendUint16(b, 0) // minor
		b = binary.LittleEndian.AppendUint64(b, ngSectionUnset)
		b = ngOption(b, ngOptUserAppl, []byte("siglab"))
		return ngOption(b, ngOptEnd, nil)
	})
	b = ngBlock(b, ngIDB, func(b []byte) []byte {
		b = binary.LittleEndian.AppendUint16(b, uint16(c.LinkType))
		b = binary.LittleEndian.AppendUint16(b, 0)
		b = binary.LittleEndian.AppendUint32(b, snaplen)
		b = ngOption(b, ngOptTSResol, []byte{ngNanoseconds})
		return ngOption(b, ngOptEnd, nil)
	})
	if _, err := w.Write(b); err != nil {
		return err
	}
	for _, p := range c.Packets {
		b = ngBlock(b[:0], ngEPB, func(b []byte) []byte {
			ts := uint64(p.Time.UnixNano())
			b = binary.LittleEndian.AppendUint32(b, 0) // interface 0
			b = binary.LittleEndian.AppendUint32(b, uint32(ts>>32))
			b = binary.LittleEndian.AppendUint32(b, uint32(ts))
			b = binary.LittleEndian.AppendUint32(b, uint32(len(p.Data)))
			b = binary.LittleEndian.AppendUint32(b, uint32(len(p.Data)))
			b = pad4(append(b, p.Data...))
			if p.Comment != "" {
				b = ngOption(b, ngOptComment, []byte(p.Comment))
				b = ngOption(b, ngOptEnd, nil)
			}
			return b
		})
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// ngBlock appends a block: type, total length, body, total length again.
func ngBlock(b []byte, typ uint32, body func([]byte) []byte) []byte {
	start := len(b)
	b = binary.LittleEndian.AppendUint32(b, typ)
	b = binary.LittleEndian.AppendUint32(b, 0) // length, patched below
	b = body(b)
	total := uint32(len(b) - start + 4)
	binary.LittleEndian.PutUint32(b[start+4:], total)
	return binary.LittleEndian.AppendUint32(b, total)
}

// ngOption appends one option, its value padded to 32 bits.
func ngOption(b []byte, code uint16, v []byte) []byte {
	b = binary.LittleEndian.AppendUint16(b, code)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(v)))
	return pad4(append(b, v...))
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}
