package detector_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire/wiretest"
)

var _ = Describe("DetectCapture", func() {
	It("finds in an Ethernet capture what Packet finds in the bare packets, skipping non-IPv4 frames", func() {
		ps := nmap202Scan().packets()
		want, _ := detect(detector.Config{}, ps)

		c := &capture.Capture{LinkType: capture.LinkTypeEthernet}
		c.Add(t0, wiretest.Ethernet(wiretest.EtherARP, make([]byte, 28)), "arp")
		for _, p := range ps {
			c.Add(p.at, wiretest.Ethernet(wiretest.EtherIPv4, p.data), "")
		}
		Expect(detector.DetectCapture(c)).To(Equal(want))
	})

	It("reads raw IP captures too", func() {
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
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
