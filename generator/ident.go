package generator

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/siglab/siglab/wire"
)

// The ident scan (-I): nmap 2.01's posportupdate() calls getidentinfoz()
// for every port the connect scan finds open, before it closes the scan
// socket, so the target's identd can see the connection it is asked
// about. getidentinfoz() sleeps 50 ms ("If we aren't careful, we really
// MIGHT take out inetd"), makes a blocking connect() to port 113, writes
// "%hu,%hu\r\n" (the open port, then the scan socket's local port) with
// strlen()+1 bytes, so the request carries its terminating NUL, reads
// once, and closes (an orderly close: that socket has no SO_LINGER).
// Only then is the scan socket closed with its linger-0 reset. nmap is
// blocked all the while: the port scan sends nothing and looks at none of
// its sockets until the query is over. 2.01 and 2.05 agree on all of it.
const (
	identGap  = 50 * time.Millisecond
	identPort = 113
	// identGiveUp bounds the blocking connect() and read(): Linux 2.0
	// gave up a connect() after its SYN retries (3+6+12+24+48+96 s,
	// inferred from TCP_SYN_RETRIES 5 and the 3 s initial timeout);
	// 2.01's read() had no timeout at all, so a silent identd hung nmap.
	identGiveUp = 189 * time.Second
)

type identStage uint8

const (
	identSleeping   identStage = iota // usleep(50000)
	identConnecting                   // blocking connect() to 113
	identReading                      // request written, blocking read()
)

// identQuery is one getidentinfoz() call in progress.
type identQuery struct {
	idx      int    // the open port's index in the scan's ports
	port     uint16 // the open port (the request's first number)
	scanPort uint16 // the scan socket's local port (getsockname)
	sport    uint16 // the identd connection's local port
	stage    identStage
	at       time.Time // when the stage's timer fires
}

// startIdent begins the query about port i, found open through the scan
// socket bound to scanPort; the scan waits for it.
func (s *portScan) startIdent(now time.Time, i int, scanPort uint16) time.Time {
	s.ident = &identQuery{idx: i, port: s.ports[i].port, scanPort: scanPort, stage: identSleeping, at: now.Add(identGap)}
	return s.ident.at
}

// identWake runs the query's timers.
func (s *portScan) identWake(now time.Time) (time.Time, error) {
	q := s.ident
	if now.Before(q.at) {
		return q.at, nil
	}
	switch q.stage {
	case identSleeping:
		sport, err := s.p.host.ConnectTCP(s.dst, identPort)
		if err != nil {
			return time.Time{}, err
		}
		q.sport, q.stage, q.at = sport, identConnecting, now.Add(identGiveUp)
		return q.at, nil
	case identConnecting: // connect() timed out
		_ = s.p.host.CloseTCP(q.sport)
		s.out.verbosef("identd port not active now for some reason ... hope we didn't break it!\n")
	default: // no answer: siglab stops waiting where 2.01 waited forever
		_ = s.p.host.CloseTCP(q.sport)
	}
	return s.identDone(now, ""), nil
}

// identPacket reports whether pk belongs to the query's connection.
func (s *portScan) identPacket(pk wire.Packet) bool {
	q := s.ident
	return q.stage != identSleeping && pk.IsTCP() && pk.Src() == s.dst && pk.SPort() == identPort && pk.DPort() == q.sport
}

