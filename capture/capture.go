package capture

import (
	"encoding/binary"
	"errors"
	"time"
)

// ErrNotIPv4 is returned by IPv4 for frames that carry no IPv4 packet.
var ErrNotIPv4 = errors.New("capture: frame carries no IPv4 packet")

// Packet is one captured frame.
type Packet struct {
	Time time.Time
	// Data is the frame as captured, link header included.
	Data []byte
	// Comment names the probe (ground truth) where the producer knows it.
	Comment string
}

// Capture is what a sensor saw in one run.
type Capture struct {
	LinkType LinkType
	Packets  []Packet
	// Dropped counts packets the kernel dropped before the sensor read
	// them; a capture with drops makes a scenario inconclusive.
	Dropped uint64
}

// Add appends a copy of data.
func (c *Capture) Add(t time.Time, data []byte, comment string) {
	c.Packets = append(c.Packets, Packet{Time: t, Data: append([]byte(nil), data...), Comment: comment})
}

// Linux cooked capture (SLL) is 16 bytes; its protocol field sits at 14.
const sllHeaderLen = 16

// IPv4 returns the IPv4 packet inside a frame of the given link type, or
// ErrNotIPv4. It does not copy and does not allocate.
func IPv4(lt LinkType, frame []byte) ([]byte, error) {
	p := ipPayload(lt, frame, 0x0800, LinkTypeIPv4)
	if len(p) < 20 || p[0]>>4 != 4 {
		return nil, ErrNotIPv4
	}
	return p, nil
}

// ipPayload returns what follows the link header of a frame that carries
// the EtherType et (IPv4 or IPv6), or nil. Raw IP, the version's own raw
// link type (ipLT) and BSD loopback carry no EtherType: the caller checks
// the version nibble.
func ipPayload(lt LinkType, frame []byte, et uint16, ipLT LinkType) []byte {
	switch lt {
	case LinkTypeEthernet:
		return etherPayloadOf(frame, et)
	case LinkTypeRaw, ipLT, linkTypeRawOpenBSD:
		return frame
	case LinkTypeLinuxSLL:
		if len(frame) >= sllHeaderLen && binary.BigEndian.Uint16(frame[14:]) == et {
			return frame[sllHeaderLen:]
		}
	case LinkTypeNull, LinkTypeLoop:
		if len(frame) >= 4 {
			return frame[4:]
		}
	}
	return nil
}

// etherPayloadOf strips an Ethernet header and up to two VLAN tags,
// returning the payload when its EtherType is want, or nil.
func etherPayloadOf(f []byte, want uint16) []byte {
	if len(f) < 14 {
		return nil
	}
	et, off := binary.BigEndian.Uint16(f[12:]), 14
	for i := 0; i < 2 && (et == 0x8100 || et == 0x88a8); i++ {
		if len(f) < off+4 {
			return nil
		}
		et, off = binary.BigEndian.Uint16(f[off+2:]), off+4
	}
	if et != want {
		return nil
	}
	return f[off:]
}
