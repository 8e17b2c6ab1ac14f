package verifier

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"strings"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/external/scanlogd"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/scenarios"
)

// scanlogd reads a raw TCP socket, so it sees what its own machine's
// kernel receives: live, siglab runs Debian's daemon in every kernel
// host's namespace for the scenario's run; offline, and for personality
// hosts (no kernel of their own), it replays the capture's TCP packets to
// those hosts into a replay namespace whose kernel owns their addresses,
// with a daemon listening there (scanlogd.Replay; root). Offline without
// root, siglab's model of scanlogd's rules stands in (scanlogd.Simulate,
// which agrees line for line with the daemon on the scans its specs
// play), and the report says so ("model").

// scanlogdLive starts a daemon in every kernel host of the lab.
func scanlogdLive(_ context.Context, lab *netns.Lab, s *scenarios.Scenario) (func() liveOutput, error) {
	var (
		daemons []*scanlogd.Daemon
		covered []netip.Addr
	)
	stopAll := func() (log []byte, recs []external.Record, err error) {
		for _, d := range daemons {
			l, rs, serr := d.Stop()
			log, recs, err = append(log, l...), append(recs, rs...), errors.Join(err, serr)
		}
		return log, recs, err
	}
	for _, h := range s.Network.Hosts {
		ns, ok := lab.HostNS(h.Name)
		if !h.Stack.IsKernel() || !ok {
			continue
		}
		d, err := scanlogd.Start(ns)
		if err != nil {
			_, _, serr := stopAll()
			return nil, errors.Join(err, serr)
		}
		daemons, covered = append(daemons, d), append(covered, h.Addr)
	}
	return func() liveOutput {
		log, recs, err := stopAll()
		if err != nil {
			return liveOutput{err: err}
		}
		return liveOutput{finish: func(ctx context.Context, c *capture.Capture) liveOutput {
			o := liveOutput{log: log, findings: recordFindings(recs)}
			if rest := uncovered(s, covered); len(rest) > 0 {
				rlog, recs, err := scanlogd.Replay(ctx, c, rest)
				o.log, o.err = append(o.log, rlog...), err
				o.findings = append(o.findings, recordFindings(recs)...)
			}
			o.why = scanlogd.Explain(c, hostAddrs(s))
			return o
		}}
	}, nil
}

// scanlogdOffline replays the capture to a daemon (root), or runs the
// model of its rules.
func scanlogdOffline(ctx context.Context, s *scenarios.Scenario, c *capture.Capture) liveOutput {
	targets := hostAddrs(s)
	o := liveOutput{why: scanlogd.Explain(c, targets)}
	if os.Geteuid() == 0 {
		var recs []external.Record
		o.log, recs, o.err = scanlogd.Replay(ctx, c, targets)
		o.findings = recordFindings(recs)
		return o
	}
	lines := scanlogd.Simulate(scanlogd.Delivered(c, targets)).Log()
	o.how = "model"
	o.log = []byte(strings.Join(lines, "\n") + "\n")
	recs, err := scanlogd.Parse(bytes.NewReader(o.log))
	o.findings, o.err = recordFindings(recs), err
	return o
}
