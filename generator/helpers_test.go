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
	c, err := generator.ResolveNmap(cmdline, map[string]netip.Addr{"victim": host.Addr}, labGuard(host.Addr))
	Expect(err).NotTo(HaveOccurred())
	return runCommand(c, seed, cfg, host)
}

// labGuard approves the /24 of a (the lab owns the host's /24).
func labGuard(a netip.Addr) *engine.Guard {
	lab, _ := a.Prefix(24)
	g, err := engine.NewGuard(lab)
	Expect(err).NotTo(HaveOccurred())
	return g
}

func mustGuard() *engine.Guard { return labGuard(victim) }

// runCommand starts a resolved command (its options possibly changed)
// against one simulated host.
func runCommand(c *generator.NmapCommand, seed uint32, cfg simnet.Config, host labnet.Host) *offlineRun {
	r := &offlineRun{}
	cfg.Tap = func(t time.Time, p []byte) {
		pk := gopacket.NewPacket(append([]byte(nil), p...), layers.LayerTypeIPv4, gopacket.Default)
		w := wirePacket{t: t, raw: pk.Data()}
		w.ip, _ = pk.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		w.tcp, _ = pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
		r.wire = append(r.wire, w)
	}
	r.net = simnet.New(cfg, host)
	e := engine.NewEngine(r.net, scanner, labGuard(host.Addr), 1)
	r.nmap = c.Start(e, seed)
	e.Add(0, r.nmap)
	Expect(e.Run(context.Background())).To(Succeed())
	return r
}

// tseqProbes are the TSeq SYNs: 40 bytes, from M+1..M+6 (every attempt's).
func (r *offlineRun) tseqProbes() []wirePacket {
	var out []wirePacket
	m := layers.TCPPort(r.nmap.Magic())
	for _, w := range r.synProbes() {
		if len(w.raw) == 40 && w.tcp.SrcPort > m && w.tcp.SrcPort <= m+6 {
			out = append(out, w)
		}
	}
	return out
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

// linuxWake is when a usleep(d) (or sleep) begun at t returns on the
// scanner's Linux 2.0 kernel (HZ = 100, ticks 3.3 ms past each 10 ms of
// wall time): select()/nanosleep() round d up to whole jiffies and add
// one, so the process wakes at tick jiffies(t) + ceil(d/10ms) + 1.
func linuxWake(t time.Time, d time.Duration) time.Time {
	const tick, phase = int64(10 * time.Millisecond), int64(3300 * time.Microsecond)
	n := (int64(d) + tick - 1) / tick
	j := (t.UnixNano() - phase) / tick
	return time.Unix(0, (j+n+1)*tick+phase).UTC()
}
