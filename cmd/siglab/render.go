package main

import (
	"net/netip"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/render"
)

type renderCmd struct {
	FAQ  bool     `name:"faq" help:"Print as the SANS/SHADOW FAQ printed its traces: no addresses, ports or options, and without the scanner kernel's RSTs to SYN/ACKs."`
	From string   `help:"Only packets from this source address, IPv4 or IPv6 (the FAQ showed only the scanner's)." placeholder:"ADDR"`
	File []string `arg:"" help:"pcap or pcapng files." name:"pcap"`
}

func (r *renderCmd) Run(e *env) error {
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
