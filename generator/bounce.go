package generator

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/siglab/siglab/wire"
)

// FTP bounce defaults from nmap 2.01 (-b [user:pass@]server[:port]).
const (
	ftpUser     = "anonymous"
	ftpPass     = "-wwwuser@"
	ftpPort     = 21
	bounceStall = 10 * time.Second // no reply this long ends the scan
)

// ftpProxy is a parsed -b argument.
type ftpProxy struct {
	user, pass string
	host       string
	addr       netip.Addr
	port       uint16
}

// parseBounce reads -b's "user:pass@server:port" (every part but the
// server optional).
func parseBounce(arg string, names map[string]netip.Addr) (ftpProxy, error) {
	f := ftpProxy{user: ftpUser, pass: ftpPass, port: ftpPort}
	if cred, rest, ok := strings.Cut(arg, "@"); ok {
		f.user, f.pass, _ = strings.Cut(cred, ":")
		arg = rest
	}
	host, port, hasPort := strings.Cut(arg, ":")
	if hasPort {
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 {
			return f, fmt.Errorf("%w: -b: %q is not a port", ErrUsage, port)
		}
		f.port = uint16(p)
	}
	addrs, err := resolveTarget(host, names)
	if err != nil || len(addrs) != 1 {
		return f, fmt.Errorf("%w: -b: cannot resolve the FTP proxy %q", ErrUsage, host)
	}
	f.host, f.addr = host, addrs[0]
	return f, nil
}

// bounceState is where the FTP conversation stands.
type bounceState int

const (
	ftpConnecting bounceState = iota
	ftpGreeting
	ftpUserSent
	ftpPassSent
	ftpPortSent
	ftpListSent
	ftpListing // a 1xx came: wait for the transfer's end
	ftpDone
)

// bounceScan is nmap 2.01's bounce_scan(): one control connection to the
// FTP server, through the scanner's kernel; per port in shuffled order
// "PORT a,b,c,d,p1,p2" and "LIST". A 1xx or 2xx answer to LIST means
// open, 425 or any other failure closed; a 5xx to PORT for a port below
// 1024 means the server refuses privileged ports, which are then skipped.
type bounceScan struct {
	p       *process
	out     *output
	host    *hostResult
	ftp     ftpProxy
	ports   []uint16
	next    int
	state   bounceState
	sport   uint16
	rx      []byte
	open    []uint16
	noPriv  bool
	since   time.Time
	started time.Time
	done    bool
}

func newBounceScan(p *process, out *output, h *hostResult, ports []uint16, f ftpProxy) *bounceScan {
	return &bounceScan{p: p, out: out, host: h, ftp: f, ports: ports}
}

func (b *bounceScan) finished() bool { return b.done }

func (b *bounceScan) wake(now time.Time) (time.Time, error) {
	if b.started.IsZero() {
		b.started, b.since = now, now
		sport, err := b.p.host.ConnectTCP(b.ftp.addr, b.ftp.port)
		if err != nil {
			return time.Time{}, err
		}
		b.sport = sport
		return now.Add(bounceStall), nil
	}
	if now.Sub(b.since) >= bounceStall {
		b.out.printf("Bounce scan timed out waiting for the FTP server.\n")
		b.finish()
		return time.Time{}, nil
	}
	return b.since.Add(bounceStall), nil
}

func (b *bounceScan) receive(now time.Time, pk wire.Packet) time.Time {
	if b.done || !pk.IsTCP() || pk.Src() != b.ftp.addr || pk.DPort() != b.sport {
		return time.Time{}
	}
	if b.state == ftpConnecting && pk.HasFlags(wire.FlagRST) {
		b.out.printf("Your ftp bounce server lied to us or is not there: connection refused.\n")
		b.finish()
		return now
	}
	if b.state == ftpConnecting && pk.HasFlags(wire.FlagSYN|wire.FlagACK) {
		b.state = ftpGreeting
	}
	data, alive := b.p.host.ReadTCP(b.sport)
	b.rx = append(b.rx, data...)
	for {
		code, ok := b.reply()
		if !ok {
			break
		}
		b.since = now
		if err := b.step(code); err != nil || b.done {
			b.finish()
			return now
		}
	}
	if !alive && b.state != ftpConnecting {
		b.finish()
		return now
	}
	return b.since.Add(bounceStall)
}

// reply takes one complete reply off the buffer: lines up to the one
// that starts with the code and a space.
func (b *bounceScan) reply() (int, bool) {
	for {
		i := bytes.Index(b.rx, []byte("\r\n"))
		if i < 0 {
			return 0, false
		}
		line := string(b.rx[:i])
		b.rx = b.rx[i+2:]
		if len(line) >= 4 && line[3] == ' ' {
			if code, err := strconv.Atoi(line[:3]); err == nil {
				return code, true
			}
		}
	}
}

// step advances the conversation on one reply.
func (b *bounceScan) step(code int) error {
	switch b.state {
	case ftpGreeting:
		if code != 220 {
			return fmt.Errorf("ftp greeting %d", code)
		}
		b.state = ftpUserSent
		return b.send("USER " + b.ftp.user)
	case ftpUserSent:
		if code == 230 { // no password wanted
			return b.nextPort()
		}
		b.state = ftpPassSent
		return b.send("PASS " + b.ftp.pass)
	case ftpPassSent:
		if code != 230 {
			b.out.printf("Your ftp bounce server doesn't allow anonymous logins, or rejected your password.\n")
			b.done = true
			return nil
		}
		return b.nextPort()
	case ftpPortSent:
		if code >= 500 && b.ports[b.next-1] < 1024 {
			b.noPriv = true // the server will not PORT to privileged ports
			return b.nextPort()
		}
		if code/100 != 2 {
			return b.nextPort()
		}
		b.state = ftpListSent
		return b.send("LIST")
	case ftpListSent:
		if code/100 == 1 || code/100 == 2 {
			b.open = append(b.open, b.ports[b.next-1])
			if code/100 == 1 {
				b.state = ftpListing
				return nil
			}
		}
		return b.nextPort()
	case ftpListing: // the transfer's closing reply
		return b.nextPort()
	}
	return nil
}

// nextPort asks the server to connect to the next port of the target.
func (b *bounceScan) nextPort() error {
	for b.next < len(b.ports) && b.noPriv && b.ports[b.next] < 1024 {
		b.next++
	}
	if b.next == len(b.ports) {
		b.done = true
		return b.send("QUIT")
	}
	port := b.ports[b.next]
	b.next++
	a := b.host.addr.As4()
	b.state = ftpPortSent
	return b.send(fmt.Sprintf("PORT %d,%d,%d,%d,%d,%d", a[0], a[1], a[2], a[3], port>>8, port&0xff))
}

func (b *bounceScan) send(cmd string) error {
	return b.p.host.WriteTCP(b.sport, []byte(cmd+"\r\n"))
}

// finish closes the control connection and records the open ports.
func (b *bounceScan) finish() {
	if b.done && b.state == ftpDone {
		return
	}
	b.done, b.state = true, ftpDone
	_ = b.p.host.ShutdownTCP(b.sport)
	for _, p := range b.open {
		b.host.ports = append(b.host.ports, portResult{port: p, state: "open", proto: "tcp"})
	}
	sortResults(b.host.ports)
	b.host.scanned = len(b.ports)
	b.out.verbosef("Scanned %d ports in %d seconds via the Bounce scan.\n", b.next, b.p.host.Now().Unix()-b.started.Unix())
}
