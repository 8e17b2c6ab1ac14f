package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/siglab/siglab/external/scanlogd"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/verifier"
)

type labCmd struct {
	Up       labUpCmd       `cmd:"" help:"Build a scenario's network and keep it up for a training lab, in the foreground until Ctrl-C or lab down, or in the background (--detach)."`
	Status   labStatusCmd   `cmd:"" help:"List the labs that lab up keeps, with their hosts; stale ones (process gone) are marked."`
	Shell    labShellCmd    `cmd:"" help:"Open a shell (or run a command) in a lab host's network namespace, or the scanner's or sensor's."`
	Watch    labWatchCmd    `cmd:"" help:"Print the traffic crossing a lab's sensor as it goes, as the FAQ printed its traces."`
	Exercise labExerciseCmd `cmd:"" help:"Run a scenario drawn at random, without saying which, in a lab of its own left up for students to read."`
	Reveal   labRevealCmd   `cmd:"" help:"Show what an exercise ran: the scenario, the ground truth and the reference detector's findings."`
	Down     labDownCmd     `cmd:"" help:"Take a lab down: SIGTERM to its lab up process, then wait until its network is gone."`
	Clean    labCleanCmd    `cmd:"" help:"Remove test networks left behind by siglab processes that are gone (e.g. after SIGKILL), and say what it removed."`
}

type labCleanCmd struct {
	All bool `help:"Also take down the labs of siglab processes still running (lab up processes through SIGTERM, as lab down does)."`
}

// Run removes what siglab processes left (netns.Clean: pins found in the
// mount table too, covered or not, namespaces that lost their pins,
// persistent TUNs, veths, nftables tables, state files, lab up processes
// whose lab is gone), scanlogd daemons that outlived their siglab process
// and what other detectors under test left (verifier.CleanDetectors:
// p0f's, engines' and psad's temporary directories and daemons), one
// line each. The daemons go first: each holds a lab namespace. Exit code
// 0 means nothing is left, 2 says what could not be removed.
func (c *labCleanCmd) Run(e *env) error {
	if err := liveOnly("lab clean", ""); err != nil {
		return err
	}
	daemons, derr := scanlogd.Clean()
	removed, err := netns.Clean(c.All)
	dirs, lerr := netns.CleanLabDirs(c.All) // after Clean: --all has stopped their labs
	removed = append(removed, dirs...)
	temp, terr := verifier.CleanDetectors()
	for _, r := range slices.Concat(daemons, removed, temp) {
		fmt.Fprintf(e.stdout, "removed %s\n", r)
	}
	if err := errors.Join(derr, err, lerr, terr); err != nil {
		return &exitError{code: 2, err: fmt.Errorf("lab clean: not everything could be removed: %w", err)}
	}
	if len(daemons)+len(removed)+len(temp) == 0 {
		fmt.Fprintln(e.stdout, "nothing to clean")
	}
	return nil
}

type labStatusCmd struct{}

// Run prints one row per host of every lab, the lab's own columns on its
// first row. State files it cannot read are reported after the table.
func (c *labStatusCmd) Run(e *env) error {
	if err := liveOnly("lab status", ""); err != nil {
		return err
	}
	states, rerr := netns.ReadStates()
	if len(states) == 0 {
		if rerr != nil {
			return usageErr("lab status: %v", rerr) // not "no labs": there may be some
		}
		fmt.Fprintln(e.stdout, "no labs")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LAB\tPID\tSTATE\tAGE\tSCENARIO\tHOST\tADDRESS\tSTACK")
	stale := 0
	for _, st := range states {
		state := "alive"
		if !st.Alive() {
			state, stale = "stale", stale+1
		}
		lab := []string{st.ID, strconv.Itoa(st.PID), state, age(time.Since(st.Created)), st.Scenario}
		if len(st.Hosts) == 0 {
			fmt.Fprintln(tw, strings.Join(lab, "\t")+"\t-\t-\t-")
		}
		for _, h := range st.Hosts {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", strings.Join(lab, "\t"), h.Name, h.Addr, h.Stack)
			lab = []string{"", "", "", "", ""}
		}
	}
	tw.Flush()
	if stale > 0 {
		fmt.Fprintln(e.stdout, "stale: the lab's process is gone; siglab lab clean removes what it left")
	}
	return rerr
}

// age rounds a lab's age for people.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return d.Round(time.Minute).String()
	default:
		return d.Round(time.Hour).String()
	}
}

type labDownCmd struct {
	ID      string        `arg:"" optional:"" help:"The lab to take down (see lab status); may be left out when only one is up."`
	All     bool          `help:"Take every lab down."`
	Timeout time.Duration `default:"10s" help:"How long to wait for a lab's process to remove its network."`
}

func (c *labDownCmd) Run(e *env) error {
	if err := liveOnly("lab down", ""); err != nil {
		return err
	}
	ids, err := c.targets(e)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		removed, err := netns.Down(id, c.Timeout)
		if err == nil {
			// A lab whose process died: its log and exercise record stay
			// until now; a live one removed them itself.
			if _, serr := os.Stat(netns.LabDir(id)); serr == nil {
				if err = netns.RemoveLabDir(id); err == nil {
					removed = append(removed, "lab directory "+netns.LabDir(id))
				}
			}
		}
		for _, r := range removed {
			fmt.Fprintf(e.stdout, "removed %s\n", r)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(e.stdout, "lab %s down\n", id)
	}
	if len(errs) > 0 {
		return &exitError{code: 2, err: errors.Join(errs...)}
	}
	return nil
}

// targets are the IDs to take down: the one named, every lab with --all,
// or the only lab when there is exactly one.
func (c *labDownCmd) targets(e *env) ([]string, error) {
	if c.ID != "" && c.All {
		return nil, usageErr("lab down: name a lab or give --all, not both")
	}
	if c.ID != "" {
		return []string{c.ID}, nil
	}
	states, err := netns.ReadStates()
	if err != nil && len(states) == 0 {
		return nil, usageErr("%v", err)
	}
	var ids []string
	for _, st := range states {
		ids = append(ids, st.ID)
	}
	switch {
	case c.All:
		if len(ids) == 0 {
			fmt.Fprintln(e.stdout, "no labs")
		}
		return ids, nil
	case len(ids) == 1:
		return ids, nil
	case len(ids) == 0:
		return nil, usageErr("lab down: no labs are up")
	default:
		return nil, usageErr("lab down: %d labs are up (%s): name one, or give --all", len(ids), strings.Join(ids, ", "))
	}
}
