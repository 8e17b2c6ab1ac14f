package netns_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vishvananda/netlink"
	vnetns "github.com/vishvananda/netns"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

var victimPorts = []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}

func victimSpec(addr string) netns.Spec {
	return netns.Spec{Hosts: []labnet.Host{{Name: "victim", Addr: netip.MustParseAddr(addr), OpenTCP: victimPorts}}}
}

// syn is a scanner SYN to dst:dport, as the generator would write it.
func syn(src, dst netip.Addr, sport, dport uint16, seq uint32) []byte {
	return wiretest.TCP(wire.IPHeader{TTL: 64, Src: src, Dst: dst},
		wire.TCPSegment{SPort: sport, DPort: dport, Seq: seq, Flags: wire.FlagSYN, Window: 4096})
}

// exchange writes a SYN to dst:dport into the TUN and returns the reply.
func exchange(lab *netns.Lab, dst netip.Addr, sport, dport uint16) wire.Packet {
	_, err := lab.TUN().Write(syn(lab.Scanner(), dst, sport, dport, 1000))
	Expect(err).NotTo(HaveOccurred())
	return netnstest.ReadReply(lab.TUN(), dport, 2*time.Second)
}

func fdCount() int {
	ents, err := os.ReadDir("/proc/self/fd")
	Expect(err).NotTo(HaveOccurred())
	return len(ents)
}

func exists(ns string) bool {
	_, err := os.Stat(filepath.Join("/run/netns", ns))
	return err == nil
}

// makeNamed creates a bare named namespace, as a killed run would leave
// it, from a throwaway locked thread.
func makeNamed(name string) {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread is left inside
		h, err := vnetns.NewNamed(name)
		if err == nil {
			h.Close()
		}
		errc <- err
	}()
	Expect(<-errc).To(Succeed())
}

// makeRootVeth creates a stray siglab veth pair in the test's own
// namespace and returns the name Clean should report; it is removed
// after the spec in any case.
func makeRootVeth(name, peer string) string {
	Expect(netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: name}, PeerName: peer})).To(Succeed())
	DeferCleanup(func() {
		if l, err := netlink.LinkByName(name); err == nil {
			_ = netlink.LinkDel(l)
		}
	})
	return name
}
