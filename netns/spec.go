package netns

import (
	"fmt"
	"net/netip"

	"github.com/siglab/siglab/labnet"
)

// Spec describes a lab. A zero Scanner means labnet.DefaultScanner.
// Each host is a namespace of its own with Addr/24 and labnet.IPv6(Addr)/128
// on siglab-eth0 and real listeners on its open ports (both addresses) (a kernel host: filtered and
// prohibited ports are nftables rules in its namespace, firewall.go; FTP
// runs a 1998-style FTP server on port 21, Identd an RFC 1413 server on
// port 113, identd_linux.go), or an emulated 1990s stack
// (package personality) answering from behind a TUN in the sensor
// namespace, which answers its filtered and prohibited TCP ports itself
// and cannot have filtered or prohibited UDP ports. Seed is the
// network's seed: each emulated host draws from labnet.HostSeed(Seed, i),
// as the simulated network's hosts do.
type Spec struct {
	Scanner netip.Addr
	Seed    uint64
	Hosts   []labnet.Host
}

// MaxHosts bounds a lab's size; each host costs a namespace and a veth.
const MaxHosts = 1024

// CaptureHops is how many routers a packet crosses before the sensor
// sees it, in either direction: the scan namespace forwards the
// generator's packets once before siglab-dn0, and the sensor namespace
// forwards the hosts' replies once before they leave by siglab-dn0. So
// captured TTLs are the senders' minus one (and replies read from the
// TUN have crossed two routers).
const CaptureHops = 1

// Fixed addresses of the lab's own plumbing.
var (
	tunAddr = netip.PrefixFrom(labnet.ScannerGateway, 32) // the scan ns's kernel on the TUN
	upAddr  = netip.MustParsePrefix("198.19.0.1/30")      // scan ns end
	dnAddr  = netip.MustParsePrefix("198.19.0.2/30")      // sensor ns end
	// gatewayAddr is the sensor's address on every host link, outside
	// the hosts' /24s (hosts reach it as an on-link gateway), so a sweep
	// of a host's /24 finds exactly the scenario's hosts, not the router.
	gatewayAddr = netip.MustParseAddr("198.19.255.254")

	// The IPv6 plumbing (labnet.IPv6 of the IPv4 ends, the same /30 as a
	// /126), and the sensor's link-local address on every host link, the
	// hosts' IPv6 gateway: a host reaches labnet.Range6 through it and
	// nothing else.
	upAddr6      = netip.PrefixFrom(mustIPv6(upAddr.Addr()), 126)
	dnAddr6      = netip.PrefixFrom(mustIPv6(dnAddr.Addr()), 126)
	gatewayAddr6 = netip.MustParsePrefix("fe80::1/64")
)

// mustIPv6 is labnet.IPv6 of a fixed lab address.
func mustIPv6(a netip.Addr) netip.Addr {
	v6, err := labnet.IPv6(a)
	if err != nil {
		panic(err)
	}
	return v6
}

// ScanNSAddr is the scan namespace's own address: the source of every
// packet that a tool run inside that namespace sends (`siglab capture`,
// a shell from `siglab lab up`), as the targets and the sensor see it.
var ScanNSAddr = upAddr.Addr()

// ScanNSAddr6 is the scan namespace's IPv6 address (labnet.IPv6 of
// ScanNSAddr): the source of what a tool sends over IPv6.
var ScanNSAddr6 = upAddr6.Addr()

// plan is a validated Spec with the derived per-host details.
type plan struct {
	scanner netip.Addr
	hosts   []hostPlan
}

type hostPlan struct {
	labnet.Host
	seed uint64     // the emulated stack's, labnet.HostSeed
	gw   netip.Addr // the sensor's address on this host's link
	// addr6 is the host's IPv6 address, labnet.IPv6(Addr); only kernel
	// hosts have it on a link.
	addr6 netip.Addr
}

