package verifier

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/lazyre"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/nsthread"
	"github.com/siglab/siglab/personality"
	"github.com/siglab/siglab/scenarios"
)

// RunExternal builds the scenario's test network, runs argv (another
// tool: today's nmap, masscan, hping3...) inside the scanner namespace
// while the sensor captures, and tears the network down. In argv,
// {name} stands for the IPv4 address of the scenario's host name, and
// {name6} or {name:6} for its IPv6 address (labnet.IPv6 of it: a kernel
// host's second address in 2001:2::/48; an emulated stack has none,
// and asking for it is an ErrSetup, unless its personality speaks IPv6:
// personality.SpeaksIPv6). A token naming no host is left as it
// is; a host's exact name wins over the 6 suffix ({h16} is host h16's
// IPv4 address when there is a host h16). The scanner namespace routes
// nothing but the lab's blocks (198.18.0.0/15, 2001:2::/48), so the tool
// cannot reach any other address.
func RunExternal(ctx context.Context, s *scenarios.Scenario, argv []string, stdout, stderr io.Writer) (*capture.Capture, error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("%w: no command to run", ErrSetup)
	}
	args, v6, err := substitute(argv[1:], s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSetup, err)
	}
	if runtime.GOOS != "linux" { // netns and sensor are stubs there
		return nil, fmt.Errorf("%w: capturing a tool: %w", ErrSetup, netns.ErrUnsupported)
	}
	if err := netns.CheckLive(); err != nil {
		return nil, fmt.Errorf("%w: capturing a tool: %w", ErrSetup, err)
	}
	return capturing(s, func(lab *netns.Lab) error {
		if v6 && !lab.IPv6() {
			return fmt.Errorf("%w: %s asks for IPv6 addresses, and this kernel has no IPv6", ErrSetup, argv[0])
		}
		cmd := exec.CommandContext(ctx, argv[0], args...)
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

// hostToken is one {...} of an argument: a host name, maybe with 6 or :6.
var hostToken = lazyre.New(`\{([a-z][a-z0-9-]*)(:6)?\}`)

// substitute replaces {name} with the IPv4 address of host name and
// {name6} or {name:6} with its IPv6 address (see RunExternal); v6 says
// whether any IPv6 address was put in.
func substitute(args []string, s *scenarios.Scenario) (out []string, v6 bool, err error) {
	out = make([]string, len(args))
	for i, a := range args {
		out[i] = hostToken().ReplaceAllStringFunc(a, func(tok string) string {
			m := hostToken().FindStringSubmatch(tok)
			name, colon6 := m[1], m[2] != ""
			h, ok := s.Host(name)
			switch {
			case ok && !colon6:
				return h.Addr.String()
			case colon6 && !ok:
				return tok
			case !colon6: // not a host's name: NAME6?
				base, six := strings.CutSuffix(name, "6")
				if h, ok = s.Host(base); !six || !ok {
					return tok
				}
			}
			if !h.Stack.IsKernel() && !personality.SpeaksIPv6(h.Stack.Emulation()) {
				if err == nil {
					err = fmt.Errorf("%s: host %q is an emulated stack (%s), IPv4 only: it has no IPv6 address", tok, h.Name, h.Stack)
				}
				return tok
			}
			a6, aerr := labnet.IPv6(h.Addr)
			if aerr != nil {
				if err == nil {
					err = fmt.Errorf("%s: %w", tok, aerr)
				}
				return tok
			}
			v6 = true
			return a6.String()
		})
	}
	return out, v6, err
}
