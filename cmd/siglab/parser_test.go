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
// in that command's struct (the whole CLI's parser also sets the other
// commands' defaults, which no command reads).
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
	var k *kong.Kong
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
	name, _, _ := strings.Cut(p.command, " ")
	p.values = reflect.ValueOf(c).FieldByNameFunc(func(f string) bool { return strings.ToLower(f) == name }).Interface()
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
		Entry(nil, "lab down --all --timeout 3s"),
		Entry(nil, "lab bogus"),
		Entry(nil, "lab exercise --help"),
		Entry(nil, "rules check --help"),
		Entry(nil, "rules"),
	)
})
