package verifier

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external/psad"
	"github.com/siglab/siglab/lazyre"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/scenarios"
)

// psadPrefix is the log prefix of the rule that feeds psad (psad's
// default FW_MSG_SEARCH is "DROP").
const psadPrefix = "DROP"

// psad gets its lines the way a live lab gives them: an NFLOG rule in
// each kernel host's namespace, after rules accepting the host's own
// services (psad reads what a firewall drops, not what it serves), and
// ulogd2 (the kernel's LOG target is
// silent in a child namespace without a host-wide sysctl siglab never
// sets). Offline, and for personality hosts (which have no kernel of
// their own), the same lines in ulogd2's dialect are written from the
// capture (psad.FormatLog; a spec of package psad shows both give psad
// the same lines), so a scenario's psad section reads the same live and
// offline.

// psadLive starts an NFLOG log in every kernel host of the lab.
func psadLive(_ context.Context, lab *netns.Lab, s *scenarios.Scenario) (func() liveOutput, error) {
	var logs []*psad.NFLOG
	stopAll := func() (lines []string, err error) {
		for _, n := range logs {
			l, serr := n.Stop()
			lines, err = append(lines, l...), errors.Join(err, serr)
		}
		return lines, err
	}
	var covered []netip.Addr
	svc := accepted(s)
	for _, h := range s.Network.Hosts {
		if !h.Stack.IsKernel() {
			continue
		}
		ns, ok := lab.HostNS(h.Name)
		if !ok {
			continue
		}
		n, err := psad.StartNFLOGAccepting(ns, []netip.Addr{h.Addr}, psadPrefix, svc)
		if err != nil {
			_, serr := stopAll()
			return nil, errors.Join(err, serr)
		}
		logs, covered = append(logs, n), append(covered, h.Addr)
	}
	return func() liveOutput {
		lines, err := stopAll()
		if err != nil {
			return liveOutput{err: err}
		}
		return liveOutput{finish: func(ctx context.Context, c *capture.Capture) liveOutput {
			// Personality hosts answer from a TUN in the sensor: their
			// lines come from the capture, as a logging rule in front
			// of them would have written them.
			rest := uncovered(s, covered)
			all := append(lines, psad.FormatLog(c, rest, psad.LogOptions{Dialect: psad.ULOG, Prefix: psadPrefix,
				Hops: psad.LiveHops, Accepted: svc})...)
			return analyzePsad(ctx, c, s, all, psad.LiveHops)
		}}
	}, nil
}

// psadOffline writes the lines from the simulated network's capture,
// whose tap sits at the hosts (no hop between), and runs psad on them.
func psadOffline(ctx context.Context, s *scenarios.Scenario, c *capture.Capture) liveOutput {
	lines := psad.FormatLog(c, hostAddrs(s), psad.LogOptions{Dialect: psad.ULOG, Prefix: psadPrefix, Accepted: accepted(s)})
	return analyzePsad(ctx, c, s, lines, 0)
}

// flaglessULOG matches a ulogd2 TCP line with no flag between WINDOW and
// URGP, which psad 2.4.6 cannot parse.
var flaglessULOG = lazyre.New(` PROTO=TCP .* WINDOW=\d+ URGP=`)

// analyzePsad runs psad on lines; its log is the lines and psad's
// report, and Why is what psad's rules make of the packets per target.
func analyzePsad(ctx context.Context, c *capture.Capture, s *scenarios.Scenario, lines []string, hops int) liveOutput {
	out, recs, err := psad.Analyze(ctx, lines)
	log := strings.Join(lines, "\n") + "\n--- psad -A --stdin\n" + string(out)
	if !strings.HasSuffix(log, "\n") {
		log += "\n"
	}
	o := liveOutput{log: []byte(log), findings: recordFindings(recs), err: err}
	flagless := 0
	for _, l := range lines {
		if flaglessULOG().MatchString(l) {
			flagless++
		}
	}
	o.why = append(o.why, fmt.Sprintf("psad: %d firewall log lines", len(lines)))
	if flagless > 0 {
		o.why = append(o.why, fmt.Sprintf("psad: %d of them are TCP packets without flags, which psad 2.4.6 cannot parse in ulogd2's lines (no RES= field before URGP), so it never sees them", flagless))
	}
	svc := accepted(s)
	for _, h := range s.Network.Hosts {
		o.why = append(o.why, psad.ExplainAccepted(c, h.Addr, svc[h.Addr], hops)...)
	}
	return o
}

// accepted are the services each host's firewall accepts before the rule
// that logs for psad: its open ports. psad reads what a firewall drops
// (man psad); a host's own services are what it lets through.
func accepted(s *scenarios.Scenario) map[netip.Addr]psad.Services {
	m := map[netip.Addr]psad.Services{}
	for _, h := range s.Network.Hosts {
		m[h.Addr] = psad.Services{TCP: h.OpenTCP, UDP: h.OpenUDP}
	}
	return m
}

// hostAddrs are the scenario's hosts' addresses.
func hostAddrs(s *scenarios.Scenario) []netip.Addr {
	out := make([]netip.Addr, len(s.Network.Hosts))
	for i, h := range s.Network.Hosts {
		out[i] = h.Addr
	}
	return out
}

// uncovered are the scenario's hosts' addresses not in covered.
func uncovered(s *scenarios.Scenario, covered []netip.Addr) []netip.Addr {
	var out []netip.Addr
	for _, a := range hostAddrs(s) {
		if !slices.Contains(covered, a) {
			out = append(out, a)
		}
	}
	return out
}
