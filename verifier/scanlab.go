package verifier

import (
	"context"
	"fmt"
	"os"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/link"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/scenarios"
)

// ScanLab runs one nmap 2.02 command line in the running persistent lab
// st (`siglab lab up`): it attaches to the lab's scanner TUN from this
// process, plays the run over it and lets go of the TUN again. Targets
// are the lab's hosts, by the names they have in its scenario; nmap's
// random draws come from the scenario's seed, as in `siglab scan`. The
// lab's owner keeps serving its hosts meanwhile. Another scan of the same
// lab at the same time fails (netns.ErrBusy) before anything is sent.
// Errors that stop the run before it starts wrap ErrSetup.
func ScanLab(ctx context.Context, st netns.State, cmdline string) (*Result, error) {
	s := labScenario(st, cmdline)
	p, tun, err := attachLab(st, s)
	if err != nil {
		return nil, err
	}
	defer tun.Close()
	out, err := p.play(ctx, link.NewTUN(tun), false)
	if err != nil {
		return nil, err
	}
	return &Result{Verdict: Verdict{Scenario: s.Name, File: s.File, Mode: ModeLive}, Output: out.output, NormalLog: out.log, Machine: out.machine}, nil
}

// attachLab plans s for the running lab st and takes the lab's scanner
// TUN, which the caller closes: siglab plays from the lab's one scanner
// address only. Errors before the TUN is held wrap ErrSetup, but for a
// plan s cannot have.
func attachLab(st netns.State, s *scenarios.Scenario) (*plan, *os.File, error) {
	if st.Scanner != labnet.DefaultScanner {
		return nil, nil, fmt.Errorf("lab %s: %w: scanner %s, siglab plays from %s only", st.ID, ErrSetup, st.Scanner, labnet.DefaultScanner)
	}
	p, err := newPlan(s)
	if err != nil {
		return nil, nil, err
	}
	tun, err := netns.AttachTUN(st.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrSetup, err)
	}
	return p, tun, nil
}

// labScenario is the one-run scenario of a scan in lab st: its hosts are
// the lab's, as recorded in the state file, not as its scenario file may
// read by now.
func labScenario(st netns.State, cmdline string) *scenarios.Scenario {
	s := &scenarios.Scenario{Name: "lab " + st.ID, File: "lab " + st.ID, Seed: st.Seed,
		Scan: []scenarios.Run{{Nmap: cmdline}}}
	for _, h := range st.Hosts {
		s.Network.Hosts = append(s.Network.Hosts, scenarios.Host{Host: h.Host})
	}
	return s
}
