package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/siglab/siglab/netns"
)

type labShellCmd struct {
	Lab     string   `help:"The lab (see lab status); may be left out when only one is up." placeholder:"ID"`
	Host    string   `arg:"" help:"A host of the lab with a namespace of its own (a kernel host), or scanner (the scan namespace, where today's tools run) or sensor."`
	Command []string `arg:"" optional:"" passthrough:"" help:"A command to run there instead of a shell (after --)."`
}

// Run replaces siglab with $SHELL (or /bin/sh), or the command given, in
// the host's network namespace, as `ip netns exec` does. It returns only
// on failure.
func (c *labShellCmd) Run(e *env) error {
	if err := liveOnly("lab shell", ""); err != nil {
		return err
	}
	st, err := oneLab("lab shell", c.Lab)
	if err != nil {
		return err
	}
	ns, err := hostNS(st, c.Host)
	if err != nil {
		return usageErr("lab shell: %v", err)
	}
	argv := c.Command
	if len(argv) > 0 && argv[0] == "--" {
		argv = argv[1:]
	}
	if len(argv) == 0 {
		sh := os.Getenv("SHELL")
		if sh == "" {
			sh = "/bin/sh"
		}
		argv = []string{sh}
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return usageErr("lab shell: %v", err)
	}
	argv[0] = path
	env := append(os.Environ(), "SIGLAB_LAB="+st.ID, "SIGLAB_HOST="+c.Host, "SIGLAB_NETNS="+ns)
	return usageErr("lab shell: %v", netns.ExecIn(ns, argv, env))
}

// hostNS is the namespace of host name in lab st: a kernel host's own,
// or the scanner's or the sensor's.
func hostNS(st netns.State, name string) (string, error) {
	switch name {
	case "scanner":
		return st.ScanNS, nil
	case "sensor":
		return st.SensorNS, nil
	}
	var names []string
	for _, h := range st.Hosts {
		if h.Name != name {
			names = append(names, h.Name)
			continue
		}
		if h.Namespace == "" {
			return "", fmt.Errorf("host %s is emulated (%s): it has no namespace of its own; its stack answers from the sensor namespace (lab shell sensor)", name, h.Stack)
		}
		return h.Namespace, nil
	}
	return "", fmt.Errorf("lab %s has no host %q (hosts: %s; or scanner, sensor)", st.ID, name, strings.Join(names, ", "))
}

// oneLab is the running lab id names, or the only one up when id is "".
func oneLab(cmd, id string) (netns.State, error) {
	var st netns.State
	if id != "" {
		var err error
		if st, err = netns.ReadState(id); err != nil {
			return st, usageErr("%s: %v (siglab lab status lists the labs)", cmd, err)
		}
	} else {
		states, err := netns.ReadStates()
		switch {
		case len(states) == 1:
			st = states[0]
		case len(states) == 0 && err != nil:
			return st, usageErr("%s: %v", cmd, err)
		case len(states) == 0:
			return st, usageErr("%s: no labs are up (siglab lab up --detach starts one)", cmd)
		default:
			ids := make([]string, len(states))
			for i, s := range states {
				ids[i] = s.ID
			}
			return st, usageErr("%s: %d labs are up (%s): name one", cmd, len(ids), strings.Join(ids, ", "))
		}
	}
	if !st.Alive() {
		return st, usageErr("%s: lab %s is stale: its process %d is gone (siglab lab clean removes what it left)", cmd, st.ID, st.PID)
	}
	return st, nil
}
