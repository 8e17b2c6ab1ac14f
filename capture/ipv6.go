package capture

import "errors"

// ErrNotIPv6 is returned by IPv6 for frames that carry no IPv6 packet.
var ErrNotIPv6 = errors.New("capture: frame carries no IPv6 packet")

// IPv6 returns the IPv6 packet inside a frame of the given link type
// (Ethernet with up to two VLAN tags, raw IP, Linux cooked, BSD loopback),
// or ErrNotIPv6; at least its 40-byte fixed header is there. It does not
// copy and does not allocate. The live lab's captures hold IPv6 when a
// tool in it speaks IPv6 (nmap -6, ping -6): the sensor keeps every
// frame of its link, whatever its EtherType.
func IPv6(lt LinkType, frame []byte) ([]byte, error) {
	p := ipPayload(lt, frame, 0x86dd, LinkTypeIPv6)
	if len(p) < 40 || p[0]>>4 != 6 {
		return nil, ErrNotIPv6
	}
	return p, nil
}
