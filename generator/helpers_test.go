package generator_test

import (
	"context"
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

var (
	scanner = netip.MustParseAddr("198.18.0.2")
	victim  = netip.MustParseAddr("198.18.1.2")
	faqOpen = []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}
)

// wirePacket is one packet the simulated sensor saw, decoded by gopacket
// (independently of the generator's own builders).
type wirePacket struct {
	t   time.Time
	raw []byte
	ip  *layers.IPv4
	tcp *layers.TCP
}

// offlineRun plays actors made by mk against one simulated host and
// returns the wire, in the order the sensor saw it.
type offlineRun struct {
	wire []wirePacket
	nmap *generator.Nmap
	net  *simnet.Network
}

func runNmap(cmdline string, seed uint32, cfg simnet.Config, host labnet.Host) *offlineRun {
	r := &offlineRun{}
	cfg.Tap = func(t time.Time, p []byte) {
		pk := gopacket.NewPacket(append([]byte(nil), p...), layers.LayerTypeIPv4, gopacket.Default)
		w := wirePacket{t: t, raw: pk.Data()}
		w.ip, _ = pk.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		w.tcp, _ = pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
		r.wire = append(r.wire, w)
	}
	r.net = simnet.New(cfg, host)
	lab, _ := host.Addr.Prefix(24) // the lab owns the host's /24
	g, err := engine.NewGuard(lab)
	Expect(err).NotTo(HaveOccurred())
	e := engine.NewEngine(r.net, scanner, g, 1)
	r.nmap, err = generator.NewNmap(cmdline, generator.NmapEnv{Host: e, Names: map[string]netip.Addr{"victim": host.Addr}, Guard: g, Seed: seed})
	Expect(err).NotTo(HaveOccurred())
	e.Add(0, r.nmap)
	Expect(e.Run(context.Background())).To(Succeed())
	return r
}

// probes are the packets the scanner sent with the SYN flag alone.
func (r *offlineRun) synProbes() []wirePacket {
	var out []wirePacket
	for _, w := range r.wire {
		if w.ip.SrcIP.Equal(scanner.AsSlice()) && w.tcp != nil && w.tcp.SYN && !w.tcp.ACK {
			out = append(out, w)
		}
	}
	return out
}

func (r *offlineRun) from(a netip.Addr) []wirePacket {
	var out []wirePacket
	for _, w := range r.wire {
		if w.ip.SrcIP.Equal(a.AsSlice()) {
			out = append(out, w)
		}
	}
	return out
}
