package main

import (
	"bytes"
	"reflect"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/alecthomas/kong"
)

// parsed is what a parser made of args: what it printed, its exit code
// (help exits), its error, the command it chose and the values it set
// in that command's struct, a subcommand's for `lab up` (the whole
// CLI's parser also sets the other commands' defaults, which no command
// reads).
type parsed struct {
	out, err string
	exit     int
	command  string
	values   any
}

func parseWith(full bool, args []string) (p parsed) {
	var stdout, stderr bytes.Buffer
	opts := kongOptions(&stdout, &stderr)
	defer func() {
		if r := recover(); r != nil {
			p.exit = int(r.(kongExit))
		}
		p.out = stdout.String() + stderr.String()
	}()
	var c cli
	var k interface {
		Parse([]string) (*kong.Context, error)
	}
	var err error
	if full {
		k, err = kong.New(&c, opts...)
	} else {
		k, err = newParser(&c, args, opts...)
	}
	Expect(err).NotTo(HaveOccurred())
	kctx, err := k.Parse(args)
	if err != nil {
		p.err = err.Error()
		return p
	}
	p.command = kctx.Command()
	v := reflect.ValueOf(c)
	for _, name := range strings.Fields(p.command) {
		if strings.HasPrefix(name, "<") { // an argument's placeholder
			continue
		}
		v = v.FieldByNameFunc(func(f string) bool { return strings.ToLower(f) == name })
	}
	p.values = v.Interface()
	return p
}

var _ = Describe("the parser of one command", func() {
	DescribeTable("reads args as the whole CLI's parser does: help, errors, the command and its values",
		func(line string) {
			args := strings.Fields(line)
			full, one := parseWith(true, args), parseWith(false, args)
			Expect(one).To(Equal(full))
		},
		Entry(nil, "--help"),
		Entry(nil, "bogus"),
		Entry(nil, "run --offline fig2-syn xmas"),
		Entry(nil, "run --help"),
		Entry(nil, "generate fig2-syn -o out.pcap"),
		Entry(nil, "generate"),
		Entry(nil, "detect --help"),
		Entry(nil, "detect a.pcap b.pcapng"),
		Entry(nil, "detect --bogus a.pcap"),
		Entry(nil, "render --faq a.pcap"),
		Entry(nil, "matrix --help"),
		Entry(nil, "scenarios"),
		Entry(nil, "capture --help"),
		Entry(nil, "lab"),
		Entry(nil, "lab --help"),
		Entry(nil, "lab up --detach --scenario bench/lab3hosts.yaml"),
		Entry(nil, "lab up --detached-child --start-log x.log --scenario s.yaml"),
		Entry(nil, "lab down 123-1"),
		Entry(nil, "lab up --help"),
		Entry(nil, "lab up --bogus"),
		Entry(nil, "lab down --help"),
		Entry(nil, "lab shell --lab 123-1 victim -- ip -br addr"),
		Entry(nil, "lab watch --svg out.svg 123-1"),
		Entry(nil, "lab reveal"),
		Entry(nil, "lab status extra"),
		Entry(nil, "rules check --help"),
		Entry(nil, "report merge out a b"),
		Entry(nil, "report bogus"),
		Entry(nil, "lab down --all --timeout 3s"),
		Entry(nil, "lab bogus"),
		Entry(nil, "lab exercise --help"),
		Entry(nil, "rules check --help"),
		Entry(nil, "rules"),
	)
})
