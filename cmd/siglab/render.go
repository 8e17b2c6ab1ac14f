package main

import (
	"bytes"
	"io"
	"net/netip"
	"path/filepath"
	"strings"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/picture"
	"github.com/siglab/siglab/render"
)

type renderCmd struct {
	FAQ  bool     `name:"faq" help:"Print as the SANS/SHADOW FAQ printed its traces: no addresses, ports or options, and without the scanner kernel's RSTs to SYN/ACKs."`
	From string   `help:"Only packets from this source address, IPv4 or IPv6 (the FAQ showed only the scanner's)." placeholder:"ADDR"`
	SVG  string   `name:"svg" help:"Draw the capture instead, as an SVG picture with the reference detector's findings, to this file (one capture only)." placeholder:"OUT.svg"`
	File []string `arg:"" help:"pcap or pcapng files." name:"pcap"`
}

func (r *renderCmd) Run(e *env) error {
	if r.SVG != "" {
		return r.picture()
	}
	o := render.Options{FAQ: r.FAQ}
	if r.From != "" {
		a, err := netip.ParseAddr(r.From)
		if err != nil || a.Zone() != "" {
			return usageErr("--from: %q is not an IPv4 or IPv6 address", r.From)
		}
		a = a.Unmap()
		o.From = a
	}
	for _, f := range r.File {
		c, err := capture.ReadFile(f)
		if err != nil {
			return usageErr("%v", err)
		}
		if err := render.Write(e.stdout, c, o); err != nil {
			return err
		}
	}
	return nil
}

// picture writes --svg: the whole file or nothing, since the picture is
// drawn before the file is touched and written through a rename.
func (r *renderCmd) picture() error {
	switch {
	case len(r.File) != 1:
		return usageErr("--svg: draws one capture, got %d", len(r.File))
	case r.FAQ || r.From != "":
		return usageErr("--svg: --faq and --from filter the trace, not the picture")
	}
	c, err := capture.ReadFile(r.File[0])
	if err != nil {
		return usageErr("%v", err)
	}
	var b bytes.Buffer
	if _, err := picture.WriteSVG(&b, c, detector.DetectCapture(c), picture.Options{Title: title(r.File[0])}); err != nil {
		return usageErr("%s: %v", r.File[0], err)
	}
	err = capture.WriteFileAtomicPerm(r.SVG, 0o644, func(w io.Writer) error {
		_, err := b.WriteTo(w)
		return err
	})
	if err != nil {
		return usageErr("--svg: %v", err)
	}
	return nil
}

// title is a picture's: the capture's file name without directory or
// extension, so that the same capture gives the same bytes wherever it
// lies.
func title(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}
