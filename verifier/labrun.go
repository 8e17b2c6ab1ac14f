package verifier

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/sensor"
)

// RunInLab runs the whole of scenario s (every nmap run and traffic
// session, at their times) in the running persistent lab st, which must
// have been built from s's network (`siglab lab exercise` builds it so):
// it attaches to the lab's scanner TUN, captures on the lab's sensor from
// this process meanwhile, labels the capture with the ground truth,
// runs the reference detector and checks the scenario's expectations of
// it and of nmap's output. Detectors under test are not run: a lab
// serves a class, not a verdict. Errors that stop the run before
// anything is sent wrap ErrSetup.
func RunInLab(ctx context.Context, st netns.State, s *scenarios.Scenario) (*Result, error) {
	p, tun, err := attachLab(st, s)
	if err != nil {
		return nil, err
	}
	defer tun.Close()
	nsh, err := netns.OpenLabNS(st.SensorNS)
	if err != nil {
		return nil, fmt.Errorf("%w: lab %s: %w", ErrSetup, st.ID, err)
	}
	sn, err := sensor.StartWith(nsh, st.SensorIface, sensorOptions(s))
	nsh.Close() // the sensor keeps a handle of its own
	if err != nil {
		return nil, fmt.Errorf("%w: lab %s: start sensor: %w", ErrSetup, st.ID, err)
	}
	started := time.Now()
	out, perr := p.play(ctx, link.NewTUN(tun), true)
	c, serr := sn.Stop()
	if err := errors.Join(perr, serr); err != nil {
		return nil, err
	}
	annotate(c, out.truth)
	res := &Result{Verdict: Verdict{Scenario: s.Name, File: s.File, Mode: ModeLive, Elapsed: time.Since(started),
		Packets: len(c.Packets), Dropped: c.Dropped}, Capture: c, Output: out.output, NormalLog: out.log, Machine: out.machine}
	res.Findings = detector.DetectCapture(c)
	v := &res.Verdict
	v.Checks = append(v.Checks, CheckFindings(scenarios.DetectorReference, s.File, s.Expect.Detectors[scenarios.DetectorReference], res.Findings)...)
	v.Checks = append(v.Checks, CheckOutput(s.File, s.Expect.NmapOutput, res.Output)...)
	return res, nil
}
