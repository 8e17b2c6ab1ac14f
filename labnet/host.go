package labnet

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
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

	// Identd runs an RFC 1413 identification server on port 113 (which
	// must be open) answering from its table of port owners: what nmap
	// 2.02's -I asks about each open port. Kernel hosts only (a real
	// server in the live lab's namespace, its emulation offline).
	Identd *Identd `json:"identd,omitempty"`
}

// IdentdPort is the identification protocol's port (RFC 1413).
const IdentdPort = 113

// Identd is a host's identification server: who owns the listener on
// each open TCP port. It answers from this table, not from the host's
// process table: the live lab's listeners all belong to siglab.
type Identd struct {
	// Owners maps an open port to the user name the server gives for it.
	// "HIDDEN-USER" answers ERROR : HIDDEN-USER, as a server configured
	// to hide that user did.
	Owners map[uint16]string `json:"owners,omitempty"`
	// Default is the owner of open ports Owners does not list; empty
	// answers them ERROR : NO-USER.
	Default string `json:"default,omitempty"`
}

// HiddenUser is the owner name that makes the server refuse to tell.
const HiddenUser = "HIDDEN-USER"

// IdentMaxRequest bounds a request line; longer ones are answered
// UNKNOWN-ERROR.
const IdentMaxRequest = 1000

// Answer is the server's reply to one request (RFC 1413: "port-on-server
// , port-on-client", the line ended by CR LF or LF; anything after the
// line, such as the NUL byte nmap 2.0x sent with its request, is
// ignored). A port that is not open has no owner (NO-USER): a real
// server finds no such connection. The reply is pidentd's layout:
// "22 , 1029 : USERID : UNIX : root" and CR LF.
func (d *Identd) Answer(open []uint16, request []byte) []byte {
	line, _, _ := strings.Cut(string(request), "\n")
	line = strings.TrimRight(line, "\r\x00")
	a, b, ok := strings.Cut(line, ",")
	srv, errS := strconv.Atoi(strings.TrimSpace(a))
	cli, errC := strconv.Atoi(strings.TrimSpace(b))
	switch {
	case !ok || errS != nil || errC != nil || len(line) > IdentMaxRequest:
		return []byte("0 , 0 : ERROR : UNKNOWN-ERROR\r\n")
	case srv < 1 || srv > 65535 || cli < 1 || cli > 65535:
		return fmt.Appendf(nil, "%d , %d : ERROR : INVALID-PORT\r\n", srv, cli)
	}
	owner := ""
	if slices.Contains(open, uint16(srv)) {
		owner = d.Default
		if o, ok := d.Owners[uint16(srv)]; ok {
			owner = o
		}
	}
	switch owner {
	case "":
		return fmt.Appendf(nil, "%d , %d : ERROR : NO-USER\r\n", srv, cli)
	case HiddenUser:
		return fmt.Appendf(nil, "%d , %d : ERROR : HIDDEN-USER\r\n", srv, cli)
	}
	return fmt.Appendf(nil, "%d , %d : USERID : UNIX : %s\r\n", srv, cli, owner)
}
