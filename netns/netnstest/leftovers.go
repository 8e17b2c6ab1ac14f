//go:build linux

package netnstest

import (
	"errors"
	"net"
	"os"
	"strconv"
	"strings"

	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/netns"
)

// Namespaces lists the siglab namespaces mounted under /run/netns whose
// names start with netns.Prefix+owner: owner "<pid>-" for the labs of
// one process, "<id>-" for one lab, "" for every siglab namespace.
func Namespaces(owner string) []string {
	ents, err := os.ReadDir(runDir)
	if errors.Is(err, os.ErrNotExist) {
		err = nil // no namespace mounted since boot
	}
	Expect(err).NotTo(HaveOccurred())
	var nss []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), netns.Prefix+owner) {
			nss = append(nss, e.Name())
		}
	}
	return nss
}

// RootLinks lists the siglab links in the test's own namespace, where a
// lab never puts any: each is a leak (or a spec's deliberate stray).
func RootLinks() []string {
	ifs, err := net.Interfaces()
	Expect(err).NotTo(HaveOccurred())
	var links []string
	for _, i := range ifs {
		if strings.HasPrefix(i.Name, netns.Prefix) {
			links = append(links, i.Name)
		}
	}
	return links
}

// Leftovers lists, as "netns NAME" and "link NAME", owner's namespaces
// (see Namespaces) and every siglab link in the test's own namespace:
// empty once owner's labs are gone for good.
func Leftovers(owner string) []string {
	var out []string
	for _, n := range Namespaces(owner) {
		out = append(out, "netns "+n)
	}
	for _, l := range RootLinks() {
		out = append(out, "link "+l)
	}
	return out
}

// ExpectNoLeftovers fails unless the namespaces of every lab this
// process built are gone: for a suite's AfterSuite, once every spec's
// cleanup has run. Other processes' labs (a parallel suite's, or a
// child's) are theirs to check.
func ExpectNoLeftovers() {
	Expect(Namespaces(strconv.Itoa(os.Getpid())+"-")).To(BeEmpty(), "namespaces of this process's labs left behind")
}
