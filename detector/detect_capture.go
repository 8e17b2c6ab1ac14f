package detector

import (
	"github.com/siglab/siglab/capture"
)

// DetectCapture runs a fresh default Detector over every frame of c, in
// order, and returns its findings. Frames with neither IPv4 nor IPv6 are
// skipped.
func DetectCapture(c *capture.Capture) []Finding {
	d := New(Config{})
	if c == nil {
		return d.Findings()
	}
	for _, p := range c.Packets {
		if ip := IPPacket(c.LinkType, p.Data); ip != nil {
			d.Packet(p.Time, ip)
		}
	}
	return d.Findings()
}

// IPPacket returns the IPv4 or IPv6 packet inside a frame of link type
// lt (capture.IPv4, capture.IPv6), nil when it carries neither. It does
// not copy.
func IPPacket(lt capture.LinkType, frame []byte) []byte {
	if ip, err := capture.IPv4(lt, frame); err == nil {
		return ip
	}
	if ip, err := capture.IPv6(lt, frame); err == nil {
		return ip
	}
	return nil
}
