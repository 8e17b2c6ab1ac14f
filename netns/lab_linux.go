package netns

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"

	"github.com/siglab/siglab/netns/nsthread"
	"github.com/songgao/water"
	vnetns "github.com/vishvananda/netns"
)

// Link names inside the lab's namespaces (each ≤ 15 bytes).
const (
	tunName    = "siglab-tun0" // scan ns: the generator's device
	upName     = "siglab-up0"  // scan ns, toward the sensor
	dnName     = "siglab-dn0"  // sensor ns, toward the scanner
	hostIfName = "siglab-eth0" // host ns, toward the sensor
)

// Lab is one live test network. Build makes it; Close removes it.
type Lab struct {
	id      string
	scanner netip.Addr

	// Set while building; read-only once Build has returned.
	names []string                   // every named namespace made, in order
	nsh   []nsthread.Handle          // open handles, closed by Close
	scan  nsthread.Handle            // handle of the scanner namespace
	sens  nsthread.Handle            // handle of the sensor namespace
	hosts map[string]nsthread.Handle // host name -> namespace
	tun   *water.Interface
	// v6: the kernel has IPv6, so the lab's veths carry it too.
	v6 bool
	// detached: the TUN was made persistent and handed over (Detach);
	// teardown deletes the device.
	detached bool
	srv      servers
	// personas are the emulated hosts, served from the sensor namespace.
	personas []*persona

	// mu is held by Build while it constructs and by Close while it
	// tears down, so a CloseAll racing a Build waits for it.
	mu        sync.Mutex
	closing   atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// ID is "<pid>-<seq>", unique among this process's labs and, through the
// pid, among processes.
func (l *Lab) ID() string { return l.id }

// TUN is the generator's device: bare IPv4 packets written to it enter
// the scanner namespace; packets routed to the scanner side come out of
// it. The file is non-blocking (SetReadDeadline works) and owned by the
// Lab: do not close it. After Detach there is none: TUN returns nil.
func (l *Lab) TUN() *os.File {
	if l.tun == nil {
		return nil
	}
	return l.tun.ReadWriteCloser.(*os.File)
}

// IPv6 reports whether the lab carries IPv6 (labnet.Range6) besides
// IPv4: false only on a kernel without IPv6.
func (l *Lab) IPv6() bool { return l.v6 }

// Scanner is the generator's address, behind the TUN.
func (l *Lab) Scanner() netip.Addr { return l.scanner }

// SensorNS is the sensor (router) namespace.
func (l *Lab) SensorNS() nsthread.Handle { return l.sens }

// SensorIface is the sensor namespace's link toward the scanner, which
// every scanner<->target packet crosses: the place to capture.
func (l *Lab) SensorIface() string { return dnName }

// ScannerNS is the namespace behind whose TUN the generator sits; its
// kernel only forwards. Tests use it to open real sockets into the lab
// (their source is 198.19.0.1).
func (l *Lab) ScannerNS() nsthread.Handle { return l.scan }

// HostNS is the namespace of the host with that name.
func (l *Lab) HostNS(name string) (nsthread.Handle, bool) {
	h, ok := l.hosts[name]
	return h, ok
}

// Namespaces lists the names of the lab's namespaces (under /run/netns):
// scanner, sensor, then the hosts in Spec order.
func (l *Lab) Namespaces() []string { return append([]string(nil), l.names...) }

// nsName is the name of one of this lab's namespaces.
func (l *Lab) nsName(role string) string { return Prefix + l.id + "-" + role }

// Close stops the listeners, closes the TUN and every handle and deletes
// the namespaces, which takes their links with them. It is idempotent and
// safe to call concurrently; every call returns the first call's result.
func (l *Lab) Close() error {
	l.closeOnce.Do(func() {
		l.closing.Store(true)
		unregister(l)
		l.mu.Lock()
		defer l.mu.Unlock()
		l.closeErr = l.teardown()
	})
	return l.closeErr
}

// teardown releases everything made so far (l.mu held).
// The order matters: sockets and the TUN file hold references to their
// namespace, so they go before the namespaces are unmounted.
func (l *Lab) teardown() error {
	errs := []error{l.srv.close()}
	var del []func() error
	if l.detached {
		// Deleted beside the other TUNs' closes, not after them: each
		// unregisters a device and waits out the kernel's RCU grace
		// periods (20 to 30 ms under load), which overlap when they run
		// together (#17).
		del = append(del, func() error { return deleteTUNs(l.scan, l.nsName("scan")) })
	}
	errs = append(errs, l.closeTUNs(del...)...)
	for _, h := range l.nsh {
		if err := h.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close netns handle: %w", err))
		}
	}
	l.nsh = nil
	for _, name := range l.names {
		errs = append(errs, deleteNamed(runDir, name))
	}
	return errors.Join(errs...)
}

// newNS creates one of the lab's namespaces and remembers it for Close.
func (l *Lab) newNS(role string) (nsthread.Handle, error) {
	name := l.nsName(role)
	h, err := newNamed(runDir, name)
	if err != nil {
		return vnetns.None(), err
	}
	l.names = append(l.names, name)
	l.nsh = append(l.nsh, h)
	return h, nil
}

// registry holds every open Lab of this process, for CloseAll.
var registry = struct {
	sync.Mutex
	labs map[*Lab]struct{}
}{labs: map[*Lab]struct{}{}}

func register(l *Lab) {
	registry.Lock()
	registry.labs[l] = struct{}{}
	registry.Unlock()
}

func unregister(l *Lab) {
	registry.Lock()
	delete(registry.labs, l)
	registry.Unlock()
}

// openIDs are the IDs of this process's open labs.
func openIDs() map[string]bool {
	registry.Lock()
	defer registry.Unlock()
	m := make(map[string]bool, len(registry.labs))
	for l := range registry.labs {
		m[l.id] = true
	}
	return m
}

// CloseAll closes every open Lab of this process (the CLI calls it on
// SIGINT/SIGTERM) and returns their errors joined.
func CloseAll() error {
	registry.Lock()
	labs := make([]*Lab, 0, len(registry.labs))
	for l := range registry.labs {
		labs = append(labs, l)
	}
	registry.Unlock()
	var errs []error
	for _, l := range labs {
		if err := l.Close(); err != nil {
			errs = append(errs, fmt.Errorf("lab %s: %w", l.id, err))
		}
	}
	return errors.Join(errs...)
}

// closeTUNs closes the scanner's TUN and every persona's at once: the
// kernel removes a TUN device while close(2) waits (14-44 ms each here),
// and one after another they were most of a lab's teardown. also runs
// beside them (a detached lab's persistent TUN's deletion).
func (l *Lab) closeTUNs(also ...func() error) []error {
	closers := append(make([]func() error, 0, len(l.personas)+1+len(also)), also...)
	for _, p := range l.personas {
		closers = append(closers, p.close)
	}
	if l.tun != nil {
		tun := l.tun
		closers = append(closers, func() error {
			if err := tun.Close(); err != nil {
				return fmt.Errorf("close tun: %w", err)
			}
			return nil
		})
	}
	errs := make([]error, len(closers))
	var wg sync.WaitGroup
	for i, c := range closers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c()
		}()
	}
	wg.Wait()
	l.personas = nil
	return errs
}
