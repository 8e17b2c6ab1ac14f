package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// errUsage is wrapped by every command-line error, so main exits 2 on it.
var errUsage = errors.New("usage")

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "spoofcap:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// run parses the flags, writes the file and says what it wrote on
// stderr; split from main so the specs call it.
func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("spoofcap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := defaultConfig()
	fs.IntVar(&cfg.packets, "n", cfg.packets, "packets to write")
	fs.IntVar(&cfg.sources, "sources", cfg.sources, "spoofed sources, 10.0.0.0 onwards, taking turns")
	fs.IntVar(&cfg.targets, "targets", cfg.targets, "target addresses, 198.18.1.2 onwards")
	out := fs.String("o", "", "output pcap (required)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: spoofcap [-n PACKETS] [-sources M] [-targets K] -o OUT.pcap", errUsage)
	}
	if err := cfg.check(); err != nil {
		return err
	}
	start := time.Now()
	if err := writeFile(*out, cfg); err != nil {
		return err
	}
	_, err := fmt.Fprintf(stderr, "spoofcap: wrote %d packets from %d sources to %s in %d ms\n",
		cfg.packets, cfg.sources, *out, time.Since(start).Milliseconds())
	return err
}
