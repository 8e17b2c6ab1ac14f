package netns

import (
	"errors"
	"fmt"
	"net/netip"
	"os"

	"github.com/siglab/siglab/netns/nsthread"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// IPv6 in the lab (see the package doc): the veths between the scan,
// sensor and kernel host namespaces carry IPv6 too, with addresses of
// labnet.Range6 and routes for that block only; every other link (the
// TUNs, persona TUNs) keeps IPv6 off, as the quiet settings make every
// new link.

// quiet6 applies in the namespaces whose veths carry IPv6, after quiet:
// links made afterwards inherit "default", so none of them ever accepts
// router advertisements, configures addresses by itself, runs duplicate
// address detection or solicits routers, and the few MLD reports a link
// sends when it comes up all leave within a millisecond (the minimum
// unsolicited report interval), while Build runs, instead of up to a
// second later in a capture. lo gets ::1.
var quiet6 = []sysctl{
	{"net/ipv6/conf/default/accept_ra", "0"},
	{"net/ipv6/conf/default/autoconf", "0"},
	{"net/ipv6/conf/default/accept_dad", "0"},
	{"net/ipv6/conf/default/router_solicitations", "0"},
	{"net/ipv6/conf/default/mldv1_unsolicited_report_interval", "1"},
	{"net/ipv6/conf/default/mldv2_unsolicited_report_interval", "1"},
	{"net/ipv6/conf/lo/disable_ipv6", "0"},
}

// forwarding6 makes a namespace an IPv6 router.
var forwarding6 = sysctl{"net/ipv6/conf/all/forwarding", "1"}

// icmp6Unlimited is icmpUnlimited for ICMPv6: a UDP scan over IPv6
// sees every port unreachable.
var icmp6Unlimited = sysctl{"net/ipv6/icmp/ratelimit", "0"}

// ipv6On turns IPv6 on for one link, which must still be down (so its
// link-local address is made when it comes up, without DAD), restating
// the quiet6 defaults for it.
func ipv6On(link string) []sysctl {
	c := "net/ipv6/conf/" + link + "/"
	return []sysctl{
		{c + "accept_ra", "0"},
		{c + "autoconf", "0"},
		{c + "accept_dad", "0"},
		{c + "router_solicitations", "0"},
		{c + "disable_ipv6", "0"},
	}
}

// hasIPv6 reports whether the kernel has IPv6 in ns (a kernel booted
// with ipv6.disable=1 has no /proc/sys/net/ipv6): without it the lab is
// IPv4 only.
func hasIPv6(ns nsthread.Handle) (bool, error) {
	var ok bool
	err := nsthread.Do(ns, func() error {
		_, err := os.Stat("/proc/sys/net/ipv6/conf/default/disable_ipv6")
		switch {
		case err == nil:
			ok = true
		case errors.Is(err, os.ErrNotExist):
		default:
			return err
		}
		return nil
	})
	return ok, err
}

// enable6 turns IPv6 on for link in ns (named for errors).
func (l *Lab) enable6(ns nsthread.Handle, role, link string) error {
	if err := setSysctls(ns, ipv6On(link)...); err != nil {
		return fmt.Errorf("%s: %s: %w", l.nsName(role), link, err)
	}
	return nil
}

// addr6 assigns a to the named link without duplicate address detection
// (IFA_F_NODAD: usable at once, no neighbour solicitation sent) and
// brings the link up.
func (h *nl) addr6(name string, a netip.Prefix) error {
	l, err := h.link(name)
	if err != nil {
		return err
	}
	na := &netlink.Addr{IPNet: ipnet(a), Flags: unix.IFA_F_NODAD}
	if err := h.AddrAdd(l, na); err != nil {
		return fmt.Errorf("%s: add %s to %s: %w", h.name, a, name, err)
	}
	if err := h.LinkSetUp(l); err != nil {
		return fmt.Errorf("%s: set %s up: %w", h.name, name, err)
	}
	return nil
}
