package scanlogd_test

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/external/scanlogd"
	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/sensor"
	"github.com/siglab/siglab/verifier"
)

var _ = AfterSuite(func() {
	netnstest.ExpectNoLeftovers()
	Expect(ours()).To(BeEmpty(), "scanlogd processes this suite started are still running")
})

// helper is the test binary as a siglab process killed by a spec (see
// helperEnv).
func helper(mode string) {
	lab, err := netns.BuildReplay("scanlogd", []netip.Addr{victim})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ns, _ := lab.HostNS("scanlogd")
	var d *scanlogd.Daemon
	if mode == "detached" {
		d, err = scanlogd.StartDetached(ns)
	} else {
		d, err = scanlogd.Start(ns)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(lab.ID(), d.PID())
	select {} // until SIGKILL: nothing gets stopped or closed
}

// requireScanlogd skips a live spec when scanlogd is not installed
// (.ci/run installs it), loudly.
func requireScanlogd() {
	netnstest.RequireRoot()
	if _, err := os.Stat("/usr/sbin/scanlogd"); err != nil {
		Skip("*** NOT RUN: scanlogd is not installed (apt-get install scanlogd) ***")
	}
}

// ours lists the processes carrying the owner mark of this process or
// of a helper it started: "<pid> <comm>".
func ours() []string {
	ents, err := os.ReadDir("/proc")
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !strings.Contains(string(env), scanlogd.OwnerEnv+"=") {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		out = append(out, e.Name()+" "+strings.TrimSpace(string(comm)))
	}
	return out
}

// mountNS is the mount namespace of process pid ("mnt:[N]").
func mountNS(pid int) string {
	l, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/mnt")
	Expect(err).NotTo(HaveOccurred())
	return l
}

// inMountNS lists the threads in mount namespace ns ("mnt:[N]"): empty
// once the namespace, and every mount in it, is gone.
func inMountNS(ns string) []string {
	tasks, err := filepath.Glob("/proc/[0-9]*/task/[0-9]*/ns/mnt")
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, t := range tasks {
		if l, err := os.Readlink(t); err == nil && l == ns {
			out = append(out, t)
		}
	}
	return out
}

// hostMounts is the test's own mount table, to check that a daemon's
// mounts never appear in it.
func hostMounts() string {
	b, err := os.ReadFile("/proc/self/mountinfo")
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// scenario is a catalogue scenario.
func scenario(name string) *scenarios.Scenario {
	s, err := scenarios.Find(name)
	Expect(err).NotTo(HaveOccurred())
	return s
}

// hostAddrs are the scenario's host addresses.
func hostAddrs(s *scenarios.Scenario) []netip.Addr {
	var out []netip.Addr
	for _, h := range s.Network.Hosts {
		out = append(out, h.Addr)
	}
	return out
}

// offline is the capture of s run against the simulated network, as the
// verifier's offline mode makes it.
func offline(s *scenarios.Scenario) *capture.Capture {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := verifier.Run(ctx, s, true)
	Expect(err).NotTo(HaveOccurred())
	return res.Capture
}

// live runs s's first nmap command in a live lab of s's network with
// scanlogd running on host victim and the sensor capturing, and returns
// the capture and what scanlogd logged.
func live(s *scenarios.Scenario) (*capture.Capture, []byte, []external.Record) {
	lab := netnstest.BuildLab(verifier.LabSpec(s))
	ns, ok := lab.HostNS("victim")
	Expect(ok).To(BeTrue())
	d, err := scanlogd.Start(ns)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _, _, _ = d.Stop() }) // a no-op after the Stop below
	sn, err := sensor.Start(lab.SensorNS(), lab.SensorIface())
	Expect(err).NotTo(HaveOccurred())
	names := map[string]netip.Addr{}
	var allowed []netip.Prefix
	for _, h := range s.Network.Hosts {
		names[h.Name] = h.Addr
		p, _ := h.Addr.Prefix(24)
		allowed = append(allowed, p)
	}
	g, err := engine.NewGuard(allowed...)
	Expect(err).NotTo(HaveOccurred())
	cmd, err := generator.ResolveNmap(s.Scan[0].Nmap, names, g)
	Expect(err).NotTo(HaveOccurred())
	e := engine.NewEngine(link.NewTUN(lab.TUN()), labnet.DefaultScanner, g, uint16(s.Seed))
	e.Add(0, cmd.Start(e, 4242))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rerr := e.Run(ctx)
	c, serr := sn.Stop()
	log, recs, derr := d.Stop()
	Expect(rerr).NotTo(HaveOccurred())
	Expect(serr).NotTo(HaveOccurred())
	Expect(derr).NotTo(HaveOccurred())
	return c, log, recs
}

// replay is Replay with a deadline, which must succeed.
func replay(c *capture.Capture, targets ...netip.Addr) ([]byte, []external.Record) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	log, recs, err := scanlogd.Replay(ctx, c, targets)
	Expect(err).NotTo(HaveOccurred())
	return log, recs
}
