package render_test

import (
	"bytes"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/render"
	"github.com/siglab/siglab/wire"
)

var _ = Describe("Stream", func() {
	const isn = 3596953827
	// A SYN scan's open port (the scanner kernel's RST to the SYN/ACK),
	// a closed port, and an ARP frame, as Ethernet frames off the sensor.
	c := &capture.Capture{LinkType: capture.LinkTypeEthernet}
	eth := func(ip []byte) []byte {
		return append([]byte{2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00}, ip...)
	}
	c.Add(at, eth(tcp(scanner, victim, wire.TCPSegment{SPort: 42558, DPort: 13, Seq: isn, Flags: wire.FlagSYN, Window: 4096})), "")
	c.Add(at, eth(tcp(victim, scanner, wire.TCPSegment{SPort: 13, DPort: 42558, Seq: 7, Ack: isn + 1, Flags: 0x12, Window: 32120})), "")
	c.Add(at, eth(tcp(scanner, victim, wire.TCPSegment{SPort: 42558, DPort: 13, Seq: isn + 1, Flags: wire.FlagRST})), "")
	c.Add(at, append([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 2, 0x08, 0x06}, make([]byte, 28)...), "")
	c.Add(at, eth(tcp(scanner, victim, wire.TCPSegment{SPort: 42558, DPort: 14, Seq: isn, Flags: wire.FlagSYN, Window: 4096})), "")
	c.Add(at, eth(tcp(victim, scanner, wire.TCPSegment{SPort: 14, DPort: 42558, Ack: isn + 1, Flags: wire.FlagRST | wire.FlagACK})), "")

	DescribeTable("renders packet by packet exactly what Write renders of the whole capture",
		func(o render.Options, lines int) {
			var whole bytes.Buffer
			Expect(render.Write(&whole, c, o)).To(Succeed())
			var streamed strings.Builder
			s := render.NewStream(o)
			for _, p := range c.Packets {
				if line, ok := s.Packet(c.LinkType, p.Time, p.Data); ok {
					streamed.WriteString(line + "\n")
				}
			}
			Expect(streamed.String()).To(Equal(whole.String()))
			Expect(strings.Count(streamed.String(), "\n")).To(Equal(lines))
		},
		Entry("tcpdump 3.4's form: every IP packet", render.Options{}, 5),
		Entry("the FAQ's form: without the scanner kernel's RST", render.Options{FAQ: true}, 4),
		Entry("the FAQ's form, the scanner's packets only", render.Options{FAQ: true, From: scanner}, 2),
	)
})
