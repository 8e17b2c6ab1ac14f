package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// errUsage is wrapped by every command-line error, so main exits 2 on it.
var errUsage = errors.New("usage")

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// run dispatches to a subcommand; split from main so the specs call it.
func run(args []string, stdout io.Writer) error {
	switch {
	case len(args) == 3 && args[0] == "pcapstat":
		st, err := pcapStat(args[1], args[2])
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, st)
		return err
	case len(args) == 4 && args[0] == "report":
		return report(args[1], args[2], args[3])
	}
	return fmt.Errorf("%w: benchreport pcapstat PCAP TARGET | benchreport report RAW OUT.json OUT.md", errUsage)
}
