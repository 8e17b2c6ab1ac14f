package netns

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns/nsthread"
	"github.com/siglab/siglab/wire"
)

// idleTimeout closes a target connection that sends nothing for this long.
const idleTimeout = 5 * time.Second

// servers are a lab's TCP listeners and their connections. Each accepted
// connection gets one short line per chunk it sends, until EOF, error or
// idleTimeout; that is enough for connect scans and banner-less probes.
type servers struct {
	mu     sync.Mutex
	closed bool
	lns    []net.Listener
	pcs    []net.PacketConn // UDP sockets on open UDP ports
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

// socket is one of a kernel host's open ports: TCP with its handler for
// each accepted connection, or UDP (udp set, handle unused).
type socket struct {
	ap     netip.AddrPort
	udp    bool
	handle func(net.Conn)
}

// lineSocket is a TCP port served by lineServer: one short line per
// chunk a client sends.
func lineSocket(ap netip.AddrPort) socket {
	reply := []byte("siglab " + strconv.Itoa(int(ap.Port())) + " ok\r\n")
	return socket{ap: ap, handle: func(c net.Conn) { lineServer(c, reply) }}
}

// open opens socks inside ns, all from one thread in one namespace
// switch (a switch is a goroutine, an open and two setns: a host's 18
// listeners, one switch each, were 3 ms of Build), and serves them. On
// error none of them stays open.
func (s *servers) open(ns nsthread.Handle, socks []socket) error {
	opened := make([]io.Closer, 0, len(socks))
	closeAll := func() {
		for _, c := range opened {
			c.Close()
		}
	}
	err := nsthread.Do(ns, func() error {
		var lc net.ListenConfig
		for _, k := range socks {
			var c io.Closer
			var err error
			if k.udp {
				c, err = lc.ListenPacket(context.Background(), family("udp", k.ap), k.ap.String())
			} else {
				c, err = lc.Listen(context.Background(), family("tcp", k.ap), k.ap.String())
			}
			if err != nil {
				if k.udp {
					return fmt.Errorf("listen on udp %s: %w", k.ap, err)
				}
				return fmt.Errorf("listen on %s: %w", k.ap, err)
			}
			opened = append(opened, c)
		}
		return nil
	})
	if err != nil {
		closeAll()
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		closeAll()
		return ErrClosed
	}
	for i, k := range socks {
		if k.udp {
			s.serveUDP(opened[i].(net.PacketConn), k.ap)
		} else {
			s.serveTCP(opened[i].(net.Listener), k.handle)
		}
	}
	return nil
}

// serveTCP accepts on ln and runs handle for every connection, which it
// closes when handle returns. s.mu is held.
func (s *servers) serveTCP(ln net.Listener, handle func(net.Conn)) {
	s.lns = append(s.lns, ln)
	s.wg.Add(1)
	go s.accept(ln, handle)
}

func (s *servers) accept(ln net.Listener, handle func(net.Conn)) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil { // e.g. EMFILE: back off instead of spinning
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if !s.track(c) {
			c.Close()
			return
		}
		go s.serve(c, handle)
	}
}

// track registers c (and a wg slot for its goroutine) unless closing.
func (s *servers) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.conns == nil {
		s.conns = make(map[net.Conn]struct{})
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *servers) serve(c net.Conn, handle func(net.Conn)) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	handle(c)
}

// family is "tcp4"/"udp4" or "tcp6"/"udp6" for ap's address: a
// listener serves exactly one family (tcp6 sockets are IPV6_V6ONLY).
func family(proto string, ap netip.AddrPort) string {
	if ap.Addr().Is6() {
		return proto + "6"
	}
	return proto + "4"
}

// lineServer answers every chunk read with reply, until EOF, an error or
// idleTimeout.
func lineServer(c net.Conn, reply []byte) {
	buf := make([]byte, 2048)
	for {
		if err := c.SetReadDeadline(time.Now().Add(idleTimeout)); err != nil {
			return
		}
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(reply); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// serveUDP reads what arrives on pc, so the kernel answers no port
// unreachable: the port is open. nmap 2.02's UDP probes are empty and
// get nothing back; on port 53 DNS queries are answered. s.mu is held.
func (s *servers) serveUDP(pc net.PacketConn, ap netip.AddrPort) {
	s.pcs = append(s.pcs, pc)
	self := ap.Addr() // what DNS answers: the host's IPv4 address, also over IPv6
	if v4, ok := labnet.IPv4Of(self); ok {
		self = v4
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		buf := make([]byte, 65536)
		for {
			n, from, err := pc.ReadFrom(buf)
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err == nil && ap.Port() == 53 {
				answerDNS(pc, from, buf[:n], self)
			}
		}
	}()
}

// answerDNS makes an open port 53 a DNS server: every A query gets the
// host's own address (the lab has no other zone); anything else gets
// nothing. Ordinary lookups are the DNS negatives of the catalogue.
func answerDNS(pc net.PacketConn, to net.Addr, query []byte, self netip.Addr) {
	if r, err := wire.DNSAnswer(query, self); err == nil {
		_, _ = pc.WriteTo(r, to)
	}
}

// close stops every listener and connection and waits for their
// goroutines. Safe to call more than once.
func (s *servers) close() error {
	s.mu.Lock()
	s.closed = true
	var errs []error
	for _, ln := range s.lns {
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	s.lns = nil
	for _, pc := range s.pcs {
		if err := pc.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	s.pcs = nil
	for c := range s.conns {
		c.Close() // the serving goroutine reports nothing; closing is the point
	}
	s.mu.Unlock()
	s.wg.Wait()
	return errors.Join(errs...)
}
