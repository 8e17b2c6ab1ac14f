package netns

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns/nsthread"
	"github.com/songgao/water"
	"golang.org/x/sys/unix"
)

// seq numbers this process's labs; with the pid it makes the Lab ID.
var seq atomic.Uint64

// Build creates the lab described by spec (see the package doc for the
// topology). Address errors wrap labnet.ErrOutsideLab or ErrBadSpec. On any
// error everything made so far is removed again. Needs CAP_NET_ADMIN and
// CAP_SYS_ADMIN (namespaces, bind mounts).
func Build(spec Spec) (*Lab, error) {
	p, err := validate(spec)
	if err != nil {
		return nil, err
	}
	l := &Lab{
		id:      strconv.Itoa(os.Getpid()) + "-" + strconv.FormatUint(seq.Add(1), 10),
		scanner: p.scanner,
		hosts:   make(map[string]nsthread.Handle, len(p.hosts)),
	}
	register(l) // before building, so CloseAll also catches a half-built lab
	l.mu.Lock()
	err = l.build(p)
	l.mu.Unlock()
	if err != nil {
		return nil, errors.Join(fmt.Errorf("build lab %s: %w", l.id, err), l.Close())
	}
	if l.closing.Load() {
		return nil, fmt.Errorf("build lab %s: %w", l.id, ErrClosed)
	}
	return l, nil
}

func (l *Lab) build(p plan) error {
	if err := l.namespaces(p); err != nil {
		return err
	}
	scan, sens := l.scan, l.sens
	sn, err := openNL(sens, l.nsName("sens"))
	if err != nil {
		return err
	}
	defer sn.Close()
	sc, err := openNL(scan, l.nsName("scan"))
	if err != nil {
		return err
	}
	defer sc.Close()
	if err := l.buildScanner(sc, sn); err != nil {
		return err
	}
	if err := l.buildSensor(sn); err != nil {
		return err
	}
	sensLinks := []string{dnName}
	for i, h := range p.hosts {
		if !h.Stack.IsKernel() {
			if err := l.buildPersona(sn, i, h); err != nil {
				return err
			}
			continue
		}
		if err := l.buildHost(sn, i, h); err != nil {
			return err
		}
		sensLinks = append(sensLinks, hostLink(i))
	}
	// The host ends came up after their peers and are ready at once.
	if err := sc.waitUp(upTimeout, upName); err != nil {
		return err
	}
	if err := sn.waitUp(upTimeout, sensLinks...); err != nil {
		return err
	}
	if !l.v6 {
		return nil
	}
	return l.waitSolicited(l.solicitations(p), upTimeout)
}

// upTimeout bounds the wait for links to become operational.
const upTimeout = 2 * time.Second

// hostLink is the sensor's link toward host i.
func hostLink(i int) string { return Prefix + "h" + strconv.Itoa(i) }

// prepared makes one namespace as Build's first phase makes each of its
// own (nsJob), with settings and no IPv6 ones, and records it for Close.
func (l *Lab) prepared(role string, settings ...sysctl) (nsthread.Handle, error) {
	j := &nsJob{role: role, settings: settings}
	j.run(l)
	l.record(j)
	return j.ns, j.err
}

// buildScanner gives the scan namespace the TUN (the whole scanner side,
// 198.18.0.0/24 plus the scanner address, routes into it) and the uplink
// to the sensor, through which all other lab addresses are reached.
func (l *Lab) buildScanner(sc, sn *nl) error {
	var err error
	if l.tun, err = newTUN(l.scan, tunName); err != nil {
		return fmt.Errorf("%s: %w", l.nsName("scan"), err)
	}
	if err := sc.addr(tunName, tunAddr, l.scanner); err != nil {
		return err
	}
	if err := sc.route(labnet.ScannerSide, netip.Addr{}, tunName); err != nil {
		return err
	}
	if err := sn.veth(dnName, upName, l.scan); err != nil {
		return err
	}
	if l.v6 {
		if err := l.enable6(l.scan, "scan", upName); err != nil {
			return err
		}
		if err := l.enable6(l.sens, "sens", dnName); err != nil {
			return err
		}
	}
	if err := sc.addr(upName, upAddr, netip.Addr{}); err != nil {
		return err
	}
	if err := txChecksumOff(l.scan, upName); err != nil {
		return fmt.Errorf("%s: %w", l.nsName("scan"), err)
	}
	if err := sc.route(labnet.Range, dnAddr.Addr(), upName); err != nil {
		return err
	}
	if !l.v6 {
		return nil
	}
	if err := sc.addr6(upName, upAddr6); err != nil {
		return err
	}
	return sc.route(labnet.Range6, dnAddr6.Addr(), upName)
}

// buildSensor addresses the sensor's uplink and routes the scanner side
// back to the scan namespace; lab addresses no host owns are dropped.
func (l *Lab) buildSensor(sn *nl) error {
	if err := sn.addr(dnName, dnAddr, netip.Addr{}); err != nil {
		return err
	}
	if err := sn.route(labnet.ScannerSide, upAddr.Addr(), dnName); err != nil {
		return err
	}
	if !labnet.ScannerSide.Contains(l.scanner) {
		if err := sn.route(netip.PrefixFrom(l.scanner, 32), upAddr.Addr(), dnName); err != nil {
			return err
		}
	}
	if err := sn.blackhole(labnet.Range); err != nil {
		return err
	}
	if !l.v6 {
		return nil
	}
	if err := sn.addr6(dnName, dnAddr6); err != nil {
		return err
	}
	return sn.blackhole(labnet.Range6)
}

