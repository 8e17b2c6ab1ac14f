package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

type labUpCmd struct {
	Scenario string `default:"fig2-syn" help:"Scenario (file or catalogue name) whose network to build; only its network is used." placeholder:"FILE|NAME"`
	Detach   bool   `help:"Serve the lab from a background process, logging to a file, and return once its network answers; lab down stops it."`
	// The background process's side of --detach (labdetach.go).
	Child    bool   `hidden:"" name:"detached-child"`
	StartLog string `hidden:"" name:"start-log"`
	Exercise bool   `hidden:"" help:"Name the scenario in the state file only as an exercise (lab exercise)."`
}

// Run builds the scenario's network and keeps it up, in the foreground,
// until Ctrl-C, SIGTERM (what `lab down` sends) or SIGHUP (the terminal
// went away). Other processes find it through its state file.
func (c *labUpCmd) Run(e *env) error {
	if err := liveOnly("lab up", ""); err != nil {
		return err
	}
	ready := c.readiness()
	// Refuse before building: a lab whose state cannot be written would
	// be built only to be taken down again.
	if err := netns.CheckLive(); err != nil {
		return ready.fail(usageErr("lab up: %v", err))
	}
	if err := netns.CheckStateDir(); err != nil {
		return ready.fail(usageErr("lab up: %v", err))
	}
	if c.Detach {
		// The background process reads the scenario and says in one
		// line what it refused: started before that read, its start-up
		// (a fifth of a lab cycle, #17) begins a millisecond sooner.
		st, log, err := startDetached(e.ctx, c.Scenario, c.Exercise)
		if err != nil {
			return err
		}
		printLab(e.stdout, st, log)
		return nil
	}
	list, err := scenarios.Resolve(c.Scenario)
	if err != nil {
		return ready.fail(usageErr("%v", err))
	}
	s := list[0]
	ref := scenarioRef(c.Scenario, s)
	if c.Exercise {
		ref = exerciseRef
	}
	spec := verifier.LabSpec(s)
	ctx, stop := signal.NotifyContext(e.ctx, syscall.SIGHUP)
	defer stop()
	lab, err := netns.Build(spec)
	if err != nil {
		return ready.fail(usageErr("build lab: %v", err))
	}
	st, err := publish(lab, spec, ref, s.Seed)
	if err == nil {
		err = ready.up(st.ID, c.StartLog)
	}
	if err != nil {
		return ready.fail(usageErr("%v", errors.Join(err, lab.Close(), netns.RemoveLabDir(lab.ID()), netns.RemoveState(lab.ID()))))
	}
	log := ""
	if ready != nil {
		log = logPath(st.ID)
	}
	printLab(e.stdout, st, log)
	<-ctx.Done()
	fmt.Fprintf(e.stdout, "lab %s: taking it down\n", st.ID)
	// The state file goes once the namespaces are: while it is there,
	// `lab down` waits and `lab clean` can still find what a failed
	// Close left. CloseAfter removes it before the scanner TUN's
	// deletion, which this process still waits for before it exits.
	unpublished := false
	err = lab.CloseAfter(func() error {
		unpublished = true
		return errors.Join(netns.RemoveLabDir(st.ID), netns.RemoveState(st.ID))
	})
	if err != nil && !unpublished {
		return usageErr("lab %s: tear down: %v (siglab lab clean removes the rest)", st.ID, err)
	}
	if err != nil {
		return usageErr("lab %s: tear down: %v", st.ID, err)
	}
	fmt.Fprintf(e.stdout, "lab %s removed\n", st.ID)
	return nil
}

// publish hands the lab's TUN over to `scan --lab` and writes the state
// file that says where everything is.
func publish(lab *netns.Lab, spec netns.Spec, scenario string, seed uint64) (netns.State, error) {
	if err := lab.Detach(); err != nil {
		return netns.State{}, fmt.Errorf("lab %s: %w", lab.ID(), err)
	}
	st, err := lab.State(spec, scenario, seed)
	if err != nil {
		return st, fmt.Errorf("lab %s: %w", lab.ID(), err)
	}
	return st, netns.WriteState(st)
}

// scenarioRef is how the state file names the scenario: a file by its
// absolute path (status may run elsewhere), a catalogue entry by name.
func scenarioRef(arg string, s *scenarios.Scenario) string {
	if _, err := os.Stat(arg); err != nil {
		return s.Name
	}
	if abs, err := filepath.Abs(arg); err == nil {
		return abs
	}
	return arg
}

