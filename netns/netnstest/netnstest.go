//go:build linux

package netnstest

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/nsthread"
)

// runDir is where named namespaces are mounted (iproute2's convention,
// which netns follows).
const runDir = "/run/netns"

// RequireRoot skips the spec when the process is not root, with a
// message that says so in the suite's output: live specs need
// CAP_NET_ADMIN and CAP_SYS_ADMIN to build namespaces and TUN devices.
// Use it first in the spec, or as the container's BeforeEach or
// BeforeAll.
func RequireRoot() {
	if os.Geteuid() != 0 {
		Skip("*** NOT RUN: needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) to build live test networks (namespaces, TUN); run the suite as root ***")
	}
}

// BuildLab skips the spec unless root, builds spec and closes the lab
// after the spec, pass or fail (its Close must succeed).
func BuildLab(spec netns.Spec) *netns.Lab {
	RequireRoot()
	lab, err := netns.Build(spec)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { Expect(lab.Close()).To(Succeed()) })
	return lab
}

// HoldNS opens the named namespace (e.g. "siglab-<id>-scan"), which
// keeps it alive after it is unmounted, as a shell inside it would; the
// handle is closed after the spec.
func HoldNS(name string) nsthread.Handle {
	f, err := os.Open(filepath.Join(runDir, name))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(f.Close)
	return nsthread.Handle(f.Fd())
}

// LinksIn lists the names of the links in ns.
func LinksIn(ns nsthread.Handle) []string {
	var names []string
	Expect(nsthread.Do(ns, func() error {
		ifs, err := net.Interfaces()
		for _, i := range ifs {
			names = append(names, i.Name)
		}
		return err
	})).To(Succeed())
	return names
}

// DialFrom connects to a TCP address (IPv4 or IPv6) from inside ns (a real socket of
// that namespace's kernel), within two seconds; the connection is closed
// after the spec if the spec has not closed it.
func DialFrom(ns nsthread.Handle, to netip.AddrPort) net.Conn {
	var c net.Conn
	Expect(nsthread.Do(ns, func() (err error) {
		network := "tcp4"
		if to.Addr().Is6() {
			network = "tcp6"
		}
		c, err = net.DialTimeout(network, to.String(), 2*time.Second)
		return err
	})).To(Succeed())
	DeferCleanup(func() { _ = c.Close() })
	return c
}