// buildHost makes host i: its namespace, a veth to the sensor (gateway
// address /32 and a /32 route to the host on the sensor side, so hosts
// may share a /24), and its listeners.
func (l *Lab) buildHost(sn *nl, i int, h hostPlan) error {
	role := "h" + strconv.Itoa(i)
	ns := l.hosts[h.Name] // made, with its firewall, by namespaces
	link := hostLink(i)
	if err := sn.veth(link, hostIfName, ns); err != nil {
		return err
	}
	if l.v6 {
		if err := l.enable6(l.sens, "sens", link); err != nil {
			return err
		}
		if err := l.enable6(ns, role, hostIfName); err != nil {
			return err
		}
	}
	if err := setSysctls(l.sens, proxyNow(link)); err != nil {
		return fmt.Errorf("%s: %w", l.nsName("sens"), err)
	}
	if err := sn.addr(link, netip.PrefixFrom(h.gw, 32), netip.Addr{}); err != nil {
		return err
	}
	if err := sn.route(netip.PrefixFrom(h.Addr, 32), netip.Addr{}, link); err != nil {
		return err
	}
	hn, err := openNL(ns, l.nsName(role))
	if err != nil {
		return err
	}
	defer hn.Close()
	if err := hn.addr(hostIfName, netip.PrefixFrom(h.Addr, 24), netip.Addr{}); err != nil {
		return err
	}
	if err := txChecksumOff(ns, hostIfName); err != nil {
		return fmt.Errorf("%s: %w", l.nsName(role), err)
	}
	if err := hn.route(netip.PrefixFrom(netip.IPv4Unspecified(), 0), h.gw, hostIfName); err != nil {
		return err
	}
	addrs := []netip.Addr{h.Addr}
	if l.v6 {
		if err := l.buildHost6(sn, hn, link, h); err != nil {
			return err
		}
		addrs = append(addrs, h.addr6)
	}
	if err := l.srv.open(ns, l.sockets(ns, addrs, h)); err != nil {
		return fmt.Errorf("host %q: %w", h.Name, err)
	}
	return nil
}

// buildHost6 gives kernel host h its IPv6 address (a /128, as the IPv4
// side's /32 routes make every host its own link), the sensor its
// link-local gateway address fe80::1 on the host's link and a /128
// route to the host there, and the host one route: labnet.Range6 via
// fe80::1. There is no IPv6 default route anywhere in the lab.
func (l *Lab) buildHost6(sn, hn *nl, link string, h hostPlan) error {
	if err := sn.addr6(link, gatewayAddr6); err != nil {
		return err
	}
	if err := sn.route(netip.PrefixFrom(h.addr6, 128), netip.Addr{}, link); err != nil {
		return err
	}
	if err := hn.addr6(hostIfName, netip.PrefixFrom(h.addr6, 128)); err != nil {
		return err
	}
	return hn.route(labnet.Range6, gatewayAddr6.Addr(), hostIfName)
}

// sockets are host h's TCP and UDP listeners on each of its addresses
// (the IPv4 one, and the IPv6 one when the lab has IPv6: both serve the
// same).
func (l *Lab) sockets(ns nsthread.Handle, addrs []netip.Addr, h hostPlan) []socket {
	var socks []socket
	for _, a := range addrs {
		for _, port := range h.OpenTCP {
			ap := netip.AddrPortFrom(a, port)
			switch {
			case h.FTP && port == 21:
				socks = append(socks, socket{ap: ap, handle: func(c net.Conn) { ftpServer(c, ns, h.Addr) }})
			case h.Identd != nil && port == labnet.IdentdPort:
				d, open := h.Identd, h.OpenTCP
				socks = append(socks, socket{ap: ap, handle: func(c net.Conn) { identdServer(c, d, open) }})
			default:
				socks = append(socks, lineSocket(ap))
			}
		}
		for _, port := range h.OpenUDP {
			socks = append(socks, socket{ap: netip.AddrPortFrom(a, port), udp: true})
		}
	}
	return socks
}

// newTUN creates the generator's TUN from a thread inside ns, so the
// device and its file belong to ns. water opens /dev/net/tun without
// O_CLOEXEC; set it so that child processes do not inherit (and keep
// alive) the device.
func newTUN(ns nsthread.Handle, name string) (*water.Interface, error) {
	var ifce *water.Interface
	err := nsthread.Do(ns, func() (err error) {
		ifce, err = water.New(water.Config{
			DeviceType:             water.TUN,
			PlatformSpecificParams: water.PlatformSpecificParams{Name: name},
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create tun %s: %w", name, err)
	}
	f := ifce.ReadWriteCloser.(*os.File)
	rc, err := f.SyscallConn() // not f.Fd(): that would make the file blocking
	if err == nil {
		err = rc.Control(func(fd uintptr) { unix.CloseOnExec(int(fd)) })
	}
	if err != nil {
		ifce.Close()
		return nil, fmt.Errorf("tun %s close-on-exec: %w", name, err)
	}
	return ifce, nil
}
