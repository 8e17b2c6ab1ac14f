package siglabtest

import (
	"context"
	"fmt"
	"os"
	"runtime"

	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// Result is a scenario run's outcome, or the error that stopped it.
type Result struct {
	*verifier.Result
	Scenario *scenarios.Scenario
	Err      error
}

// Run runs a scenario, named by catalogue name or file path: live as
// root on Linux, offline otherwise.
func Run(name string) *Result { return run(name, os.Geteuid() != 0 || runtime.GOOS != "linux") }

// RunOffline runs a scenario against the simulated network.
func RunOffline(name string) *Result { return run(name, true) }

func run(name string, offline bool) *Result {
	s, err := load(name)
	if err != nil {
		return &Result{Err: err}
	}
	res, err := verifier.Run(context.Background(), s, offline)
	return &Result{Result: res, Scenario: s, Err: err}
}

// load resolves name as the CLI does (scenarios.Resolve): a file path,
// else a catalogue name. Run takes one scenario, so a directory of
// several is refused.
func load(name string) (*scenarios.Scenario, error) {
	list, err := scenarios.Resolve(name)
	if err != nil {
		return nil, fmt.Errorf("siglabtest: %w", err)
	}
	if len(list) != 1 {
		return nil, fmt.Errorf("siglabtest: %s holds %d scenarios; Run takes one", name, len(list))
	}
	return list[0], nil
}

// Catalogue names the built-in scenarios, for table-driven suites.
func Catalogue() ([]string, error) {
	list, err := scenarios.Catalogue()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.Name
	}
	return names, nil
}
