package verifier

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/sensor"
)

// Result is everything one scenario run produced.
type Result struct {
	Verdict   Verdict
	Capture   *capture.Capture
	Findings  []detector.Finding
	Output    string // the nmap runs' output
	NormalLog string // the nmap runs' -o (-oN) logs
	Machine   string // the nmap runs' -m (-oM) logs
	// Detectors are the detectors under test that ran, in the order the
	// scenario's expect: names them (then, for a matrix, the others):
	// what each reported, its own output and why it could not run.
	Detectors []DetectorReport
	// live holds what detectors run inside a live test network
	// collected, by name, for check.
	live map[string]liveOutput
}

// Log returns detector det's own output on the run (p0f's log,
// scanlogd's syslog lines, an engine's eve.json), nil when it did not
// run or wrote nothing.
func (r *Result) Log(det string) []byte {
	for _, d := range r.Detectors {
		if d.Detector == det {
			return d.Log
		}
	}
	return nil
}

// Mode names.
const (
	ModeLive    = "live"
	ModeOffline = "offline"
)

// Validate checks a scenario for running: every target resolves inside
// the lab and every nmap command line is one siglab can replay. Nothing
// is built or sent.
func Validate(s *scenarios.Scenario) error {
	_, err := newPlan(s)
	return err
}

// Run runs s live (in a fresh test network; root only) or offline
// (against the simulated network), then runs the reference detector on
// the sensor's capture and checks the scenario's expectations. An error
// wrapping ErrSetup means the scenario never ran; any other error is a
// failure of the run itself.
func Run(ctx context.Context, s *scenarios.Scenario, offline bool) (*Result, error) {
	return RunWith(ctx, s, Options{Offline: offline})
}

// Options are RunWith's.
type Options struct {
	// Offline runs against the simulated network.
	Offline bool
	// AllDetectors runs every detector of the scenario's set, not only
	// those its expect: names, for the coverage matrix: what each
	// reported where the scenario expects nothing of it.
	AllDetectors bool
}

// RunWith is Run with options.
func RunWith(ctx context.Context, s *scenarios.Scenario, o Options) (*Result, error) {
	offline := o.Offline
	p, err := newPlan(s)
	if err != nil {
		return nil, err
	}
	if offline && s.LiveOnly {
		return &Result{Verdict: Verdict{Scenario: s.Name, File: s.File, Mode: ModeOffline,
			Skipped: "live only (needs a real test network)"}, Capture: &capture.Capture{LinkType: capture.LinkTypeRaw}}, nil
	}
	started := time.Now()
	var res *Result
	if offline {
		res, err = runOffline(ctx, p)
	} else {
		res, err = runLive(ctx, p, detectorNames(s, o.AllDetectors))
	}
	if err != nil {
		return nil, err
	}
	res.Findings = detector.DetectCapture(res.Capture)
	v := &res.Verdict
	v.Scenario, v.File, v.Elapsed = s.Name, s.File, time.Since(started)
	v.Packets, v.Dropped = len(res.Capture.Packets), res.Capture.Dropped
	res.check(ctx, s, o.AllDetectors)
	v.Checks = append(v.Checks, CheckOutput(s.File, s.Expect.NmapOutput, res.Output)...)
	return res, nil
}

// runOffline plays the scenario into the simulated network, whose tap
// is the sensor.
func runOffline(ctx context.Context, p *plan) (*Result, error) {
	c := &capture.Capture{LinkType: capture.LinkTypeRaw}
	out, err := p.playOffline(ctx, func(t time.Time, pkt []byte) { c.Add(t, pkt, "") }, true)
	if err != nil {
		return nil, err
	}
	annotate(c, out.truth)
	return &Result{Verdict: Verdict{Mode: ModeOffline}, Capture: c, Output: out.output, NormalLog: out.log, Machine: out.machine}, nil
}

// runLive builds a test network, captures on its sensor while the
// scenario plays through the scanner's TUN, and tears it all down.
func runLive(ctx context.Context, p *plan, dets []string) (*Result, error) {
	if runtime.GOOS != "linux" { // netns and sensor are stubs there
		return nil, fmt.Errorf("%w: %w; use --offline", ErrSetup, netns.ErrUnsupported)
	}
	if err := CheckLive(); err != nil {
		return nil, err
	}
	var (
		out  played
		live map[string]liveOutput
	)
	c, err := capturing(p.s, func(lab *netns.Lab) (err error) {
		stop := startLive(ctx, lab, p.s, dets)
		out, err = p.play(ctx, link.NewTUN(lab.TUN()), true)
		live = stop()
		return err
	})
	if err != nil {
		return nil, err
	}
	annotate(c, out.truth)
	return &Result{Verdict: Verdict{Mode: ModeLive}, Capture: c, Output: out.output, NormalLog: out.log, Machine: out.machine, live: live}, nil
}

// CheckLive reports whether this process can build live test networks
// (netns.CheckLive: root with CAP_NET_ADMIN and CAP_SYS_ADMIN, the TUN
// device, a writable /run), before anything is built; its error wraps
// ErrSetup and says to use --offline. Live runs check it themselves;
// callers running many use it to stop once, with one message.
func CheckLive() error {
	if err := netns.CheckLive(); err != nil {
		return fmt.Errorf("%w: %w; use --offline", ErrSetup, err)
	}
	return nil
}

// capturing builds s's test network, runs fn in it while the sensor
// captures, and tears the network down; the capture is returned also when
// fn fails, with fn's error.
func capturing(s *scenarios.Scenario, fn func(*netns.Lab) error) (c *capture.Capture, err error) {
	lab, err := netns.Build(LabSpec(s))
	if err != nil {
		return nil, fmt.Errorf("build lab: %w", err)
	}
	defer func() {
		if cerr := lab.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("tear down lab: %w", cerr)
		}
	}()
	sn, err := sensor.StartWith(lab.SensorNS(), lab.SensorIface(), sensorOptions(s))
	if err != nil {
		return nil, fmt.Errorf("start sensor: %w", err)
	}
	ferr := fn(lab)
	c, serr := sn.Stop()
	if ferr != nil {
		return c, ferr
	}
	if serr != nil {
		return c, fmt.Errorf("sensor: %w", serr)
	}
	return c, nil
}

// sensorOptions is how the live sensor captures for s: its `sensor:`
// section (a stress scenario's small receive buffer), else the
// defaults.
func sensorOptions(s *scenarios.Scenario) sensor.Options {
	return sensor.Options{ReceiveBuffer: s.Sensor.ReceiveBuffer}
}

// LabSpec is the live test network for s's hosts. Filtered and
// prohibited ports are firewall rules on kernel hosts and answered by
// the stack on personality hosts (netns.Build); emulated hosts draw from
// labnet.HostSeed(s.Seed, i), as they do in the simulated network.
func LabSpec(s *scenarios.Scenario) netns.Spec {
	return netns.Spec{Seed: s.Seed, Hosts: s.Network.LabHosts()}
}

// Scan runs one nmap 2.02 command line in a fresh network built from s's
// hosts (live, or offline against the simulated network) and returns what
// it produced; s's own runs, traffic and expectations are left out.
func Scan(ctx context.Context, s *scenarios.Scenario, cmdline string, offline bool) (*Result, error) {
	one := *s
	one.Scan = []scenarios.Run{{Nmap: cmdline}}
	one.Traffic, one.Expect = nil, scenarios.Expect{}
	return Run(ctx, &one, offline)
}
