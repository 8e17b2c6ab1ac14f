package detector_test

import (
	"slices"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
)

// ethernet wraps an IPv4 packet in an Ethernet frame (padded to 60 bytes
// for short packets, as real frames are).
func ethernet(ip []byte) []byte {
	eth := &layers.Ethernet{
		SrcMAC:       []byte{2, 0, 0, 0, 0, 1},
		DstMAC:       []byte{2, 0, 0, 0, 0, 2},
		EthernetType: layers.EthernetTypeIPv4,
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, eth, gopacket.Payload(ip)); err != nil {
		panic(err)
	}
	return slices.Clone(buf.Bytes())
}

var _ = Describe("DetectCapture", func() {
	It("finds in an Ethernet capture what Packet finds in the bare packets, skipping non-IPv4 frames", func() {
		ps := nmap202Scan().packets()
		want, _ := detect(detector.Config{}, ps)

		c := &capture.Capture{LinkType: layers.LinkTypeEthernet}
		arp := ethernet(make([]byte, 28))
		arp[12], arp[13] = 0x08, 0x06
		c.Add(t0, arp, "arp")
		for _, p := range ps {
			c.Add(p.at, ethernet(p.data), "")
		}
		Expect(detector.DetectCapture(c)).To(Equal(want))
	})

	It("reads raw IP captures too", func() {
		c := &capture.Capture{LinkType: layers.LinkTypeRaw}
		for _, p := range nmap202Scan().packets() {
			c.Add(p.at, p.data, "")
		}
		Expect(labels(detector.DetectCapture(c))).To(Equal([]string{"scan.tcp-syn", "tool.nmap-2.0x"}))
	})

	It("gives no findings for an empty or missing capture", func() {
		Expect(detector.DetectCapture(&capture.Capture{})).To(BeEmpty())
		Expect(detector.DetectCapture(nil)).To(BeEmpty())
	})
})
