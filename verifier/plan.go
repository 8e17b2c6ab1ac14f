package verifier

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/scenarios"
)

// ErrSetup is wrapped by every error that stops a scenario before it
// runs: a target outside the lab, an nmap command line siglab cannot
// replay, a missing privilege. The CLI maps it to exit code 2.
var ErrSetup = errors.New("scenario cannot run")

// plan is a scenario turned into generator actors for one scanner host.
type plan struct {
	guard    *generator.Guard
	names    map[string]netip.Addr
	nmaps    []*generator.Nmap
	sessions []generator.Actor
	rnd      *rand.Rand
}

// newPlan resolves every run and session of s against its network. It
// sends nothing, so it is also how a scenario is checked before a lab is
// built: with h nil it validates only.
func newPlan(s *scenarios.Scenario, h generator.Host) (*plan, error) {
	p := &plan{names: map[string]netip.Addr{}, rnd: rand.New(rand.NewPCG(s.Seed, 0x6e6d6170))}
	// The lab owns each host's /24: the sensor routes it and drops what
	// no host holds, so a sweep may probe the empty addresses too.
	var allowed []netip.Prefix
	for _, host := range s.Network.Hosts {
		p.names[host.Name] = host.Address
		pfx, _ := host.Address.Prefix(24)
		allowed = append(allowed, pfx)
	}
	g, err := generator.NewGuard(allowed...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", s.File, ErrSetup, err)
	}
	p.guard = g
	for _, r := range s.Scan {
		// nmap 2.01 seeded with tv_usec: a value below one million.
		env := generator.NmapEnv{Host: h, Names: p.names, Guard: g, Seed: uint32(p.rnd.IntN(1000000))}
		if r.Srand != nil {
			env.Seed = *r.Srand
		}
		n, err := generator.NewNmap(r.Nmap, env)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: nmap %s: %w: %w", s.File, r.Line, r.Nmap, ErrSetup, err)
		}
		p.nmaps = append(p.nmaps, n)
	}
	for _, t := range s.Traffic {
		dst, ok := p.names[t.Host]
		if !ok {
			return nil, fmt.Errorf("%s:%d: %w: no host %q", s.File, t.Line, ErrSetup, t.Host)
		}
		if t.DNS {
			p.sessions = append(p.sessions, generator.NewDNSQueries(h, dst, t.Count, t.Every, p.rnd.Uint64()))
			continue
		}
		p.sessions = append(p.sessions, generator.NewSessions(h, dst, t.Port, t.Count, t.Every, p.rnd.Uint64()))
	}
	return p, nil
}

// addTo schedules the plan's actors on e at the scenario's offsets.
func (p *plan) addTo(e *generator.Engine, s *scenarios.Scenario) {
	for i, n := range p.nmaps {
		e.Add(s.Scan[i].At, n)
	}
	for i, t := range p.sessions {
		e.Add(s.Traffic[i].At, t)
	}
}

// machine joins the nmap processes' -oM logs in scenario order.
func (p *plan) machine() string {
	var out string
	for _, n := range p.nmaps {
		out += n.MachineOutput()
	}
	return out
}

// output joins the nmap processes' outputs in scenario order.
func (p *plan) output() string {
	var out string
	for _, n := range p.nmaps {
		out += n.Output()
	}
	return out
}
