package wiretest

import "encoding/binary"

// TCP options, one encoded option each, for Options to join. MSS,
// WScale and Timestamp take their values; the rest are fixed.
var (
	EOL           = []byte{0}
	NOP           = []byte{1}
	SACKPermitted = []byte{4, 2}
)

// MSS is the maximum-segment-size option (kind 2).
func MSS(mss uint16) []byte { return binary.BigEndian.AppendUint16([]byte{2, 4}, mss) }

// WScale is the window-scale option (kind 3) with shift.
func WScale(shift uint8) []byte { return []byte{3, 3, shift} }

// Timestamp is the timestamps option (kind 8): TSval and TSecr.
func Timestamp(val, ecr uint32) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32([]byte{8, 10}, val), ecr)
}

// Options joins options into a TCP option block in the order given,
// padded with zeros (end of list) to a multiple of four bytes, as
// wire.TCPSegment.Options wants it.
func Options(opts ...[]byte) []byte {
	var b []byte
	for _, o := range opts {
		b = append(b, o...)
	}
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}