// identReceive follows the query's connection: the handshake, then the
// answer.
func (s *portScan) identReceive(now time.Time, pk wire.Packet) time.Time {
	q := s.ident
	h := s.p.host
	switch {
	case q.stage == identConnecting && pk.HasFlags(wire.FlagRST):
		_ = h.CloseTCP(q.sport)
		s.out.verbosef("identd port not active now for some reason ... hope we didn't break it!\n")
		return s.identDone(now, "")
	case q.stage == identConnecting && pk.HasFlags(wire.FlagSYN|wire.FlagACK):
		req := fmt.Sprintf("%d,%d\r\n", q.port, q.scanPort)
		s.out.debugf(2, "Connected to identd, sending request: %s", req)
		q.stage = identReading
		if err := h.WriteTCP(q.sport, append([]byte(req), 0)); err != nil {
			return s.identDone(now, "")
		}
		return q.at
	case q.stage != identReading:
		return q.at
	}
	data, alive := h.ReadTCP(q.sport)
	if len(data) == 0 && alive {
		return q.at // an ACK: read() still blocks
	}
	if len(data) == 0 && pk.HasFlags(wire.FlagRST) {
		_ = h.CloseTCP(q.sport)
		s.out.printf("reading from identd: Connection reset by peer\n") // perror()
		return s.identDone(now, "")
	}
	_ = h.ShutdownTCP(q.sport)
	s.out.debugf(2, "Read %d bytes from identd: %s\n", len(data), data)
	owner, hidden := s.identParse(data)
	if hidden {
		s.identOn = false
	}
	return s.identDone(now, owner)
}

// identParse reads an answer as getidentinfoz() did: after the first
// ':', strtok(" :") gives the reply type; ERROR ends it (HIDDEN-USER
// turns -I off for the rest of the host), else the next token is the OS
// and the one after it the owner, cut at CR or LF. hidden reports the
// HIDDEN-USER case.
func (s *portScan) identParse(resp []byte) (owner string, hidden bool) {
	_, rest, ok := bytes.Cut(resp, []byte(":"))
	if !ok {
		return "", false
	}
	toks := strings.FieldsFunc(string(rest), func(r rune) bool { return r == ' ' || r == ':' })
	if len(toks) == 0 {
		return "", false
	}
	if strings.EqualFold(toks[0], "error") {
		if bytes.Contains(resp, []byte("HIDDEN-USER")) || bytes.Contains(resp, []byte("hidden-user")) {
			s.out.printf("identd returning HIDDEN-USER, giving up on it\n")
			return "", true
		}
		s.out.debugf(1, "ERROR returned from identd for port %d\n", s.ident.port)
		return "", false
	}
	if len(toks) < 3 {
		return "", false
	}
	owner, _, _ = strings.Cut(toks[2], "\r")
	owner, _, _ = strings.Cut(owner, "\n")
	if len(owner) > 512 {
		owner = owner[:512]
	}
	return owner, false
}

// identDone ends the query: posportupdate() goes on to close the scan
// socket (the linger-0 reset), prints the -v line and records the port
// with its owner. Then the replies that came while nmap was blocked are
// taken, in arrival order, as its next select() would have.
func (s *portScan) identDone(now time.Time, owner string) time.Time {
	q := s.ident
	s.ident = nil
	if s.owners == nil {
		s.owners = map[uint16]string{}
	}
	s.owners[s.ports[q.idx].port] = owner
	_ = s.p.host.CloseTCP(q.scanPort)
	s.out.verbosef("Adding %s port %d (state Open).\n", s.tech.protoName, q.port)
	for s.ident == nil && len(s.deferred) > 0 {
		pk := s.deferred[0]
		s.deferred = s.deferred[1:]
		s.receive(now, pk)
	}
	if s.ident != nil {
		return s.ident.at
	}
	s.passEnd = now
	if s.waiting > 0 {
		s.passEnd = now.Add(pcapTimeout)
	}
	return s.passEnd
}

// identDefer keeps a reply that came while nmap was blocked in a query.
func (s *portScan) identDefer(pk wire.Packet) {
	if pk.Src() == s.dst {
		s.deferred = append(s.deferred, slices.Clone(pk))
	}
}

// startupNotes prints what 2.01's main() printed after its option loop
// (whose own lines, getpts()'s -d range lines among them, are
// Options.Notes) and before the first host, for -I and -d: the ident
// warning when the scan is not a connect scan (error(), on stderr: the
// -I stays set, so the ports table still has its Owner column), and
// with -d -d the socket limit.
func (n *Nmap) startupNotes() {
	o := n.Opts
	if o.Ident && o.Scan != ScanConnect {
		n.out.printf("Identscan only works with connect scan (-sT) ... ignoring option\n")
	}
	n.out.debugf(2, "The max # of sockets we are using is: %d\n", connectWidthCap)
}
