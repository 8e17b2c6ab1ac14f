package simnet_test

import (
	"context"
	"net/netip"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

// tapped is one packet as a tap saw it.
type tapped struct {
	at  time.Time
	pkt []byte
}

func byTime(a, b tapped) int { return a.at.Compare(b.at) }

var _ = Describe("InOrder: the tap in wire order", func() {
	// play runs nmap against two hosts (one historic, one kernel) and
	// returns what the tap saw; flushed reports how many packets had
	// reached the tap before Flush.
	play := func(inOrder bool, cmdline string) (seen []tapped, flushed int) {
		tap := func(t time.Time, p []byte) { seen = append(seen, tapped{t, append([]byte(nil), p...)}) }
		n := simnet.New(simnet.Config{Seed: 9, Tap: tap, InOrder: inOrder},
			labnet.Host{Addr: victim, Stack: "irix-6.2", OpenTCP: []uint16{7, 22, 80}},
			labnet.Host{Addr: other, OpenTCP: []uint16{22}, FilteredTCP: []uint16{25}})
		g, err := engine.NewGuard(netip.MustParsePrefix("198.18.1.0/24"))
		Expect(err).NotTo(HaveOccurred())
		e := engine.NewEngine(n, scanner, g, 1)
		nm, err := generator.NewNmap(cmdline, generator.NmapEnv{Host: e, Guard: g, Seed: 4242})
		Expect(err).NotTo(HaveOccurred())
		e.Add(0, nm)
		Expect(e.Run(context.Background())).To(Succeed())
		flushed = len(seen)
		n.Flush()
		return seen, flushed
	}

	DescribeTable("is exactly a stable sort of the plain tap by time, while holding little",
		func(cmdline string) {
			plain, _ := play(false, cmdline)
			Expect(slices.IsSortedFunc(plain, byTime)).To(BeFalse(), "the plain tap is out of wire order here")
			slices.SortStableFunc(plain, byTime)
			ordered, before := play(true, cmdline)
			Expect(ordered).To(HaveLen(len(plain)))
			for i := range plain {
				Expect(ordered[i].at).To(Equal(plain[i].at), "packet %d's time", i)
				Expect(ordered[i].pkt).To(Equal(plain[i].pkt), "packet %d", i)
			}
			Expect(before).To(BeNumerically(">", len(plain)/2), "most packets reach the tap during the run, not at Flush")
		},
		Entry("SYN scan with OS detection (answers read after later sends)", "-sS -P0 -O -p1-300 198.18.1.2 198.18.1.3"),
		Entry("FIN scan (silence, retransmissions)", "-sF -P0 -p1-100 198.18.1.2 198.18.1.3"),
		Entry("fragmented SYN scan (pieces answered once whole)", "-sS -f -P0 -p1-100 198.18.1.2"),
		Entry("ping sweep (ICMP and TCP ACK, empty addresses)", "-sP 198.18.1.0/28"),
		Entry("connect scan (the scanner kernel's handshakes and RSTs)", "-sT -P0 -p1-100 198.18.1.3"),
	)

	It("hands nothing to a plain tap late: Flush is a no-op without InOrder", func() {
		seen, before := play(false, "-sS -P0 -p1-50 198.18.1.3")
		Expect(seen).To(HaveLen(before))
	})
})
