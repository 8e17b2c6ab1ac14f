package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// scanCmd's own flags come first; everything from the first other
// argument on is nmap's command line, passed through untouched (kong
// would split nmap's clustered flags, e.g. -sX into -s X).
type scanCmd struct {
	Scenario string   `help:"Scenario (file or catalogue name) whose network to build and scan; its hosts are the targets (default: fig2-syn)." placeholder:"SCENARIO"`
	Lab      string   `help:"Scan in this running lab (siglab lab up; see lab status) instead of a fresh network; its scenario's hosts are the targets." placeholder:"ID"`
	Offline  bool     `help:"Scan the simulated network instead of a live one (no root needed)."`
	Pcap     string   `help:"Also write the sensor's capture here (not with --lab: watch its sensor with tcpdump)." placeholder:"OUT.pcap"`
	Args     []string `arg:"" optional:"" help:"nmap 2.02's command line: options and targets (host names of the scenario, or addresses)." name:"nmap-args"`
}

// splitScan separates "scan [siglab flags] nmap-args..." so that kong sees
// only siglab's flags and the nmap arguments stay as typed.
func splitScan(args []string) (own, nmap []string) {
	i := 1
	for i < len(args) {
		switch a := args[i]; {
		case a == "--":
			return args[:i], args[i+1:]
		case a == "--offline", strings.HasPrefix(a, "--scenario="), strings.HasPrefix(a, "--pcap="), strings.HasPrefix(a, "--lab="), a == "-h", a == "--help":
			i++
		case (a == "--scenario" || a == "--pcap" || a == "--lab") && i+1 < len(args):
			i += 2
		default:
			return args[:i], args[i:]
		}
	}
	return args, nil
}

// Run is nmap 2.02 itself, in a test network: it prints what nmap 2.02
// printed and writes -oN's and -oM's logs.
func (c *scanCmd) Run(e *env) error {
	args := c.Args
	opts, err := generator.ParseOptions(args)
	if err != nil {
		return usageErr("%v", err)
	}
	res, err := c.scan(e, strings.Join(args, " "))
	if err != nil {
		return usageErr("%v", err)
	}
	fmt.Fprint(e.stdout, res.Output)
	if opts.NormalOut != "" {
		if err := writeLog(opts.NormalOut, res.NormalLog); err != nil {
			return usageErr("-oN: %v", err)
		}
	}
	if opts.MachineOut != "" {
		if err := writeLog(opts.MachineOut, res.Machine); err != nil {
			return usageErr("-oM: %v", err)
		}
	}
	if c.Pcap != "" && res.Capture != nil {
		if err := capture.WriteFileAtomic(c.Pcap, res.Capture.WritePcap); err != nil {
			return usageErr("--pcap: %v", err)
		}
		if d := res.Capture.Dropped; d > 0 { // the capture is not the whole exchange
			fmt.Fprintf(e.stderr, "siglab: the sensor dropped %d packets: %s is incomplete\n", d, c.Pcap)
		}
	}
	return nil
}

// writeLog writes one of nmap's logs whole or not at all, mode 0644
// less the umask as nmap's fopen() made it.
func writeLog(path, text string) error {
	return capture.WriteFileAtomicPerm(path, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, text)
		return err
	})
}

// scan runs cmdline in the lab named by --lab, or in a fresh network of
// the scenario's hosts.
func (c *scanCmd) scan(e *env, cmdline string) (*verifier.Result, error) {
	if c.Lab == "" {
		if !c.Offline {
			if err := liveOnly("scan", "; use --offline"); err != nil {
				return nil, err
			}
		}
		name := c.Scenario
		if name == "" {
			name = "fig2-syn"
		}
		list, err := scenarios.Resolve(name)
		if err != nil {
			return nil, err
		}
		return verifier.Scan(e.ctx, list[0], cmdline, c.Offline)
	}
	switch {
	case c.Scenario != "":
		return nil, fmt.Errorf("--lab scans the lab's own hosts: leave out --scenario")
	case c.Offline:
		return nil, fmt.Errorf("--lab is a live network: leave out --offline")
	case c.Pcap != "":
		return nil, fmt.Errorf("--pcap is not available with --lab: capture on the lab's sensor (lab up prints the tcpdump command)")
	}
	if err := liveOnly("scan --lab", ""); err != nil {
		return nil, err
	}
	st, err := netns.ReadState(c.Lab)
	if err != nil {
		return nil, fmt.Errorf("%w (siglab lab status lists the labs)", err)
	}
	if !st.Alive() {
		return nil, fmt.Errorf("lab %s is stale: its process %d is gone (siglab lab clean removes what it left)", st.ID, st.PID)
	}
	return verifier.ScanLab(e.ctx, st, cmdline)
}
