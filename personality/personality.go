package personality

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/siglab/siglab/wire"
)

// Errors New and Fingerprint wrap.
var (
	// ErrUnknownStack: no personality has that name.
	ErrUnknownStack = errors.New("personality: unknown stack")
	// ErrOutsideLab: the host address is not a lab address
	// (198.18.0.0/15).
	ErrOutsideLab = errors.New("personality: address outside the lab")
	// ErrNoFingerprint: the personality has no first-generation
	// fingerprint record ("kernel" postdates nmap 2.0x).
	ErrNoFingerprint = errors.New("personality: no fingerprint record")
)

// labPrefix is the only range a stack lives in and answers to.
var labPrefix = netip.MustParsePrefix("198.18.0.0/15")

// Config describes one emulated host: its address and which ports are in
// which state. A TCP port that is in none of the lists is closed; a UDP
// port not in OpenUDP is closed. Filtered ports drop everything;
// prohibited ones answer ICMP 3/13 as a REJECT rule would.
type Config struct {
	Addr                                         netip.Addr
	OpenTCP, FilteredTCP, ProhibitedTCP, OpenUDP []uint16
	// Seed fixes every random draw of the stack (ISNs, IP IDs).
	Seed uint64
}

// Stack is one emulated host.
type Stack interface {
	Name() string
	// Answer returns the host's replies to one IPv4 packet addressed to
	// it, in order. The replies and the outer slice are valid until the
	// next call: a stack builds them in buffers it reuses, so answering
	// allocates nothing; a caller that keeps a reply copies it.
	Answer(now time.Time, p wire.Packet) [][]byte
}

// builder makes a Stack for a Config; every personality registers one.
type builder func(Config) Stack

var registry = map[string]builder{}

// register adds a personality at package initialisation; a duplicate
// name is a programming error.
func register(name string, b builder) {
	if _, dup := registry[name]; dup {
		panic("personality: duplicate name " + name)
	}
	registry[name] = b
}

// New returns a fresh stack of the named personality for cfg.
func New(name string, cfg Config) (Stack, error) {
	b, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownStack, name, strings.Join(Names(), ", "))
	}
	if !cfg.Addr.Is4() || !labPrefix.Contains(cfg.Addr) {
		return nil, fmt.Errorf("%w: %v is not in %v", ErrOutsideLab, cfg.Addr, labPrefix)
	}
	return b(cfg), nil
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
