package psad_test

import (
	"context"
	"net/netip"
	"os/exec"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external/psad"
	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/generator/traffic"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/sensor"
	"github.com/siglab/siglab/simnet"
)

var (
	scanner = labnet.DefaultScanner
	victim  = netip.MustParseAddr("198.18.1.2")
	// victimHost is the specs' target: a kernel host with a few
	// listeners, as the FAQ's figure 2 victim had.
	victimHost = labnet.Host{Name: "victim", Addr: victim, Stack: labnet.Kernel,
		OpenTCP: []uint16{7, 9, 13, 21, 22, 23, 25, 80}}
)

// run is what to play: nmap 2.02 command lines (at 0 s, seeded srand)
// and ordinary TCP sessions to victim:80.
type run struct {
	nmap     []string
	srand    uint32
	sessions int
	// accept, when set, are the services the victim's firewall accepts
	// before the logging rule.
	accept *psad.Services
}

// play plays r over l from the default scanner.
func play(l link.Link, r run) {
	pfx, _ := victim.Prefix(24)
	g, err := engine.NewGuard(pfx)
	Expect(err).NotTo(HaveOccurred())
	e := engine.NewEngine(l, scanner, g, 7)
	names := map[string]netip.Addr{"victim": victim}
	for _, cmd := range r.nmap {
		c, err := generator.ResolveNmap(cmd, names, g)
		Expect(err).NotTo(HaveOccurred())
		e.Add(0, c.Start(e, r.srand))
	}
	if r.sessions > 0 {
		e.Add(0, traffic.NewSessions(e, victim, 80, r.sessions, 100*time.Millisecond, 11))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	Expect(e.Run(ctx)).To(Succeed())
}

// offline plays r against the simulated network and returns its tap's
// capture (the tap sits at the hosts: psad.LogOptions.Hops 0).
func offline(r run) *capture.Capture {
	c := &capture.Capture{LinkType: capture.LinkTypeRaw}
	net, err := simnet.Build(simnet.Config{Seed: 1, InOrder: true, Tap: func(t time.Time, p []byte) { c.Add(t, p, "") }}, victimHost)
	Expect(err).NotTo(HaveOccurred())
	play(net, r)
	net.Flush()
	return c
}

// live plays r in a fresh live lab with the victim's NFLOG capture on
// and returns the sensor's capture and ulogd2's lines.
func live(r run, prefix string) (*capture.Capture, []string) {
	requireTool("ulogd")
	lab := netnstest.BuildLab(netns.Spec{Seed: 1, Hosts: []labnet.Host{victimHost}})
	sn, err := sensor.Start(lab.SensorNS(), lab.SensorIface())
	Expect(err).NotTo(HaveOccurred())
	hns, ok := lab.HostNS("victim")
	Expect(ok).To(BeTrue())
	var accepted map[netip.Addr]psad.Services
	if r.accept != nil {
		accepted = map[netip.Addr]psad.Services{victim: *r.accept}
	}
	nf, err := psad.StartNFLOGAccepting(hns, []netip.Addr{victim}, prefix, accepted)
	Expect(err).NotTo(HaveOccurred())
	stopped := false
	DeferCleanup(func() {
		if !stopped {
			_, _ = nf.Stop()
		}
	})
	play(link.NewTUN(lab.TUN()), r)
	c, err := sn.Stop()
	Expect(err).NotTo(HaveOccurred())
	stopped = true
	lines, err := nf.Stop()
	Expect(err).NotTo(HaveOccurred())
	return c, lines
}

// requireTool skips loudly when a Debian package's binary is missing.
func requireTool(name string) {
	if _, err := exec.LookPath(name); err != nil {
		Skip("*** NOT RUN: needs " + name + " (apt-get install psad ulogd2) ***")
	}
}

// fragments counts the capture's IPv4 fragments to victim.
func fragments(c *capture.Capture) int {
	n := 0
	for _, p := range c.Packets {
		ip, err := capture.IPv4(c.LinkType, p.Data)
		if err == nil && netip.AddrFrom4([4]byte(ip[16:20])) == victim && (ip[6]&0x20 != 0 || ip[6]&0x1f != 0 || ip[7] != 0) {
			n++
		}
	}
	return n
}
