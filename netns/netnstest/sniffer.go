//go:build linux

package netnstest

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/siglab/siglab/labnet"
)

// Sniffer watches every interface of the namespace it was started in
// (the host's root namespace, for a suite started there) for IPv4 and
// IPv6 packets from or to the lab's addresses (labnet.Range,
// labnet.Range6): containment says there are none, whatever the labs in
// their own namespaces do.
type Sniffer struct {
	fd      int
	done    chan struct{} // closed by Stop
	stopped chan struct{} // closed when the reader has returned

	mu     sync.Mutex
	seen   int      // IPv4 and IPv6 packets read, lab or not
	leaked []string // the lab packets, described
}

// StartSniffer opens a cooked packet socket on every interface of the
// calling thread's namespace and reads until Stop. It needs root.
func StartSniffer() (*Sniffer, error) {
	proto := htons(unix.ETH_P_ALL)
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, int(proto))
	if err != nil {
		return nil, fmt.Errorf("sniffer socket: %w", err)
	}
	// A read times out now and then so Stop is noticed.
	tv := unix.NsecToTimeval((100 * time.Millisecond).Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("sniffer timeout: %w", err)
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 8<<20)
	s := &Sniffer{fd: fd, done: make(chan struct{}), stopped: make(chan struct{})}
	go s.read()
	return s, nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// read records packets until Stop.
func (s *Sniffer) read() {
	defer close(s.stopped)
	buf := make([]byte, 65536)
	for {
		select {
		case <-s.done:
			return
		default:
		}
		n, from, err := unix.Recvfrom(s.fd, buf, 0)
		if err != nil {
			continue // the timeout, or a signal: look at done again
		}
		ll, ok := from.(*unix.SockaddrLinklayer)
		if !ok {
			continue
		}
		switch htons(ll.Protocol) {
		case unix.ETH_P_IP:
			s.inspect(buf[:n], ll.Ifindex)
		case unix.ETH_P_IPV6:
			s.inspect6(buf[:n], ll.Ifindex)
		}
	}
}

// inspect records an IPv4 packet if it comes from or goes to the lab.
func (s *Sniffer) inspect(p []byte, ifindex int) {
	if len(p) < 20 || p[0]>>4 != 4 {
		return
	}
	src := netip.AddrFrom4([4]byte(p[12:16]))
	dst := netip.AddrFrom4([4]byte(p[16:20]))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen++
	if (labnet.Contains(src) || labnet.Contains(dst)) && len(s.leaked) < 20 {
		s.leaked = append(s.leaked, fmt.Sprintf("if %d: %s > %s proto %d len %d", ifindex, src, dst, p[9], binary.BigEndian.Uint16(p[2:])))
	}
}

// inspect6 records an IPv6 packet if it comes from or goes to the lab's
// IPv6 block (labnet.Range6).
func (s *Sniffer) inspect6(p []byte, ifindex int) {
	if len(p) < 40 || p[0]>>4 != 6 {
		return
	}
	src := netip.AddrFrom16([16]byte(p[8:24]))
	dst := netip.AddrFrom16([16]byte(p[24:40]))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen++
	if (labnet.Contains6(src) || labnet.Contains6(dst)) && len(s.leaked) < 20 {
		s.leaked = append(s.leaked, fmt.Sprintf("if %d: %s > %s next header %d len %d", ifindex, src, dst, p[6], binary.BigEndian.Uint16(p[4:])))
	}
}

// Stop ends the sniffer and returns the lab packets it saw (at most 20,
// described) and how many IPv4 and IPv6 packets it read in all.
func (s *Sniffer) Stop() (leaked []string, seen int) {
	close(s.done)
	<-s.stopped // within one read timeout
	unix.Close(s.fd)
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.leaked...), s.seen
}
