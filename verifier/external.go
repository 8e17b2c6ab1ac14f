package verifier

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier/capture"
	"github.com/siglab/siglab/verifier/sensor"
)

// RunExternal builds the scenario's test network, runs argv (another
// tool: today's nmap, masscan, hping3...) inside the scanner namespace
// while the sensor captures, and tears the network down. In argv, {name}
// stands for the address of the scenario's host name. The scanner
// namespace routes nothing but the lab's block, so the tool cannot reach
// any other address.
func RunExternal(ctx context.Context, s *scenarios.Scenario, argv []string, stdout, stderr io.Writer) (c *capture.Capture, err error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("%w: no command to run", ErrSetup)
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: capturing a tool needs root (CAP_NET_ADMIN)", ErrSetup)
	}
	spec, err := labSpec(s)
	if err != nil {
		return nil, err
	}
	lab, err := netns.Build(spec)
	if err != nil {
		return nil, fmt.Errorf("build lab: %w", err)
	}
	defer func() {
		if cerr := lab.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("tear down lab: %w", cerr)
		}
	}()
	sn, err := sensor.Start(lab)
	if err != nil {
		return nil, fmt.Errorf("start sensor: %w", err)
	}
	cmd := exec.CommandContext(ctx, argv[0], substitute(argv[1:], s)...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	runErr := netns.Do(lab.ScannerNS(), cmd.Start) // the child inherits the thread's namespace
	if runErr == nil {
		runErr = cmd.Wait()
	}
	c, serr := sn.Stop()
	if runErr != nil {
		return c, fmt.Errorf("%s: %w", argv[0], runErr)
	}
	return c, serr
}

// substitute replaces {name} with the address of host name.
func substitute(args []string, s *scenarios.Scenario) []string {
	out := make([]string, len(args))
	for i, a := range args {
		for _, h := range s.Network.Hosts {
			a = strings.ReplaceAll(a, "{"+h.Name+"}", h.Address.String())
		}
		out[i] = a
	}
	return out
}
