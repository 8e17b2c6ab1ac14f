package verifier

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/nsthread"
	"github.com/siglab/siglab/scenarios"
)

// RunExternal builds the scenario's test network, runs argv (another
// tool: today's nmap, masscan, hping3...) inside the scanner namespace
// while the sensor captures, and tears the network down. In argv, {name}
// stands for the address of the scenario's host name. The scanner
// namespace routes nothing but the lab's block, so the tool cannot reach
// any other address.
func RunExternal(ctx context.Context, s *scenarios.Scenario, argv []string, stdout, stderr io.Writer) (*capture.Capture, error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("%w: no command to run", ErrSetup)
	}
	if runtime.GOOS != "linux" { // netns and sensor are stubs there
		return nil, fmt.Errorf("%w: capturing a tool: %w", ErrSetup, netns.ErrUnsupported)
	}
	if err := netns.CheckLive(); err != nil {
		return nil, fmt.Errorf("%w: capturing a tool: %w", ErrSetup, err)
	}
	return capturing(s, func(lab *netns.Lab) error {
		cmd := exec.CommandContext(ctx, argv[0], substitute(argv[1:], s)...)
		cmd.Stdout, cmd.Stderr = stdout, stderr
		err := nsthread.Do(lab.ScannerNS(), cmd.Start) // the child inherits the thread's namespace
		if err == nil {
			err = cmd.Wait()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", argv[0], err)
		}
		return nil
	})
}

// substitute replaces {name} with the address of host name.
func substitute(args []string, s *scenarios.Scenario) []string {
	out := make([]string, len(args))
	for i, a := range args {
		for _, h := range s.Network.Hosts {
			a = strings.ReplaceAll(a, "{"+h.Name+"}", h.Addr.String())
		}
		out[i] = a
	}
	return out
}
