package netns_test

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vishvananda/netlink"
	vnetns "github.com/vishvananda/netns"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/nsthread"
)

var victimPorts = []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}

// buildLab builds spec and removes the lab after the spec, pass or fail.
func buildLab(spec netns.Spec) *netns.Lab {
	lab, err := netns.Build(spec)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { Expect(lab.Close()).To(Succeed()) })
	return lab
}

func victimSpec(addr string) netns.Spec {
	return netns.Spec{Hosts: []labnet.Host{{Name: "victim", Addr: netip.MustParseAddr(addr), OpenTCP: victimPorts}}}
}

// syn is a scanner SYN to dst:dport, as the generator would write it.
func syn(src, dst netip.Addr, sport, dport uint16, seq uint32) []byte {
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP,
		SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, SYN: true, Window: 4096}
	Expect(tcp.SetNetworkLayerForChecksum(ip)).To(Succeed())
	buf := gopacket.NewSerializeBuffer()
	Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, tcp)).To(Succeed())
	return buf.Bytes()
}

// reply is the first IPv4/TCP packet read from the TUN within timeout
// that goes to the scanner from dst:dport, or nil.
type reply struct {
	ip  *layers.IPv4
	tcp *layers.TCP
}

func readReply(tun *os.File, dport uint16, timeout time.Duration) *reply {
	buf := make([]byte, 65536)
	Expect(tun.SetReadDeadline(time.Now().Add(timeout))).To(Succeed())
	for {
		n, err := tun.Read(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil
		}
		Expect(err).NotTo(HaveOccurred())
		if n == 0 || buf[0]>>4 != 4 {
			continue // not IPv4
		}
		p := gopacket.NewPacket(append([]byte(nil), buf[:n]...), layers.LayerTypeIPv4, gopacket.Default)
		ip, _ := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		tcp, _ := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if ip != nil && tcp != nil && uint16(tcp.SrcPort) == dport {
			return &reply{ip, tcp}
		}
	}
}

// exchange writes a SYN to dst:dport into the TUN and returns the reply.
func exchange(lab *netns.Lab, dst netip.Addr, sport, dport uint16) *reply {
	_, err := lab.TUN().Write(syn(lab.Scanner(), dst, sport, dport, 1000))
	Expect(err).NotTo(HaveOccurred())
	return readReply(lab.TUN(), dport, 2*time.Second)
}

// leftovers are lab namespaces under /run/netns and siglab links in the
// test's own namespace.
func leftovers(id string) (nss, links []string) {
	ents, err := os.ReadDir("/run/netns")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		Fail(err.Error())
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), netns.Prefix+id+"-") {
			nss = append(nss, e.Name())
		}
	}
	ll, err := netlink.LinkList()
	Expect(err).NotTo(HaveOccurred())
	for _, l := range ll {
		if strings.HasPrefix(l.Attrs().Name, netns.Prefix) {
			links = append(links, l.Attrs().Name)
		}
	}
	return nss, links
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

// dialFrom connects from inside ns (a real socket of that kernel).
func dialFrom(ns nsthread.Handle, to netip.AddrPort) net.Conn {
	var c net.Conn
	Expect(nsthread.Do(ns, func() (err error) {
		c, err = net.DialTimeout("tcp4", to.String(), 2*time.Second)
		return err
	})).To(Succeed())
	DeferCleanup(func() { _ = c.Close() }) // the spec may have closed it
	return c
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
