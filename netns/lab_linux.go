package netns

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"

	"github.com/siglab/siglab/netns/nsthread"
	"github.com/songgao/water"
	"golang.org/x/sys/unix"
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

// Close stops the listeners, closes the TUNs and every handle and
// deletes the namespaces, which takes their links with them. It is
// idempotent and safe to call concurrently; every call returns the first
// call's result. It is CloseAfter(nil).
func (l *Lab) Close() error { return l.CloseAfter(nil) }

// CloseAfter is Close calling unpublish once the lab's namespaces are
// unmounted and before its detached scanner TUN is deleted, unless
// something failed by then (what is left must stay findable). The
// background process of `lab up --detach` removes its state file there:
// `lab down` waits for the namespaces and that file, so it returns
// without waiting out the device's unregistration (one RCU grace period
// under the rtnl lock, about 20 ms), which the process still completes
// before it exits. unpublish's error joins the rest.
func (l *Lab) CloseAfter(unpublish func() error) error {
	l.closeOnce.Do(func() {
		l.closing.Store(true)
		unregister(l)
		l.mu.Lock()
		defer l.mu.Unlock()
		l.closeErr = l.teardown(unpublish)
	})
	return l.closeErr
}

// teardown releases everything made so far (l.mu held).
// The order matters: sockets and the TUN files hold references to their
// namespace, so they go before the namespaces are unmounted; the
// handles, which keep the namespaces alive, go last, after the detached
// TUN is deleted through one of them. The emulated hosts' and the
// generator's TUNs are left to their namespace (leaveToNamespace); the
// detached scanner TUN is deleted explicitly: another process may hold
// its file or its namespace (a scan attached by name, a shell), and
// either would keep a persistent device alive past the unmount.
func (l *Lab) teardown(unpublish func() error) error {
	errs := []error{l.srv.close()}
	errs = append(errs, l.closeTUNs()...)
	for _, name := range l.names {
		errs = append(errs, deleteNamed(runDir, name))
	}
	if unpublish != nil && errors.Join(errs...) == nil {
		errs = append(errs, unpublish())
	}
	if l.detached {
		errs = append(errs, deleteTUNs(l.scan, l.nsName("scan")))
	}
	for _, h := range l.nsh {
		if err := h.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close netns handle: %w", err))
		}
	}
	l.nsh = nil
	return errors.Join(errs...)
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

// closeTUNs closes the scanner's TUN and every persona's at once, each
// left to its namespace first (leaveToNamespace): a non-persistent TUN's
// close(2) unregisters its device and waits out grace periods (14-44 ms
// each here), which were most of a lab's teardown.
func (l *Lab) closeTUNs() []error {
	closers := make([]func() error, 0, len(l.personas)+1)
	for _, p := range l.personas {
		closers = append(closers, p.close)
	}
	if l.tun != nil {
		tun := l.tun
		closers = append(closers, func() error {
			leaveToNamespace(tun.ReadWriteCloser)
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

// leaveToNamespace makes a TUN device outlive its file, so that closing
// the file does not unregister it there and then: the device goes with
// its namespace, once the lab has unmounted it and dropped every handle,
// when the kernel's namespace cleanup unregisters all of the namespace's
// devices in one batch, one RCU grace period for all, off the caller's
// path. Closing a non-persistent TUN unregisters its device in close(2)
// and waits out grace periods under the rtnl lock, serially with the
// other TUNs' (20 to 34 ms each on this machine). Best effort: on error
// the close unregisters the device as before.
func leaveToNamespace(rwc io.ReadWriteCloser) {
	f, ok := rwc.(*os.File)
	if !ok {
		return
	}
	if rc, err := f.SyscallConn(); err == nil {
		_ = rc.Control(func(fd uintptr) { _ = unix.IoctlSetInt(int(fd), unix.TUNSETPERSIST, 1) })
	}
}