// validate checks spec and derives the plan. Errors wrap labnet.ErrOutsideLab
// or ErrBadSpec.
func validate(spec Spec) (plan, error) {
	p := plan{scanner: spec.Scanner.Unmap()}
	if !p.scanner.IsValid() {
		p.scanner = labnet.DefaultScanner
	}
	if err := checkScanner(p.scanner); err != nil {
		return plan{}, err
	}
	if len(spec.Hosts) > MaxHosts {
		return plan{}, fmt.Errorf("%d hosts, at most %d: %w", len(spec.Hosts), MaxHosts, ErrBadSpec)
	}
	names := make(map[string]bool, len(spec.Hosts))
	addrs := make(map[netip.Addr]bool, len(spec.Hosts))
	for i, h := range spec.Hosts {
		h.Addr = h.Addr.Unmap()
		if err := checkHost(h, p.scanner); err != nil {
			return plan{}, err
		}
		if names[h.Name] {
			return plan{}, fmt.Errorf("host %q: duplicate name: %w", h.Name, ErrBadSpec)
		}
		if addrs[h.Addr] {
			return plan{}, fmt.Errorf("host %q: duplicate address %s: %w", h.Name, h.Addr, ErrBadSpec)
		}
		names[h.Name], addrs[h.Addr] = true, true
		p.hosts = append(p.hosts, hostPlan{Host: h, seed: labnet.HostSeed(spec.Seed, i)})
	}
	for i := range p.hosts {
		p.hosts[i].gw = gatewayAddr
		p.hosts[i].addr6 = mustIPv6(p.hosts[i].Addr) // checkHost proved it a lab address
	}
	return p, nil
}

func checkScanner(a netip.Addr) error {
	if err := labnet.CheckAddr(a); err != nil || labnet.Infra.Contains(a) {
		return fmt.Errorf("scanner %s: %w", a, labnet.ErrOutsideLab)
	}
	if a == tunAddr.Addr() || edge(a) {
		return fmt.Errorf("scanner %s: reserved address: %w", a, ErrBadSpec)
	}
	return nil
}

func checkHost(h labnet.Host, scanner netip.Addr) error {
	if h.Name == "" {
		return fmt.Errorf("host %s: empty name: %w", h.Addr, ErrBadSpec)
	}
	a := h.Addr
	if err := labnet.CheckHostAddr(a); err != nil {
		return fmt.Errorf("host %q: %w", h.Name, err)
	}
	if edge(a) {
		return fmt.Errorf("host %q: %s is a network or broadcast address: %w", h.Name, a, ErrBadSpec)
	}
	// A scanner on a host's /24 would be on-link for the host, which
	// would ARP for it instead of routing through the sensor.
	if subnet(a).Contains(scanner) {
		return fmt.Errorf("host %q: %s shares a /24 with scanner %s: %w", h.Name, a, scanner, ErrBadSpec)
	}
	if !h.Stack.IsKernel() && len(h.FilteredUDP)+len(h.ProhibitedUDP) > 0 {
		return fmt.Errorf("host %q: filtered and prohibited UDP ports need a kernel host, %s does not emulate them: %w", h.Name, h.Stack, ErrBadSpec)
	}
	if err := checkPorts(h.Name, "tcp", portList{"open", h.OpenTCP}, portList{"filtered", h.FilteredTCP}, portList{"prohibited", h.ProhibitedTCP}); err != nil {
		return err
	}
	return checkPorts(h.Name, "udp", portList{"open", h.OpenUDP}, portList{"filtered", h.FilteredUDP}, portList{"prohibited", h.ProhibitedUDP})
}

// portList is one of a host's port lists, named for errors.
type portList struct {
	state string
	ports []uint16
}

// checkPorts refuses port 0 and a port listed twice, within one list or
// across the lists of one protocol: a port has exactly one state.
func checkPorts(host, proto string, lists ...portList) error {
	seen := map[uint16]string{}
	for _, l := range lists {
		for _, port := range l.ports {
			if port == 0 {
				return fmt.Errorf("host %q: bad %s %s port 0: %w", host, l.state, proto, ErrBadSpec)
			}
			prev, dup := seen[port]
			switch {
			case dup && prev == l.state:
				return fmt.Errorf("host %q: %s %s port %d listed twice: %w", host, l.state, proto, port, ErrBadSpec)
			case dup:
				return fmt.Errorf("host %q: %s port %d is both %s and %s: %w", host, proto, port, prev, l.state, ErrBadSpec)
			}
			seen[port] = l.state
		}
	}
	return nil
}

// subnet is the /24 a host address lives in.
func subnet(a netip.Addr) netip.Prefix {
	p, _ := a.Prefix(24)
	return p
}

// edge reports the network and broadcast addresses of a /24.
func edge(a netip.Addr) bool {
	last := a.As4()[3]
	return last == 0 || last == 255
}
