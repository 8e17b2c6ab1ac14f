// Command siglab is the nmap signature lab: it replays nmap 2.02 into
// test networks, detects what it sees and checks each scenario's verdict.
// See the README for the commands; exit codes are 0 (all passed), 1 (a
// scenario failed), 2 (usage or setup error, or a scenario that could not
// run) and 3 (no failure, but a scenario was inconclusive: the sensor
// dropped packets); verifier.ExitCode ranks them 2, 1, 3.
// Offline commands (generate, detect, render, scenarios, rules, report
// merge, run and scan with --offline) work on every system; off Linux the live ones (run and
// scan without --offline, capture, lab) stop at once with one line and
// exit code 2 (liveOnly).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"reflect"
	"runtime"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"

	"github.com/siglab/siglab/netns"
)

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// liveOnly refuses a command that needs a live test network off Linux,
// where package netns is a stub, before it tries anything: one line,
// exit code 2. hint says what works instead, if anything.
func liveOnly(cmd, hint string) error {
	if runtime.GOOS == "linux" {
		return nil
	}
	return fmt.Errorf("%s: %w%s", cmd, netns.ErrUnsupported, hint)
}

type cli struct {
	Run       runCmd       `cmd:"" help:"Run scenarios (default: the built-in catalogue) and print a verdict table."`
	Generate  generateCmd  `cmd:"" help:"Write a scenario's full exchange, offline, to a pcap file."`
	Scan      scanCmd      `cmd:"" help:"Be nmap 2.02: scan a scenario's test network with nmap 2.02's options and print its output."`
	Detect    detectCmd    `cmd:"" help:"Run the reference detector on pcap or pcapng files."`
	Render    renderCmd    `cmd:"" help:"Print captures as tcpdump 3.4 did, or as the SANS/SHADOW FAQ printed its traces (--faq), or draw one as an SVG picture (--svg)."`
	Matrix    matrixCmd    `cmd:"" help:"Run scenarios with every detector (reference, p0f, scanlogd, psad, declared engines) and print the coverage matrix: what each reported, whether it met the expectations, why each miss happened."`
	Scenarios scenariosCmd `cmd:"" help:"List the built-in scenario catalogue, or with --expand FILE the scenarios a matrix file expands to."`
	Capture   captureCmd   `cmd:"" help:"Capture another tool's traffic (today's nmap, masscan...) in a scenario's test network."`
	Lab       labCmd       `cmd:"" help:"Test network housekeeping."`
	Rules     rulesCmd     `cmd:"" help:"The rule lab: Snort/Suricata rules evaluated natively on captures and scenarios."`
	Report    reportCmd    `cmd:"" help:"Reports of sharded runs: merge the shards' report directories into one."`
}

// env is what every command gets: its streams and a context that ends on
// SIGINT or SIGTERM, so live runs tear their networks down.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// kongExit is what kong's exit hook panics with after printing help, so
// run can return the code instead of the process exiting mid-parse.
type kongExit int

// run parses args, runs the command and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			code = int(c)
		}
	}()
	var c cli
	var nmapArgs []string
	if len(args) > 0 && args[0] == "scan" {
		args, nmapArgs = splitScan(args)
	}
	parser, err := newParser(&c, args, kongOptions(stdout, stderr)...)
	if err != nil {
		fmt.Fprintf(stderr, "siglab: %v\n", err)
		return 2
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "siglab: %v\n", err)
		return 2
	}
	if nmapArgs != nil {
		c.Scan.Args = nmapArgs
	}
	err = kctx.Run(&env{ctx: ctx, stdout: stdout, stderr: stderr})
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintf(stderr, "siglab: %s\n", oneLine(ee.err))
		}
		return ee.code
	default:
		fmt.Fprintf(stderr, "siglab: %s\n", oneLine(err))
		return 2
	}
}

// oneLine is err's text on one line: joined errors (errors.Join puts
// each on its own) are separated by "; ".
func oneLine(err error) string {
	var parts []string
	for _, p := range strings.Split(err.Error(), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "; ")
}

// kongOptions are the parser's options: names, streams, exit hook.
func kongOptions(stdout, stderr io.Writer) []kong.Option {
	return []kong.Option{kong.Name("siglab"),
		kong.Description("An nmap 2.02 signature lab: replay, sense, detect, verify."),
		kong.Writers(stdout, stderr), kong.Exit(func(code int) { panic(kongExit(code)) }), kong.UsageOnError()}
}

// parser is kong's parser with what newParser narrowed it to: Parse
// copies what it set back into the cli struct (a narrowed model parses
// into a struct of its own).
type parser struct {
	*kong.Kong
	back func()
}

// Parse parses args and, on success, copies the values back.
func (p parser) Parse(args []string) (*kong.Context, error) {
	kctx, err := p.Kong.Parse(args)
	if err == nil && p.back != nil {
		p.back()
	}
	return kctx, err
}

// newParser is kong's parser for args: of the named command alone when
// args start with a command's name (of the named subcommand alone when
// they go on with one: `lab up`, `rules check`), of the whole CLI
// otherwise (no command, a flag, a typo). Kong builds its model of
// every command's flags by reflection on each start, 3 to 6 ms for the
// whole CLI here and 2 ms for lab's eight subcommands, a fifth of a
// siglab command's start-up and more in a lab cycle's three processes
// (#17, #19); one command's model is what parsing it needs, and help,
// errors and defaults read the same (a spec compares them).
func newParser(c *cli, args []string, opts ...kong.Option) (parser, error) {
	if len(args) == 0 {
		k, err := kong.New(c, opts...)
		return parser{Kong: k}, err
	}
	f, v, ok := commandField(reflect.ValueOf(c).Elem(), args[0])
	if !ok {
		k, err := kong.New(c, opts...)
		return parser{Kong: k}, err
	}
	target, back := v.Addr().Interface(), func() {}
	if len(args) > 1 {
		if sf, sv, ok := commandField(v, args[1]); ok {
			// A struct of one field, sub's own, in place of the command's.
			one := reflect.New(reflect.StructOf([]reflect.StructField{{Name: sf.Name, Type: sf.Type, Tag: sf.Tag}}))
			one.Elem().Field(0).Set(sv) // its defaults as the zero value has them
			target, back = one.Interface(), func() { sv.Set(one.Elem().Field(0)) }
		}
	}
	cmd := kong.DynamicCommand(args[0], f.Tag.Get("help"), "", target)
	k, err := kong.New(&struct{}{}, append(opts, cmd)...)
	return parser{Kong: k, back: back}, err
}

// commandField is the field of struct v that is the command name: its
// exported field whose lower-cased name it is, tagged cmd.
func commandField(v reflect.Value, name string) (reflect.StructField, reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if _, isCmd := f.Tag.Lookup("cmd"); isCmd && f.IsExported() && strings.ToLower(f.Name) == name {
			return f, v.Field(i), true
		}
	}
	return reflect.StructField{}, reflect.Value{}, false
}
