package detector

import "github.com/siglab/siglab/capture"

// DetectCapture runs a fresh default Detector over every frame of c, in
// order, and returns its findings. Frames without IPv4 are skipped.
func DetectCapture(c *capture.Capture) []Finding {
	d := New(Config{})
	if c == nil {
		return d.Findings()
	}
	for _, p := range c.Packets {
		if ip, err := capture.IPv4(c.LinkType, p.Data); err == nil {
			d.Packet(p.Time, ip)
		}
	}
	return d.Findings()
}
