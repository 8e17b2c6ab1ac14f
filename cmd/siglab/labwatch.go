package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/google/gopacket/layers"

	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/render"
	"github.com/siglab/siglab/sensor"
)

type labWatchCmd struct {
	ID       string        `arg:"" optional:"" help:"The lab (see lab status); may be left out when only one is up."`
	Tcpdump  bool          `help:"Print as tcpdump 3.4 did, with addresses and ports, instead of the FAQ's sanitized form."`
	From     string        `help:"Only packets from this source address (the FAQ showed only the scanner's)." placeholder:"ADDR"`
	Count    int           `help:"Stop after this many lines (0: no limit)."`
	Duration time.Duration `help:"Stop after this long (0: until Ctrl-C)."`
}

// Run prints what crosses the lab's sensor link, line by line as it
// comes, until Ctrl-C, --count or --duration, or the lab goes down.
func (c *labWatchCmd) Run(e *env) error {
	if err := liveOnly("lab watch", ""); err != nil {
		return err
	}
	o := render.Options{FAQ: !c.Tcpdump}
	if c.From != "" {
		a, err := netip.ParseAddr(c.From)
		if err != nil || a.Zone() != "" {
			return usageErr("lab watch: --from: %q is not an IPv4 or IPv6 address", c.From)
		}
		o.From = a.Unmap()
	}
	if c.Count < 0 || c.Duration < 0 {
		return usageErr("lab watch: --count and --duration may not be negative")
	}
	st, err := oneLab("lab watch", c.ID)
	if err != nil {
		return err
	}
	ctx := e.ctx
	if c.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Duration)
		defer cancel()
	}
	nsh, err := netns.OpenLabNS(st.SensorNS)
	if err != nil {
		return usageErr("lab watch: %v", err)
	}
	defer nsh.Close()
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	s, lines := render.NewStream(o), 0
	err = sensor.Watch(ctx, nsh, st.SensorIface, func(t time.Time, frame []byte) bool {
		line, ok := s.Packet(layers.LinkTypeEthernet, t, frame)
		if !ok {
			return true
		}
		w.WriteString(line)
		w.WriteByte('\n')
		lines++
		// Each line goes out as it comes: students read it live.
		return w.Flush() == nil && (c.Count == 0 || lines < c.Count)
	})
	if errors.Is(err, sensor.ErrRead) {
		// The sensor link went away under us: the lab was taken down,
		// which ends a watch as Ctrl-C does.
		fmt.Fprintf(e.stderr, "siglab: lab watch: lab %s went down\n", st.ID)
		return nil
	}
	if err != nil {
		return usageErr("lab watch: %v", err)
	}
	if e.ctx.Err() == nil && c.Count > 0 && lines < c.Count {
		fmt.Fprintf(e.stderr, "siglab: lab watch: %d of %d lines in %v\n", lines, c.Count, c.Duration)
	}
	return nil
}
