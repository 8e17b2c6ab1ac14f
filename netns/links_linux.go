package netns

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/siglab/siglab/netns/nsthread"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// nl is a netlink handle bound to one namespace: no thread switching.
type nl struct {
	*netlink.Handle
	ns   nsthread.Handle
	name string // namespace name, for errors
}

func openNL(ns nsthread.Handle, name string) (*nl, error) {
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netlink in %s: %w", name, err)
	}
	return &nl{Handle: h, ns: ns, name: name}, nil
}

// retries bounds how often a dump interrupted by a concurrent change is
// repeated (netlink v1.3 returns partial results with ErrDumpInterrupted).
const retries = 5

// link looks a link up by name, retrying interrupted dumps.
func (h *nl) link(name string) (netlink.Link, error) {
	var err error
	for range retries {
		var l netlink.Link
		if l, err = h.LinkByName(name); !errors.Is(err, netlink.ErrDumpInterrupted) {
			if err != nil {
				return nil, fmt.Errorf("%s: link %s: %w", h.name, name, err)
			}
			return l, nil
		}
	}
	return nil, fmt.Errorf("%s: link %s: %w", h.name, name, err)
}

// up brings the named link up.
func (h *nl) up(name string) error {
	l, err := h.link(name)
	if err != nil {
		return err
	}
	if err := h.LinkSetUp(l); err != nil {
		return fmt.Errorf("%s: set %s up: %w", h.name, name, err)
	}
	return nil
}

// addr assigns a to the named link and brings it up. A valid peer makes
// it a point-to-point address (the kernel adds the /32 route to peer).
func (h *nl) addr(name string, a netip.Prefix, peer netip.Addr) error {
	l, err := h.link(name)
	if err != nil {
		return err
	}
	na := &netlink.Addr{IPNet: ipnet(a)}
	if peer.IsValid() {
		na.Peer = ipnet(netip.PrefixFrom(peer, 32))
	}
	if err := h.AddrAdd(l, na); err != nil {
		return fmt.Errorf("%s: add %s to %s: %w", h.name, a, name, err)
	}
	if err := h.LinkSetUp(l); err != nil {
		return fmt.Errorf("%s: set %s up: %w", h.name, name, err)
	}
	return nil
}

// route adds dst via gw (a valid gw) or on-link through dev (no gw).
func (h *nl) route(dst netip.Prefix, gw netip.Addr, dev string) error {
	r := &netlink.Route{Dst: ipnet(dst)}
	if dev != "" {
		l, err := h.link(dev)
		if err != nil {
			return err
		}
		r.LinkIndex = l.Attrs().Index
		r.Scope = netlink.SCOPE_LINK
	}
	if gw.IsValid() {
		r.Gw = gw.AsSlice()
		r.Scope = netlink.SCOPE_UNIVERSE
		if dev != "" && gw.Is4() {
			// The gateway lies outside the link's subnet. IPv6 gateways
			// (link-local, or on the link's prefix) need no flag.
			r.Flags = int(netlink.FLAG_ONLINK)
		}
	}
	if err := h.RouteAdd(r); err != nil {
		return fmt.Errorf("%s: route %s via %v dev %q: %w", h.name, dst, gw, dev, err)
	}
	return nil
}

// blackhole silently drops dst (no ICMP), for lab addresses nobody owns.
func (h *nl) blackhole(dst netip.Prefix) error {
	r := &netlink.Route{Dst: ipnet(dst), Type: unix.RTN_BLACKHOLE}
	if err := h.RouteAdd(r); err != nil {
		return fmt.Errorf("%s: blackhole %s: %w", h.name, dst, err)
	}
	return nil
}

// veth creates a pair straight in the two namespaces, so neither end
// ever exists in the namespace the request came from.
func (h *nl) veth(name string, peerName string, peer nsthread.Handle) error {
	v := &netlink.Veth{
		LinkAttrs:     netlink.LinkAttrs{Name: name, Namespace: netlink.NsFd(h.ns)},
		PeerName:      peerName,
		PeerNamespace: netlink.NsFd(peer),
	}
	if err := h.LinkAdd(v); err != nil {
		return fmt.Errorf("%s: veth %s/%s: %w", h.name, name, peerName, err)
	}
	return nil
}

func ipnet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// waitUp waits until the named links' operstate is up. A veth end that
// comes up before its peer gets its queue attached later, by the
// kernel's linkwatch work, after its operstate turns up; until then it
// drops what it sends (seen as a lost first ARP request and a 1 s
// stall), so Build returns only once every link is operational.
func (h *nl) waitUp(timeout time.Duration, names ...string) error {
	deadline := time.Now().Add(timeout)
	for _, name := range names {
		for {
			l, err := h.link(name)
			if err != nil {
				return err
			}
			if l.Attrs().OperState == netlink.OperUp {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: link %s still %s after %v: %w", h.name, name, l.Attrs().OperState, timeout, ErrNotUp)
			}
			time.Sleep(time.Millisecond)
		}
	}
	return nil
}
