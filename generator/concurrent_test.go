package generator_test

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

var _ = Describe("Several nmap processes in one run", func() {
	It("runs the FAQ's exploits-plus script concurrently, each process with its own M, ISNs and window", func() {
		// nmap -v -sS -P0 -p<port> & ... against a host with nothing open.
		ports := []int{12345, 143, 635, 53, 31337, 143, 635, 53, 143, 635, 53, 53, 635, 143, 53, 635}
		type syn struct {
			t     time.Time
			sport uint16
			seq   uint32
		}
		var syns []syn
		net := simnet.New(simnet.Config{Seed: 5, Tap: func(t time.Time, p []byte) {
			pk := gopacket.NewPacket(append([]byte(nil), p...), layers.LayerTypeIPv4, gopacket.Default)
			if tc, ok := pk.Layer(layers.LayerTypeTCP).(*layers.TCP); ok && tc.SYN && !tc.ACK {
				syns = append(syns, syn{t, uint16(tc.SrcPort), tc.Seq})
			}
		}}, labnet.Host{Addr: victim})
		g, _ := engine.NewGuard(netip.PrefixFrom(victim, 32))
		e := engine.NewEngine(net, scanner, g, 1)
		var runs []*generator.Nmap
		for i, port := range ports {
			n, err := generator.NewNmap(fmt.Sprintf("-v -sS -P0 -p%d victim", port), generator.NmapEnv{
				Host: e, Names: map[string]netip.Addr{"victim": victim}, Guard: g, Seed: uint32(1000 + 7919*i)})
			Expect(err).NotTo(HaveOccurred())
			runs = append(runs, n)
			e.Add(time.Duration(i)*10*time.Millisecond, n) // started from a shell loop, ~10 ms apart
		}
		Expect(e.Run(context.Background())).To(Succeed())
		Expect(syns).To(HaveLen(len(ports)))
		sports, seqs := map[uint16]bool{}, map[uint32]bool{}
		for _, s := range syns {
			sports[s.sport], seqs[s.seq] = true, true
		}
		Expect(sports).To(HaveLen(len(ports)), "one base port per process")
		Expect(seqs).To(HaveLen(len(ports)), "one ISN per process")
		for i, n := range runs {
			Expect(n.Output()).To(ContainSubstring("No ports open for host victim (198.18.1.2)"), "run %d", i)
			Expect(n.Output()).To(ContainSubstring("scan 1 ports."))
		}
		Expect(syns[len(syns)-1].t.Sub(syns[0].t)).To(BeNumerically("<", time.Second), "the processes ran side by side")
	})
})
