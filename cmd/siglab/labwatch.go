package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/picture"
	"github.com/siglab/siglab/render"
	"github.com/siglab/siglab/sensor"
)

type labWatchCmd struct {
	ID       string        `arg:"" optional:"" help:"The lab (see lab status); may be left out when only one is up."`
	Tcpdump  bool          `help:"Print as tcpdump 3.4 did, with addresses and ports, instead of the FAQ's sanitized form."`
	From     string        `help:"Only packets from this source address (the FAQ showed only the scanner's)." placeholder:"ADDR"`
	Count    int           `help:"Stop after this many lines (0: no limit)."`
	Duration time.Duration `help:"Stop after this long (0: until Ctrl-C)."`
	SVG      string        `name:"svg" help:"Also draw what crosses the sensor as a picture in this SVG file (render --svg's, without findings, which would name the scan), redrawn as it grows: at most once a second while packets come, and once more at the end; the last 50,000 packets." placeholder:"OUT.svg"`
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
	if c.SVG != "" {
		if fi, err := os.Stat(filepath.Dir(c.SVG)); err != nil || !fi.IsDir() {
			return usageErr("lab watch: --svg %s: no such directory", c.SVG)
		}
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
	pic := newGrowingPicture(c.SVG, "lab "+st.ID)
	err = sensor.Watch(ctx, nsh, st.SensorIface, func(t time.Time, frame []byte) bool {
		if pic.add(t, frame) != nil {
			return false
		}
		line, ok := s.Packet(capture.LinkTypeEthernet, t, frame)
		if !ok {
			return true
		}
		w.WriteString(line)
		w.WriteByte('\n')
		lines++
		// Each line goes out as it comes: students read it live.
		return w.Flush() == nil && (c.Count == 0 || lines < c.Count)
	})
	if perr := errors.Join(pic.err, pic.draw()); perr != nil {
		return usageErr("lab watch: --svg: %v", perr)
	}
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

// watchKeep is how many packets a growing picture keeps: a watch may run
// for a whole class, and the picture is of what is going on now.
const watchKeep = 50_000

// growingPicture redraws `lab watch --svg`'s picture as packets come. A
// draw of many packets takes a good part of a second and blocks the
// sensor's reads meanwhile, so draws are at least a second apart and at
// least ten times as long apart as the last one took. Each draw replaces
// the file whole, so a browser or viewer reloading it never sees half a
// picture.
type growingPicture struct {
	path, title string
	c           capture.Capture
	next        time.Time     // no draw before
	dirty       bool          // packets since the last draw
	err         error         // the first failed draw ends the watch
	took        time.Duration // the last draw's time
}

func newGrowingPicture(path, title string) *growingPicture {
	return &growingPicture{path: path, title: title, c: capture.Capture{LinkType: capture.LinkTypeEthernet}}
}

// add keeps a copy of frame and redraws when it is time; nil g or path
// does nothing.
func (g *growingPicture) add(t time.Time, frame []byte) error {
	if g == nil || g.path == "" {
		return nil
	}
	if len(g.c.Packets) == 2*watchKeep { // drop the older half at once, not one by one
		g.c.Packets = append(g.c.Packets[:0], g.c.Packets[watchKeep:]...)
	}
	g.c.Add(t, frame, "")
	g.dirty = true
	if time.Now().Before(g.next) {
		return nil
	}
	g.err = g.draw()
	return g.err
}

// draw writes the picture of the last watchKeep packets, if any came
// since the last draw.
func (g *growingPicture) draw() error {
	if g == nil || g.path == "" || !g.dirty {
		return nil
	}
	start := time.Now()
	c := g.c
	if n := len(c.Packets); n > watchKeep {
		c.Packets = c.Packets[n-watchKeep:]
	}
	var b bytes.Buffer
	_, err := picture.WriteSVG(&b, &c, nil, picture.Options{Title: g.title})
	if errors.Is(err, picture.ErrEmpty) {
		err = nil // nothing to draw yet (only neighbour discovery, say)
	} else if err == nil {
		err = capture.WriteFileAtomicPerm(g.path, 0o644, func(w io.Writer) error {
			_, err := b.WriteTo(w)
			return err
		})
	}
	g.dirty, g.took = false, time.Since(start)
	g.next = time.Now().Add(max(time.Second, 10*g.took))
	return err
}
