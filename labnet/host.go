package labnet

import (
	"net/netip"
	"strings"
)

// Stack names a host's TCP/IP stack: "kernel" (or empty) is a real
// Linux namespace in the live lab and its emulation offline;
// "personality/NAME" is an emulated 1990s stack (package personality).
// A bare "NAME" is read as "personality/NAME".
type Stack string

// Kernel is today's Linux stack.
const Kernel Stack = "kernel"

// personalityPrefix is how scenario files name an emulated stack.
const personalityPrefix = "personality/"

// Personality returns a personality's stack name: "personality/NAME".
func Personality(name string) Stack { return Stack(personalityPrefix + name) }

// IsKernel reports whether s is the kernel stack.
func (s Stack) IsKernel() bool { return s == "" || s == Kernel }

// Emulation is the name of the package personality emulation that
// answers for s offline: "kernel" for the kernel stack, NAME otherwise.
func (s Stack) Emulation() string {
	if s.IsKernel() {
		return string(Kernel)
	}
	return strings.TrimPrefix(string(s), personalityPrefix)
}

// Canonical is s as scenario files and state files spell it: "kernel"
// or "personality/NAME".
func (s Stack) Canonical() Stack {
	if s.IsKernel() {
		return Kernel
	}
	return Personality(s.Emulation())
}

// Host describes one target of a test network, for the simulated and
// the live network alike. A TCP port in none of the lists is closed (the
// stack answers RST); a UDP port not in OpenUDP is closed (ICMP port
// unreachable). Filtered ports drop everything; prohibited ones answer
// ICMP 3/13 (communication administratively prohibited), as a REJECT
// rule does.
type Host struct {
	Name  string     `json:"name"`
	Addr  netip.Addr `json:"address"`
	Stack Stack      `json:"stack"`

	OpenTCP       []uint16 `json:"open_tcp,omitempty"`
	FilteredTCP   []uint16 `json:"filtered_tcp,omitempty"`
	ProhibitedTCP []uint16 `json:"prohibited_tcp,omitempty"`
	// OpenUDP ports have a bound socket (no port unreachable).
	OpenUDP []uint16 `json:"open_udp,omitempty"`
	// FilteredUDP and ProhibitedUDP are honoured on kernel hosts only:
	// the emulated stacks do not emulate them (the live lab refuses
	// them there).
	FilteredUDP   []uint16 `json:"filtered_udp,omitempty"`
	ProhibitedUDP []uint16 `json:"prohibited_udp,omitempty"`

	// FTP runs a 1998-style FTP server on port 21 (which must be open)
	// that accepts third-party PORT commands: the bounce scan's relay.
	// Live kernel hosts only.
	FTP bool `json:"ftp,omitempty"`
}
