package verifier

import (
	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/generator/engine"
)

// annotate writes the run's ground truth into the capture: every packet
// the sensor saw that the engine sent gets the engine's label as its
// comment ("T3", "SYN probe, decoy 2 of 3", "scanner RST"), then every
// answer the probe it answers (annotateReplies). The sensor saw packets
// one hop on, which PacketKey allows for.
func annotate(c *capture.Capture, t *engine.Truth) {
	if t == nil {
		return
	}
	for i := range c.Packets {
		ip, err := capture.IPv4(c.LinkType, c.Packets[i].Data)
		if err != nil {
			continue
		}
		if key, ok := engine.PacketKey(ip); ok {
			if label := t.Take(key); label != "" {
				c.Packets[i].Comment = label
			}
		}
	}
	annotateReplies(c)
}