// self is this program as the user can run it again: the path it was
// started by, or plain "siglab" when it was found on $PATH.
func self() string {
	if !strings.Contains(os.Args[0], "/") {
		return "siglab"
	}
	if abs, err := filepath.Abs(os.Args[0]); err == nil {
		return abs
	}
	return os.Args[0]
}

// printLab tells the user what is up and how to use it; log is the
// background process's log of a detached lab, "" in the foreground.
func printLab(out io.Writer, st netns.State, log string) {
	// One write, not one per table cell: the starter prints this just
	// before it exits, inside the lab cycle's time (#17).
	w := bufio.NewWriter(out)
	defer w.Flush()
	fmt.Fprintf(w, "lab %s is up (scenario %s, seed %d)\n\n", st.ID, st.Scenario, st.Seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tADDRESS\tSTACK\tOPEN\tNAMESPACE")
	for _, h := range st.Hosts {
		ns := h.Namespace
		if ns == "" {
			ns = "(emulated, served from " + st.SensorNS + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.Name, h.Addr, h.Stack, ports(h), ns)
	}
	fmt.Fprintf(tw, "scanner\t%s\tsiglab (nmap 2.02)\t\t%s, behind %s\n", st.Scanner, st.ScanNS, st.TUN)
	tw.Flush()
	fmt.Fprintf(w, "\nsensor: %s in %s (every scanner<->target packet crosses it)\n\n", st.SensorIface, st.SensorNS)
	target := "HOST"
	if len(st.Hosts) > 0 {
		target = st.Hosts[0].Name
	}
	if v6, ok := ipv6Line(st); ok {
		if v6 != "" {
			fmt.Fprintf(w, "IPv6 (2001:2::/48, kernel hosts only): %s\n\n", v6)
		}
		fmt.Fprintf(w, "a shell in the scanner namespace (today's tools work there; their source is %s, over IPv6 %s):\n  ip netns exec %s bash\n", netns.ScanNSAddr, netns.ScanNSAddr6, st.ScanNS)
	} else {
		fmt.Fprintf(w, "a shell in the scanner namespace (today's tools work there; their source is %s):\n  ip netns exec %s bash\n", netns.ScanNSAddr, st.ScanNS)
	}
	fmt.Fprintf(w, "watch the sensor:\n  ip netns exec %s tcpdump -ni %s\n", st.SensorNS, st.SensorIface)
	fmt.Fprintf(w, "scan as nmap 2.02 did (one scan at a time per lab):\n  %s scan --lab %s -v -sS -P0 -O -p1-25 %s\n\n", self(), st.ID, target)
	fmt.Fprintf(w, "a shell on a host (or scanner, sensor):\n  %s lab shell --lab %s %s\n", self(), st.ID, target)
	fmt.Fprintf(w, "the sensor's traffic as the FAQ printed it:\n  %s lab watch %s\n\n", self(), st.ID)
	if log != "" {
		fmt.Fprintf(w, "The lab is served in the background (pid %d, log %s); `%s lab down %s` takes the lab down.\n", st.PID, log, self(), st.ID)
		return
	}
	fmt.Fprintf(w, "Ctrl-C here or `%s lab down %s` takes the lab down.\n", self(), st.ID)
}

// ports is a host's open ports for a table cell.
func ports(h netns.StateHost) string {
	var parts []string
	for _, p := range h.OpenTCP {
		parts = append(parts, strconv.Itoa(int(p)))
	}
	for _, p := range h.OpenUDP {
		parts = append(parts, strconv.Itoa(int(p))+"/udp")
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}

// ipv6Line lists the kernel hosts' IPv6 addresses ("victim
// 2001:2::c612:102, ..."); ok is false when this kernel has no IPv6 (the
// lab is IPv4 only then).
func ipv6Line(st netns.State) (line string, ok bool) {
	if _, err := os.Stat("/proc/sys/net/ipv6"); err != nil {
		return "", false
	}
	var parts []string
	for _, h := range st.Hosts {
		if h.Namespace == "" { // emulated: IPv4 only
			continue
		}
		if a6, err := labnet.IPv6(h.Addr); err == nil {
			parts = append(parts, h.Name+" "+a6.String())
		}
	}
	return strings.Join(parts, ", "), true
}
