package capture

import (
	"encoding/binary"
	"errors"

	"github.com/google/gopacket/layers"
)

// ErrNotIPv6 is returned by IPv6 for frames that carry no IPv6 packet.
var ErrNotIPv6 = errors.New("capture: frame carries no IPv6 packet")

// IPv6 returns the IPv6 packet inside a frame of the given link type
// (Ethernet with up to two VLAN tags, raw IP, Linux cooked, BSD loopback),
// or ErrNotIPv6; at least its 40-byte fixed header is there. It does not
// copy and does not allocate. The live lab's captures hold IPv6 when a
// tool in it speaks IPv6 (nmap -6, ping -6): the sensor keeps every
// frame of its link, whatever its EtherType.
func IPv6(lt layers.LinkType, frame []byte) ([]byte, error) {
	var p []byte
	switch lt {
	case layers.LinkTypeEthernet:
		p = etherPayloadOf(frame, 0x86dd)
	case layers.LinkTypeRaw, layers.LinkTypeIPv6, 12: // 12: LINKTYPE_RAW on OpenBSD
		p = frame
	case layers.LinkTypeLinuxSLL:
		if len(frame) >= sllHeaderLen && binary.BigEndian.Uint16(frame[14:]) == 0x86dd {
			p = frame[sllHeaderLen:]
		}
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		if len(frame) >= 4 {
			p = frame[4:]
		}
	}
	if len(p) < 40 || p[0]>>4 != 6 {
		return nil, ErrNotIPv6
	}
	return p, nil
}

// etherPayloadOf strips an Ethernet header and up to two VLAN tags,
// returning nil unless the EtherType is want.
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
