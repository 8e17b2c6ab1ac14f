package netns

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns/nsthread"
)

// BuildReplay makes a one-namespace Lab in which a detector that runs on
// a target's own kernel (scanlogd, psad) is shown a capture: the
// namespace "siglab-<id>-<role>" holds the TUN siglab-tun0, which owns
// addrs (each a /32), IPv6 off and no reverse-path filter as in every lab
// namespace, and a route for the lab's block (labnet.Range) into the
// TUN. Packets written to Lab.TUN arrive at that kernel as inbound
// traffic from any source; its answers to lab addresses come back out of
// the TUN (the caller reads and drops them), and answers to any other
// address find no route. There is no other link, so nothing leaves.
//
// The namespace is both ScannerNS (the TUN's) and HostNS(role); Close
// removes it as any Lab's, and Clean finds it by its name when the
// process that built it is gone. Every address must lie in labnet.Range
// (labnet.ErrOutsideLab), role must be a short name (ErrBadSpec).
func BuildReplay(role string, addrs []netip.Addr) (*Lab, error) {
	if role == "" || len(role) > 16 {
		return nil, fmt.Errorf("replay namespace role %q: want 1-16 bytes: %w", role, ErrBadSpec)
	}
	seen := map[netip.Addr]bool{}
	for _, a := range addrs {
		a = a.Unmap()
		if !labnet.Range.Contains(a) {
			return nil, fmt.Errorf("replay address %s: not in %s: %w", a, labnet.Range, labnet.ErrOutsideLab)
		}
		if seen[a] {
			return nil, fmt.Errorf("replay address %s: duplicate: %w", a, ErrBadSpec)
		}
		seen[a] = true
	}
	l := &Lab{
		id:    strconv.Itoa(os.Getpid()) + "-" + strconv.FormatUint(seq.Add(1), 10),
		hosts: map[string]nsthread.Handle{},
	}
	register(l) // as Build does: CloseAll also catches a half-built one
	l.mu.Lock()
	err := l.buildReplay(role, addrs)
	l.mu.Unlock()
	if err != nil {
		return nil, errors.Join(fmt.Errorf("build replay namespace %s: %w", l.id, err), l.Close())
	}
	if l.closing.Load() {
		return nil, fmt.Errorf("build replay namespace %s: %w", l.id, ErrClosed)
	}
	return l, nil
}

func (l *Lab) buildReplay(role string, addrs []netip.Addr) error {
	ns, err := l.prepared(role, quiet...)
	if err != nil {
		return err
	}
	l.scan = ns
	l.hosts[role] = ns
	h, err := openNL(ns, l.nsName(role))
	if err != nil {
		return err
	}
	defer h.Close()
	if l.tun, err = newTUN(ns, tunName); err != nil {
		return fmt.Errorf("%s: %w", l.nsName(role), err)
	}
	if err := h.up(tunName); err != nil {
		return err
	}
	for _, a := range addrs {
		if err := h.addr(tunName, netip.PrefixFrom(a.Unmap(), 32), netip.Addr{}); err != nil {
			return err
		}
	}
	return h.route(labnet.Range, netip.Addr{}, tunName)
}
