package netns

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/siglab/siglab/netns/nsthread"
)

// A new IPv6 address answers neighbour solicitations only once its link
// has joined the address's solicited-node group, and the kernel joins it
// from its address-configuration work queue (addrconf_dad_work, under
// the rtnl lock), not in the netlink call that adds the address, even
// with IFA_F_NODAD. Until then a solicitation for the address is dropped
// and the asker tries again a second later: a lab's first IPv6 packet
// waited 1 s in about one build in 60 when the work queue was held up
// (by the rtnl lock, e.g. the previous lab's namespace cleanup). So
// Build waits for the groups as it waits for the links to be up.

// solicit is one IPv6 address on one link of a namespace that must
// answer solicitations before the lab is handed over.
type solicit struct {
	link string
	addr netip.Addr
}

// solicitations are the lab's IPv6 addresses that neighbours ask for,
// by namespace: the scanner's uplink (the sensor asks for it on the way
// back), the sensor's downlink (the scanner's next hop), the sensor's
// gateway on each kernel host's link, and each kernel host's address.
// Emulated hosts are on TUNs, which have no neighbours.
func (l *Lab) solicitations(p plan) map[nsthread.Handle][]solicit {
	want := map[nsthread.Handle][]solicit{
		l.scan: {{upName, upAddr6.Addr()}},
		l.sens: {{dnName, dnAddr6.Addr()}},
	}
	for i, h := range p.hosts {
		if !h.Stack.IsKernel() {
			continue
		}
		want[l.sens] = append(want[l.sens], solicit{hostLink(i), gatewayAddr6.Addr()})
		want[l.hosts[h.Name]] = append(want[l.hosts[h.Name]], solicit{hostIfName, h.addr6})
	}
	return want
}

// waitSolicited waits until every address of want has its link in the
// address's solicited-node group, in each namespace, or the timeout
// passes (ErrNotUp).
func (l *Lab) waitSolicited(want map[nsthread.Handle][]solicit, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for ns, list := range want {
		err := nsthread.Do(ns, func() error {
			for {
				b, err := os.ReadFile("/proc/thread-self/net/igmp6")
				if err != nil {
					return err
				}
				missing, ok := firstMissing(b, list)
				if ok {
					return nil
				}
				if time.Now().After(deadline) {
					return fmt.Errorf("%s has not joined %s's solicited-node group after %v: %w", missing.link, missing.addr, timeout, ErrNotUp)
				}
				time.Sleep(100 * time.Microsecond)
			}
		})
		if err != nil {
			return fmt.Errorf("%s: %w", l.nsNameOf(ns), err)
		}
	}
	return nil
}

// firstMissing is the first of list whose group igmp6 (the contents of
// /proc/net/igmp6: index, link, group in hex, users, flags, timer) does
// not show on its link; ok when none is missing.
func firstMissing(igmp6 []byte, list []solicit) (missing solicit, ok bool) {
	joined := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(igmp6))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) >= 3 {
			joined[string(f[1])+" "+string(f[2])] = true
		}
	}
	for _, s := range list {
		if !joined[s.link+" "+hex.EncodeToString(solicitedNode(s.addr).AsSlice())] {
			return s, false
		}
	}
	return solicit{}, true
}

// solicitedNode is a's solicited-node multicast address (RFC 4291
// 2.7.1): ff02::1:ff00:0/104 and a's low 24 bits.
func solicitedNode(a netip.Addr) netip.Addr {
	b := a.As16()
	return netip.AddrFrom16([16]byte{0: 0xff, 1: 0x02, 11: 0x01, 12: 0xff, 13: b[13], 14: b[14], 15: b[15]})
}

// nsNameOf names one of the lab's namespaces for an error.
func (l *Lab) nsNameOf(ns nsthread.Handle) string {
	for i, h := range l.nsh {
		if h == ns && i < len(l.names) {
			return l.names[i]
		}
	}
	return "netns " + strconv.Itoa(int(ns))
}
