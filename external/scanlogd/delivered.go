package scanlogd

import (
	"net/netip"
	"time"

	"github.com/siglab/siglab/capture"
)

// Packet is one IPv4 packet scanlogd's kernel is shown.
type Packet struct {
	Time time.Time
	Data []byte // the IPv4 packet, trimmed to its total length
}

// Delivered picks c's packets that a kernel owning targets hands to a
// TCP raw socket, before reassembly: TCP to one of targets, fragments
// included, link headers and trailers removed.
func Delivered(c *capture.Capture, targets []netip.Addr) []Packet {
	want := map[netip.Addr]bool{}
	for _, t := range targets {
		want[t.Unmap()] = true
	}
	var out []Packet
	for _, p := range c.Packets {
		ip, err := capture.IPv4(c.LinkType, p.Data)
		if err != nil || ip[9] != 6 {
			continue
		}
		ihl, total := int(ip[0]&0x0f)*4, int(ip[2])<<8|int(ip[3])
		if ihl < 20 || total < ihl || total > len(ip) {
			continue
		}
		if !want[netip.AddrFrom4([4]byte(ip[16:20]))] {
			continue
		}
		out = append(out, Packet{Time: p.Time, Data: ip[:total]})
	}
	return out
}
