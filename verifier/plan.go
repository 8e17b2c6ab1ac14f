package verifier

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/generator/traffic"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/scenarios"
)

// ErrSetup is wrapped by every error that stops a scenario before it
// runs: a target outside the lab, an nmap command line siglab cannot
// replay, a missing privilege. The CLI maps it to exit code 2.
var ErrSetup = errors.New("scenario cannot run")

// plan is a scenario resolved against its own network: the containment
// guard its hosts allow, every nmap command line checked and resolved,
// every random draw that seeds a process or a session. It needs no
// network and sends nothing, so building it is how a scenario is
// validated; a run builds it once, before its network, and plays it
// on the engine it makes with the plan's guard.
type plan struct {
	s        *scenarios.Scenario
	guard    *engine.Guard
	nmaps    []*generator.NmapCommand
	srands   []uint32 // each nmap process's srand() seed
	sessions []session
}

// session is one traffic entry resolved: where it goes and its seed,
// and for a flood the addresses it spoofs.
type session struct {
	dst     netip.Addr
	seed    uint64
	sources []netip.Addr
}

// newPlan resolves every run and session of s against its network.
func newPlan(s *scenarios.Scenario) (*plan, error) {
	p := &plan{s: s}
	rnd := rand.New(rand.NewPCG(s.Seed, 0x6e6d6170))
	names := map[string]netip.Addr{}
	// The lab owns each host's /24: the sensor routes it and drops what
	// no host holds, so a sweep may probe the empty addresses too.
	var allowed []netip.Prefix
	for _, host := range s.Network.Hosts {
		names[host.Name] = host.Addr
		pfx, _ := host.Addr.Prefix(24)
		allowed = append(allowed, pfx)
	}
	g, err := engine.NewGuard(allowed...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", s.File, ErrSetup, err)
	}
	p.guard = g
	for _, r := range s.Scan {
		// nmap 2.01 seeded with tv_usec: a value below one million.
		seed := uint32(rnd.IntN(1000000))
		if r.Srand != nil {
			seed = *r.Srand
		}
		c, err := generator.ResolveNmap(r.Nmap, names, g)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: nmap %s: %w: %w", s.File, r.Line, r.Nmap, ErrSetup, err)
		}
		c.Options().IdealTimers = s.IdealTimers
		p.nmaps, p.srands = append(p.nmaps, c), append(p.srands, seed)
	}
	for _, t := range s.Traffic {
		dst, ok := names[t.Host]
		if !ok {
			return nil, fmt.Errorf("%s:%d: %w: no host %q", s.File, t.Line, ErrSetup, t.Host)
		}
		ss := session{dst: dst, seed: rnd.Uint64()}
		if t.Flood {
			if ss.sources, err = floodSources(g, t.Sources); err != nil {
				return nil, fmt.Errorf("%s:%d: flood: %w: %w", s.File, t.Line, ErrSetup, err)
			}
		}
		p.sessions = append(p.sessions, ss)
	}
	return p, nil
}

// floodSources are a flood's n spoofed sources: scanner-side addresses
// (labnet.SpoofSources), each checked by the guard that will check every
// packet sent from it, so a flood that would spoof outside the lab is
// refused before any network exists.
func floodSources(g *engine.Guard, n int) ([]netip.Addr, error) {
	srcs, err := labnet.SpoofSources(n, labnet.DefaultScanner)
	if err != nil {
		return nil, err
	}
	for _, a := range srcs {
		if err := g.CheckSource(a); err != nil {
			return nil, err
		}
	}
	return srcs, nil
}

// play runs the plan's processes and sessions on a fresh engine over l,
// from the default scanner address, and returns what the nmap processes
// printed and logged; truth makes the engine label what it sends.
func (p *plan) play(ctx context.Context, l link.Link, truth bool) (played, error) {
	e := engine.NewEngine(l, labnet.DefaultScanner, p.guard, uint16(p.s.Seed))
	if truth {
		e.RecordTruth()
	}
	nmaps := make([]*generator.Nmap, len(p.nmaps))
	for i, c := range p.nmaps {
		nmaps[i] = c.Start(e, p.srands[i])
		e.Add(p.s.Scan[i].At, nmaps[i])
	}
	for i, t := range p.s.Traffic {
		ss := p.sessions[i]
		switch {
		case t.Flood:
			f, err := traffic.NewFlood(e, p.guard, ss.dst, t.Port, ss.sources, t.Count, t.Rate, ss.seed)
			if err != nil { // newPlan checked the same; nothing was sent
				return played{}, fmt.Errorf("%s:%d: %w: %w", p.s.File, t.Line, ErrSetup, err)
			}
			e.Add(t.At, f)
		case t.DNS:
			e.Add(t.At, traffic.NewDNSQueries(e, ss.dst, t.Count, t.Every, ss.seed))
		default:
			e.Add(t.At, traffic.NewSessions(e, ss.dst, t.Port, t.Count, t.Every, ss.seed))
		}
	}
	err := e.Run(ctx)
	if t, ok := l.(*link.TUN); ok { // its reader must not outlive the run
		err = errors.Join(err, t.Close())
	}
	out := played{truth: e.Truth()}
	var output, log, machine strings.Builder
	for _, n := range nmaps { // in scenario order
		output.WriteString(n.Output())
		log.WriteString(n.LogOutput())
		machine.WriteString(n.MachineOutput())
	}
	out.output, out.log, out.machine = output.String(), log.String(), machine.String()
	if err != nil {
		return out, fmt.Errorf("%s: run: %w", p.s.File, err)
	}
	return out, nil
}

// played is what the nmap processes of a run printed and logged.
type played struct {
	output, log, machine string
	truth                *engine.Truth
}
