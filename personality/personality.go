package personality

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/wire"
)

// Errors New and Fingerprint wrap.
var (
	// ErrUnknownStack: no personality has that name.
	ErrUnknownStack = errors.New("personality: unknown stack")
	// ErrNoFingerprint: the personality has no first-generation
	// fingerprint record ("kernel" postdates nmap 2.0x).
	ErrNoFingerprint = errors.New("personality: no fingerprint record")
)

// Stack is one emulated host.
type Stack interface {
	Name() string
	// Answer returns the host's replies to one IPv4 packet addressed to
	// it, in order. The replies and the outer slice are valid until the
	// next call: a stack builds them in buffers it reuses, so answering
	// allocates nothing; a caller that keeps a reply copies it.
	Answer(now time.Time, p wire.Packet) [][]byte
}

// builder makes a Stack for a host and a seed; every personality
// registers one.
type builder func(labnet.Host, uint64) Stack

var registry = map[string]builder{}

// register adds a personality at package initialisation; a duplicate
// name is a programming error.
func register(name string, b builder) {
	if _, dup := registry[name]; dup {
		panic("personality: duplicate name " + name)
	}
	registry[name] = b
}

// New returns a fresh stack for h: the personality its Stack names
// (labnet.Stack.Emulation: "kernel" for a kernel host), answering for
// its address with its ports in their states. seed fixes every random
// draw of the stack (ISNs, IP IDs); labnet.HostSeed derives it per host.
func New(h labnet.Host, seed uint64) (Stack, error) {
	name := h.Stack.Emulation()
	b, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownStack, name, strings.Join(Names(), ", "))
	}
	if err := labnet.CheckAddr(h.Addr); err != nil {
		return nil, fmt.Errorf("personality: %w", err)
	}
	return b(h, seed), nil
}

// Names lists the personalities, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Fingerprint returns the nmap 2.0x fingerprint record (with the comment
// saying where it comes from) that the named personality answers to.
func Fingerprint(name string) (string, error) {
	if _, ok := registry[name]; !ok {
		return "", fmt.Errorf("%w %q (known: %s)", ErrUnknownStack, name, strings.Join(Names(), ", "))
	}
	p, ok := profiles[name]
	if !ok {
		return "", fmt.Errorf("%w: %s", ErrNoFingerprint, name)
	}
	return p.record, nil
}
