package verifier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/simnet"
)

// CheckGenerate reports whether s can be generated offline: it must
// validate (see Validate) and must not be live only. Generate and
// GeneratePcap check the same; callers use it to refuse before they
// create anything.
func CheckGenerate(s *scenarios.Scenario) error {
	_, err := generatePlan(s)
	return err
}

// generatePlan is s's plan if s can be generated offline.
func generatePlan(s *scenarios.Scenario) (*plan, error) {
	if s.LiveOnly {
		return nil, fmt.Errorf("%s: %w: live only (needs a real test network); it cannot be generated offline", s.File, ErrSetup)
	}
	return newPlan(s)
}

// Generate plays s against the simulated network and returns the capture
// and nmap's output only: no ground truth, no detection, no checks, which
// `siglab generate` does not need. The capture is the one Run's offline
// mode takes, without its comments.
func Generate(ctx context.Context, s *scenarios.Scenario) (*Result, error) {
	c := &capture.Capture{LinkType: capture.LinkTypeRaw}
	out, err := generate(ctx, s, func(t time.Time, pkt []byte) { c.Add(t, pkt, "") })
	if err != nil {
		return nil, err
	}
	return &Result{Verdict: Verdict{Mode: ModeOffline, Scenario: s.Name, File: s.File, Packets: len(c.Packets)},
		Capture: c, Output: out.output, NormalLog: out.log, Machine: out.machine}, nil
}

// ErrOutput is wrapped by GeneratePcap's error when writing the pcap
// failed, as opposed to the scenario or its run.
var ErrOutput = errors.New("cannot write the capture")

// Generated is what GeneratePcap produced besides the pcap itself.
type Generated struct {
	Packets   int    // packets written
	Output    string // the nmap runs' output
	NormalLog string // the nmap runs' -o (-oN) logs
	Machine   string // the nmap runs' -m (-oM) logs
}

// GeneratePcap is Generate streaming the capture to w as a classic pcap
// (raw IPv4, nanosecond timestamps) while the packets cross the simulated
// wire: nothing is held but the few packets an earlier one may still
// overtake. The bytes are those Generate's capture writes with WritePcap;
// `siglab generate` writes its file this way.
func GeneratePcap(ctx context.Context, s *scenarios.Scenario, w io.Writer) (*Generated, error) {
	pw := capture.NewPcapWriter(w, capture.LinkTypeRaw)
	// A write error sticks in pw; its Flush returns it.
	out, err := generate(ctx, s, func(t time.Time, p []byte) { _ = pw.WritePacket(t, p) })
	if err != nil {
		return nil, err
	}
	if err := pw.Flush(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOutput, err)
	}
	return &Generated{Packets: pw.Packets(), Output: out.output, NormalLog: out.log, Machine: out.machine}, nil
}

// generate plays s offline for `siglab generate`: no ground truth.
func generate(ctx context.Context, s *scenarios.Scenario, tap func(time.Time, []byte)) (played, error) {
	p, err := generatePlan(s)
	if err != nil {
		return played{}, err
	}
	return p.playOffline(ctx, tap, false)
}

// playOffline plays s against the simulated network, handing tap every
// packet in wire order (by time, ties in the order they crossed), which a
// stable sort of the simulated network's plain taps by time would give;
// truth says whether the engine labels what it sends.
func (p *plan) playOffline(ctx context.Context, tap func(time.Time, []byte), truth bool) (played, error) {
	net, err := simnet.Build(simnet.Config{Start: p.s.Start, Seed: p.s.Seed, InOrder: true, Tap: tap}, p.s.Network.LabHosts()...)
	if err != nil {
		return played{}, fmt.Errorf("%s: %w: %w", p.s.File, ErrSetup, err)
	}
	out, err := p.play(ctx, net, truth)
	if err != nil {
		return played{}, err
	}
	net.Flush()
	return out, nil
}
